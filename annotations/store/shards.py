"""Shard files: the documents of one range of import positions with their annotation records.

A shard is a TinyDB JSON file (``TinyDB(path, storage=AtomicJSONStorage)`` reads it) with tables
``documents`` (keyed by 1-based import position), ``annotations`` (one record per document and
annotator), ``suggestions`` (the shared layer: per document, the suggested spans every annotator
reviews) and ``claims`` (per document, the annotators who hold one of its routing slots). Shard files are never changed:
a fold writes a new file for each shard it touches (named by shard number and generation) and the
manifest then points at it, so a fold rewrites only what changed and a crash leaves either the old
or the new set.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.store.records import DocRec, record_key

Record = dict[str, Any]
# one character per document in a shard for each annotator: what the app needs at open
ANSWER_CODES: dict[str | None, str] = {None: ".", "accept": "a", "reject": "r", "skip": "s", "flag": "f"}
CODE_ANSWERS: dict[str, str | None] = {v: k for k, v in ANSWER_CODES.items()}
NO_RECORD = "-"


class ShardDamage(Exception):
    pass


@dataclass(slots=True)
class Shard:
    number: int
    file: str
    docs: list[DocRec] = field(default_factory=list)
    # annotator -> doc id -> record
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    suggestions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # doc id -> span dicts
    claims: dict[str, list[str]] = field(default_factory=dict)  # doc id -> annotators

    def copy(self, file: str) -> Shard:
        return Shard(
            self.number,
            file,
            list(self.docs),
            {a: dict(r) for a, r in self.records.items()},
            dict(self.suggestions),
            dict(self.claims),
        )

    def record(self, annotator: str, doc_id: str) -> Record | None:
        return self.records.get(annotator, {}).get(doc_id)

    def answer_codes(self) -> dict[str, str]:
        """annotator -> one code per document of the shard (``-``: no record)."""
        out: dict[str, str] = {}
        for annotator, by_doc in self.records.items():
            if not by_doc:
                continue
            out[annotator] = "".join(
                NO_RECORD if (r := by_doc.get(d.id)) is None else ANSWER_CODES.get(r.get("answer"), ".")
                for d in self.docs
            )
        return out


def shard_tables(shard: Shard, first: int) -> dict[str, Any]:
    records = shard.records

    def doc_rows() -> Iterable[tuple[str, Any]]:
        for ordinal, rec in enumerate(shard.docs, first):
            yield str(ordinal + 1), rec.to_dict()

    def ann_rows() -> Iterable[tuple[str, Any]]:
        i = 0
        for by_doc in records.values():
            for rec in by_doc.values():
                i += 1
                yield str(i), rec

    def suggestion_rows() -> Iterable[tuple[str, Any]]:
        for i, d in enumerate(shard.docs, 1):
            spans = shard.suggestions.get(d.id)
            if spans:
                yield str(i), {"doc_id": d.id, "spans": spans}

    def claim_rows() -> Iterable[tuple[str, Any]]:
        for i, d in enumerate(shard.docs, 1):
            holders = shard.claims.get(d.id)
            if holders:
                yield str(i), {"doc_id": d.id, "annotators": holders}

    return {
        "documents": doc_rows(),
        "annotations": ann_rows(),
        "suggestions": suggestion_rows(),
        "claims": claim_rows(),
    }


def encode_tables(tables: dict[str, Iterable[tuple[str, Any]]]) -> bytes:
    parts: list[str] = ["{"]
    for t, (name, rows) in enumerate(tables.items()):
        parts.append(("," if t else "") + json.dumps(name) + ":{")
        for i, (key, value) in enumerate(rows):
            parts.append(("," if i else "") + "\n" + json.dumps(key) + ":")
            parts.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        parts.append("}")
    parts.append("}\n")
    return "".join(parts).encode("utf-8")


def write_shard(directory: Path, shard: Shard, first_ordinal: int) -> int:
    """Write ``shard`` to ``directory/shard.file`` (a new name) and fsync it; return the CRC-32 of its
    bytes. Each file is synced as soon as it is written, so a fold never leaves a pile of dirty data
    that a journal fsync (an annotator's key press) would have to wait for."""
    data = encode_tables(shard_tables(shard, first_ordinal))
    tmp = directory / f".{shard.file}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, directory / shard.file)
    return zlib.crc32(data)


def sync_files(paths: Iterable[Path]) -> None:
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_shard(path: Path, number: int, crc: int | None, expected_docs: int) -> Shard:
    """Read and check one shard file. Raises ShardDamage (what is wrong) or OSError."""
    with open(path, "rb") as f:
        raw = f.read()
    if crc is not None and zlib.crc32(raw) != crc:
        raise ShardDamage("its checksum does not match the manifest (the file was changed or damaged)")
    return parse_shard(raw, path.name, number, expected_docs)


_CLAIMS_TABLE = b'"claims":{'


def read_claims(path: Path, crc: int | None) -> dict[str, list[str]] | None:
    """Only the claims of a shard file, without parsing its documents and records (the claims table
    is written last: :func:`shard_tables`). None if the file does not look as expected (the caller
    reads it whole, which says what is wrong). Raises OSError."""
    with open(path, "rb") as f:
        raw = f.read()
    if crc is not None and zlib.crc32(raw) != crc:
        return None
    at = raw.rfind(_CLAIMS_TABLE)  # a quote inside a JSON string is escaped: this is the table's key
    if at < 0:
        return None
    try:
        tail = raw[at + len(_CLAIMS_TABLE) - 1 :].decode("utf-8")
        table, end = json.JSONDecoder().raw_decode(tail)
    except (ValueError, UnicodeDecodeError):
        return None
    if tail[end:].strip() != "}" or not isinstance(table, dict):
        return None
    out: dict[str, list[str]] = {}
    for row in table.values():
        if not isinstance(row, dict):
            return None
        doc_id, holders = row.get("doc_id"), row.get("annotators")
        if not isinstance(doc_id, str) or not isinstance(holders, list) or not all(isinstance(h, str) for h in holders):
            return None
        out[doc_id] = holders
    return out


def parse_shard(raw: bytes, name: str, number: int, expected_docs: int) -> Shard:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ShardDamage(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ShardDamage("not a TinyDB file")
    shard = Shard(number, name)
    try:
        docs, anns = data.get("documents") or {}, data.get("annotations") or {}
        if not isinstance(docs, dict) or not isinstance(anns, dict):
            raise ValueError("a table is not an object")
        for key, d in docs.items():
            try:
                shard.docs.append(DocRec.from_dict(d))
            except ValueError as exc:
                raise ValueError(f"documents row {key}: {exc}") from None
        ids = {d.id for d in shard.docs}
        for key, rec in anns.items():
            if not isinstance(rec, dict):
                raise ValueError(f"annotations row {key}: not an object")
            annotator, doc_id = record_key(rec)
            if doc_id not in ids:
                raise ValueError(f"annotations row {key}: a record for document {doc_id}, not in this shard")
            shard.records.setdefault(annotator, {})[doc_id] = rec
        for table, attr, field_name in (
            ("suggestions", shard.suggestions, "spans"),
            ("claims", shard.claims, "annotators"),
        ):
            rows = data.get(table) or {}
            if not isinstance(rows, dict):
                raise ValueError(f"{table}: not a table")
            for key, row in rows.items():
                value = row.get(field_name) if isinstance(row, dict) else None
                if not isinstance(row, dict) or row.get("doc_id") not in ids or not isinstance(value, list):
                    raise ValueError(f"{table} row {key}: not a row of this shard")
                attr[row["doc_id"]] = value
    except ValueError as exc:
        raise ShardDamage(str(exc)) from None
    if len(shard.docs) != expected_docs:
        raise ShardDamage(f"{len(shard.docs)} documents where the manifest says {expected_docs}")
    return shard
