"""Reading stores written by earlier versions (formats 1 and 2: one TinyDB main file holding every
document and record, and a journal keyed by the main file's generation), so they can be upgraded.
Read only: :class:`~annotations.store.store.Store` writes the current format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.errors import StoreError
from annotations.store.journal import JournalDamage, read_journal
from annotations.store.records import DocRec, record_key

Record = dict[str, Any]


@dataclass(slots=True)
class LegacyStore:
    docs: list[DocRec] = field(default_factory=list)
    records: dict[str, dict[str, Record]] = field(default_factory=dict)  # annotator -> doc id -> record
    texts_end: int = 0
    generation: int = 0


def load_legacy(path: Path, journal_path: Path, version: int, raw: bytes) -> LegacyStore:
    data = json.loads(raw.decode("utf-8"))
    meta = next(iter(data["meta"].values()))
    out = LegacyStore()
    generation = meta.get("generation", 0)
    if not isinstance(generation, int) or generation < 0:
        raise StoreError(f"bad generation {generation!r} in the meta table", path=str(path))
    out.generation = generation
    ids: set[str] = set()
    end = 0
    try:
        tables = (data.get("documents") or {}, data.get("annotations") or {})
        if not all(isinstance(t, dict) for t in tables):
            raise ValueError("a table is not an object")
        for key, d in tables[0].items():
            try:
                rec = DocRec.from_dict(d)
            except ValueError as exc:
                raise ValueError(f"documents row {key}: {exc}") from None
            if rec.id in ids:
                raise ValueError(f"documents row {key}: document {rec.id} twice")
            ids.add(rec.id)
            out.docs.append(rec)
            end = max(end, rec.end)
        for key, d in tables[1].items():
            if not isinstance(d, dict):
                raise ValueError(f"annotations row {key}: not an object")
            annotator, doc_id = record_key(d)
            out.records.setdefault(annotator, {})[doc_id] = d
    except ValueError as exc:
        raise StoreError(f"corrupt record: {exc}; restore the main file from a backup", path=str(path)) from None
    texts_end = meta.get("texts_end", end) if version >= 2 else end
    if not isinstance(texts_end, int) or texts_end < end:
        raise StoreError(
            f"the meta table's texts_end {texts_end!r} is before the end of a text ({end})", path=str(path)
        )
    out.texts_end = texts_end
    try:
        contents = read_journal(journal_path, legacy=version == 1)
    except JournalDamage as exc:
        raise StoreError(
            f"journal line {exc.line} is corrupt ({exc.reason}); restore the journal from a backup, or move it "
            "aside to open the store as it was last saved",
            path=str(journal_path),
        ) from None
    if contents is None:
        if generation > 0 and version >= 2:
            raise StoreError(
                f"the journal is missing; restore it from a backup, or `touch {journal_path}` to open the store "
                "as it was last saved",
                path=str(journal_path),
            )
        return out
    if version == 1:
        entries = [e for e in contents.entries if e.get("g") == generation]
    elif contents.header is None:
        entries = []
    else:
        g = contents.header.get("g")
        if not isinstance(g, int):
            raise StoreError("journal line 1 is corrupt (no generation)", path=str(journal_path))
        if g > generation:
            raise StoreError(
                f"the main file is older than its journal (saved state {generation}, the journal continues state "
                f"{g}): restore the matching main file; nothing was changed",
                path=str(path),
            )
        entries = contents.entries if g == generation else []
    for n, entry in enumerate(entries, 2):
        row = entry.get("rec")
        try:
            if entry.get("op") != "ann" or not isinstance(row, dict):
                raise ValueError(f"unknown operation {entry.get('op')!r}")
            annotator, doc_id = record_key(row)
            if doc_id not in ids:
                raise ValueError(f"a record for unknown document {doc_id}")
        except ValueError as exc:
            raise StoreError(f"journal line {n} is corrupt ({exc})", path=str(journal_path)) from None
        out.records.setdefault(annotator, {})[doc_id] = row
    return out
