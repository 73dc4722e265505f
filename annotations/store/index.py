"""The document index: every document id in import order, and the same ids sorted, so that finding a
document's position costs a binary search and opening a store of a million documents builds no
dictionary of a million entries.

Derived data: two files beside the shards, written with each generation that adds documents —
``ids.G.json`` (a JSON array, one id per line, in import order) and ``sorted.G.bin`` (the positions
in id order, 32-bit little-endian). Both are rebuilt from the shards if missing or damaged.
"""

from __future__ import annotations

import array
import bisect
import json
import sys
import zlib
from pathlib import Path


class IndexDamage(Exception):
    pass


class DocIndex:
    def __init__(self, ids: list[str], order: array.array[int] | None = None) -> None:
        self.ids = ids
        if order is None:
            order = array.array("I", sorted(range(len(ids)), key=ids.__getitem__))
        self.order = order

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, doc_id: str) -> int | None:
        """The import position of ``doc_id``, or None."""
        i = bisect.bisect_left(self.order, doc_id, key=self.ids.__getitem__)
        if i < len(self.order):
            p = self.order[i]
            if self.ids[p] == doc_id:
                return p
        return None

    def extended(self, new_ids: list[str]) -> DocIndex:
        ids = self.ids + new_ids
        if not new_ids:
            return DocIndex(ids, self.order)
        return DocIndex(ids)

    # ---- files
    def encode(self) -> tuple[bytes, bytes]:
        ids = ("[" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in self.ids) + "]\n").encode("utf-8")
        order = array.array("I", self.order)
        if sys.byteorder == "big":
            order.byteswap()
        return ids, order.tobytes()

    @classmethod
    def read(cls, ids_path: Path, order_path: Path, ids_crc: int, order_crc: int, count: int) -> DocIndex:
        """Read the index files; IndexDamage (or OSError) if they do not match the manifest."""
        raw = ids_path.read_bytes()
        if zlib.crc32(raw) != ids_crc:
            raise IndexDamage(f"{ids_path.name} does not match its checksum")
        ids = json.loads(raw.decode("utf-8"))
        raw_order = order_path.read_bytes()
        if zlib.crc32(raw_order) != order_crc:
            raise IndexDamage(f"{order_path.name} does not match its checksum")
        order = array.array("I")
        order.frombytes(raw_order)
        if sys.byteorder == "big":
            order.byteswap()
        if not isinstance(ids, list) or len(ids) != count or len(order) != count:
            raise IndexDamage(f"{ids_path.name} does not hold {count} documents")
        return cls(ids, order)
