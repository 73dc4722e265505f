"""Native JSONL: everything the store knows, one line per (document, annotator).

``{"id", "text", "meta", "spans": [{"start", "end", "label", "origin", "pending"?, "note"?, "rule"?,
"confidence"?, "text"}], "answer", "annotator", "created", "updated", "seconds_spent", "text_hash"}``.
Reading keeps each span's origin, pending state, note, rule and confidence, and the record's annotator,
answer, times and seconds spent. (A record's list of suggestions decided against is not exported.)
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
    span_text,
    where,
)
from annotations.model import ANSWERS, ORIGINS, Annotation, Document, Span
from annotations.store import ImportedAnnotation
from annotations.userfiles import check_value

NAME = "native"


def record(doc: Document, ann: Annotation | None, options: ExportOptions | None = None) -> dict[str, Any]:
    options = options or ExportOptions(include_pending=True)
    omap = offset_map(doc, options)
    spans = []
    for s in kept_spans(ann, options.include_pending):
        d = s.to_dict()
        d["text"] = span_text(doc, ann, s)
        d["start"] = omap.from_codepoint(s.start, where(doc, ann))
        d["end"] = omap.from_codepoint(s.end, where(doc, ann))
        spans.append(d)
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": doc.meta,
        "spans": spans,
        "answer": ann.answer if ann else None,
        "annotator": ann.annotator if ann else None,
        "created": ann.created if ann else None,
        "updated": ann.updated if ann else None,
        "seconds_spent": ann.seconds_spent if ann else 0.0,
        "text_hash": doc.text_hash,
    }


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    n = 0
    for doc, ann in flat(records):
        out.write(jsonl(record(doc, ann, options)))
        n += 1
    return n


def detect(obj: dict[str, Any]) -> bool:
    return True  # the catch-all dialect: "text" and optional "spans"


def parse(obj: dict[str, Any], ctx: ReadContext) -> Item:
    doc = rec.document(obj, ctx, meta=obj.get("meta"))
    offsets = rec.Offsets(doc.text, ctx, ambiguous=False)
    spans = [_span(s, doc.text, ctx, offsets, i) for i, s in enumerate(rec.listed(obj, "spans"), 1)]
    answer = obj.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise UserError(f'unknown "answer" {str(answer)[:20]!r} (expected one of {", ".join(ANSWERS)} or null)')
    who = ctx.annotator if obj.get("annotator") is None else rec.name_of(obj["annotator"], "annotator")
    seconds = rec.number(obj, "seconds_spent") or 0.0
    if seconds < 0:
        raise UserError('"seconds_spent" must not be negative')
    created, updated = rec.number(obj, "created"), rec.number(obj, "updated")
    if not spans and answer is None and not seconds:
        return doc, []
    return doc, [ImportedAnnotation(who, spans, answer, created, updated, seconds)]


def _span(s: Any, text: str, ctx: ReadContext, offsets: rec.Offsets, i: int) -> Span:
    what = f"span #{i}"
    if not isinstance(s, dict):
        raise UserError(f"{what}: expected an object")
    for k in ("start", "end", "label"):
        if k not in s:
            raise UserError(f'{what}: no "{k}"')
    start, end = offsets.span(s["start"], s["end"], what)
    label = rec.label_of(s["label"], ctx, what)
    rec.check_text(s.get("text"), text, start, end, what, (s["start"], s["end"]))
    origin = s.get("origin", "imported")
    if origin not in ORIGINS:
        raise UserError(f"{what}: unknown origin {str(origin)[:20]!r}")
    pending = s.get("pending", False)
    if not isinstance(pending, bool):
        raise UserError(f'{what}: "pending" must be true or false')
    note, rule = s.get("note"), s.get("rule")
    for v, k in ((note, "note"), (rule, "rule")):
        if v is not None:
            if not isinstance(v, str):
                raise UserError(f'{what}: "{k}" must be a string')
            check_value(v, what)
    confidence = rec.number(s, "confidence")
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        raise UserError(f'{what}: "confidence" must be between 0 and 1')
    return Span(start, end, label, origin=origin, pending=pending, note=note, rule=rule, confidence=confidence)


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
