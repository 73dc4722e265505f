"""The manifest: the store's main file (``PATH``), a small TinyDB JSON file naming everything else.

Tables: ``meta`` (format, generation, committed end of the texts file, shard size, document count,
the last journal segment folded in, the index files and their checksums) and ``shards`` (one row per
shard: its file, document count, checksum, and for each annotator one answer code per document, so
that the app shows an annotator's progress without reading a shard). It is replaced atomically; the
moment it is replaced is the moment a fold or an import happens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotations.store.atomic import atomic_write_tables

FORMAT_VERSION = 4


class ManifestDamage(Exception):
    pass


class OldFormat(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


@dataclass(slots=True, frozen=True)
class ShardRow:
    number: int
    file: str
    docs: int
    crc: int
    answers: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "shard": self.number,
            "file": self.file,
            "documents": self.docs,
            "crc": self.crc,
            "answers": self.answers,
        }


@dataclass(slots=True, frozen=True)
class Manifest:
    generation: int = 0
    texts_end: int = 0
    shard_size: int = 1000
    documents: int = 0
    folded_seq: int = 0  # journal segments up to this one are in the shards
    ids_file: str | None = None
    ids_crc: int = 0
    order_file: str | None = None
    order_crc: int = 0
    shards: tuple[ShardRow, ...] = ()
    version: int = FORMAT_VERSION  # 3: pending suggestions still inside records (moved out by a writable open)
    commit: str = ""  # what made this generation: "fold" (only journal entries moved into shards), "import", ...

    def with_(self, **changes: Any) -> Manifest:
        return replace(self, **changes)

    def write(self, path: Path) -> None:
        meta = {
            "format": FORMAT_VERSION,
            "app": "reader",
            "generation": self.generation,
            "texts_end": self.texts_end,
            "shard_size": self.shard_size,
            "documents": self.documents,
            "folded_seq": self.folded_seq,
            "ids": self.ids_file,
            "ids_crc": self.ids_crc,
            "order": self.order_file,
            "order_crc": self.order_crc,
            "commit": self.commit,
        }
        rows = ((str(i), row.to_dict()) for i, row in enumerate(self.shards, 1))
        atomic_write_tables(path, {"meta": [("1", meta)], "shards": rows})


def read_version(data: Any) -> int:
    if not isinstance(data, dict) or not isinstance(data.get("meta"), dict) or not data["meta"]:
        raise ManifestDamage("not a reader store (no meta table)")
    meta = next(iter(data["meta"].values()))
    version = meta.get("format") if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise ManifestDamage("not a reader store (no format version)")
    return version


def parse_manifest(raw: bytes) -> Manifest:
    """Raises ManifestDamage, OldFormat (a format 1 or 2 main file) or ValueError for a newer format."""
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (ValueError, RecursionError) as exc:
        raise ManifestDamage(f"the main file is not valid JSON ({exc})") from None
    version = read_version(data)
    if version > FORMAT_VERSION:
        raise ValueError(version)
    if version < 3:
        raise OldFormat(version)
    meta = next(iter(data["meta"].values()))
    try:
        ints = {}
        for name in ("generation", "texts_end", "shard_size", "documents", "folded_seq", "ids_crc", "order_crc"):
            v = meta.get(name, 0)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"meta: bad {name} {v!r}")
            ints[name] = v
        if ints["shard_size"] < 1:
            raise ValueError("meta: bad shard_size")
        rows = []
        table = data.get("shards") or {}
        if not isinstance(table, dict):
            raise ValueError("shards: not a table")
        for i, (key, r) in enumerate(table.items()):
            if not isinstance(r, dict):
                raise ValueError(f"shards row {key}: not an object")
            number, file, docs, crc, answers = (
                r.get("shard"),
                r.get("file"),
                r.get("documents"),
                r.get("crc"),
                r.get("answers"),
            )
            if number != i or not isinstance(file, str) or "/" in file or not file:
                raise ValueError(f"shards row {key}: bad shard number or file")
            if not isinstance(docs, int) or not 0 < docs <= ints["shard_size"] or not isinstance(crc, int):
                raise ValueError(f"shards row {key}: bad document count or checksum")
            if not isinstance(answers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and len(v) == docs for k, v in answers.items()
            ):
                raise ValueError(f"shards row {key}: bad answers")
            rows.append(ShardRow(number, file, docs, crc, answers))
        if sum(r.docs for r in rows) != ints["documents"]:
            raise ValueError("the shards do not add up to the document count")
        ids_file, order_file = meta.get("ids"), meta.get("order")
        if ints["documents"] and not (isinstance(ids_file, str) and isinstance(order_file, str)):
            raise ValueError("meta: no index files")
    except ValueError as exc:
        raise ManifestDamage(str(exc)) from None
    return Manifest(
        ints["generation"],
        ints["texts_end"],
        ints["shard_size"],
        ints["documents"],
        ints["folded_seq"],
        ids_file if isinstance(ids_file, str) else None,
        ints["ids_crc"],
        order_file if isinstance(order_file, str) else None,
        ints["order_crc"],
        tuple(rows),
        version,
        meta.get("commit") if isinstance(meta.get("commit"), str) else "",
    )
