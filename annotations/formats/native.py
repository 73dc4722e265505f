"""Native JSONL: everything the store knows, one line per (document, annotator).

A document without any record is written once, as a document alone (``"annotator": null``,
``"answer": null``), with the store's shared pending suggestions on it -- only when the export is
not filtered (``--annotator``, ``--answers``, ``--gold`` export records only).

``{"id", "text", "meta", "spans": [{"start", "end", "label", "origin", "pending"?, "note"?, "rule"?,
"confidence"?, "text"}], "answer", "annotator", "created", "updated", "seconds_spent", "text_hash",
"rejected"?: [span, ...]}``. Reading keeps each span's origin, pending state, note, rule and confidence,
the record's annotator, answer, times and seconds spent, and ``rejected``: the suggestions the
annotator decided against, so suggesting again in the importing store does not bring them back.
Pending spans are suggestions: importing puts them in the store's shared layer. A record's undo
history is not exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from annotations.errors import UserError
from annotations.formats import reading as rec
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.common import (
    ExportOptions,
    Record,
    Warn,
    flat,
    jsonl,
    kept_spans,
    offset_map,
    rejected_objects,
    span_object,
)
from annotations.model import ANSWERS, Annotation, Document
from annotations.store import ImportedAnnotation

NAME = "native"


def record(doc: Document, ann: Annotation | None, options: ExportOptions | None = None) -> dict[str, Any]:
    options = options or ExportOptions(include_pending=True)
    omap = offset_map(doc, options)
    spans = kept_spans(ann, options.include_pending)
    if ann is None and options.include_pending and options.suggestions is not None:
        # a document nobody has a record of: the store's shared suggestions on it (importing puts
        # them back in that layer, not in a record)
        spans = sorted(s for s in options.suggestions(doc.id) if s.pending)
    d: dict[str, Any] = {
        "id": doc.id,
        "text": doc.text,
        "meta": doc.meta,
        "spans": [span_object(doc, ann, s, omap) for s in spans],
        "answer": ann.answer if ann else None,
        "annotator": ann.annotator if ann else None,
        "created": ann.created if ann else None,
        "updated": ann.updated if ann else None,
        "seconds_spent": ann.seconds_spent if ann else 0.0,
        "text_hash": doc.text_hash,
    }
    decided = rejected_objects(doc, ann, omap)
    if decided:
        d["rejected"] = decided
    return d


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    n = 0
    for doc, ann in flat(records):
        out.write(jsonl(record(doc, ann, options)))
        if ann is None:
            options.written["documents without a record"] += 1
        else:
            n += 1
    return n


def detect(obj: dict[str, Any]) -> bool:
    return True  # the catch-all dialect: "text" and optional "spans"


def parse(obj: dict[str, Any], ctx: ReadContext) -> Item:
    doc = rec.document(obj, ctx, meta=obj.get("meta"))
    offsets = rec.Offsets(doc.text, ctx, ambiguous=False)
    spans = [rec.full_span(s, doc.text, ctx, offsets, f"span #{i}") for i, s in enumerate(rec.listed(obj, "spans"), 1)]
    decided = rec.rejected(obj, "rejected", doc.text, ctx, offsets)
    answer = obj.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise UserError(f'unknown "answer" {str(answer)[:20]!r} (expected one of {", ".join(ANSWERS)} or null)')
    who = ctx.annotator if obj.get("annotator") is None else rec.name_of(obj["annotator"], "annotator")
    seconds = rec.number(obj, "seconds_spent") or 0.0
    if seconds < 0:
        raise UserError('"seconds_spent" must not be negative')
    created, updated = rec.number(obj, "created"), rec.number(obj, "updated")
    return rec.item(doc, ImportedAnnotation(who, spans, answer, created, updated, seconds, decided))


FORMAT = Format(
    name=NAME,
    summary="JSONL with everything the store knows (origins, pending suggestions, notes, times)",
    output="text",
    write=write,
    suffix=".jsonl",
    parse_record=parse,
    detect_record=detect,
    offsets=True,
)
