"""doccano sequence-labelling JSONL.

Writing: ``{"id", "text", "label": [[start, end, "LABEL"], ...], "meta", "annotator", "answer",
"rejected"?}``, one line per (document, annotator); doccano's importer keeps the extra keys as the
example's metadata. ``rejected`` (only when there are any) lists the suggestions the annotator decided
against as span objects (``start``, ``end``, ``label``, ``text``, ``origin``…); reading it back means
suggesting again does not bring them back.

Reading: ``"label": [[start, end, "LABEL"]]`` (doccano's import format) or ``"entities": [{"id",
"start_offset", "end_offset", "label"}]`` (its export format, with ``"relations"``). Relations, comments
and document categories are not imported, and the import says how many it saw. ``annotator`` and
``answer``, when present (our own export), say whose record a line is and its answer.

doccano's browser UI counts offsets in UTF-16 code units (grapheme clusters in its grapheme mode):
read and write such files with ``--offsets utf16`` (``grapheme``); without it, records whose text makes
the unit matter are counted and reported.
"""

from __future__ import annotations

import json
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
    span_text,
    where,
)
from annotations.model import ANSWERS, Annotation, Document, Span
from annotations.store import ImportedAnnotation

NAME = "doccano"


def record(doc: Document, ann: Annotation | None, options: ExportOptions | None = None) -> dict[str, Any]:
    options = options or ExportOptions()
    omap = offset_map(doc, options)
    at = where(doc, ann)
    labels = []
    for s in kept_spans(ann, options.include_pending):
        span_text(doc, ann, s)
        labels.append([omap.from_codepoint(s.start, at), omap.from_codepoint(s.end, at), s.label])
    d: dict[str, Any] = {"id": doc.id, "text": doc.text, "label": labels, "meta": doc.meta}
    if ann is not None:
        d["annotator"] = ann.annotator
        d["answer"] = ann.answer
        decided = rejected_objects(doc, ann, omap)
        if decided:
            d["rejected"] = decided
    return d


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    n = 0
    for doc, ann in flat(records):
        out.write(jsonl(record(doc, ann, options)))
        n += 1
    return n


def detect(obj: dict[str, Any]) -> bool:
    from annotations.formats.label_studio import is_json_min

    return ("label" in obj or "entities" in obj) and not is_json_min(obj)


def parse(obj: dict[str, Any], ctx: ReadContext) -> Item:
    doc = rec.document(obj, ctx, meta=obj.get("meta"))
    offsets = rec.Offsets(doc.text, ctx, ambiguous=True)
    spans: list[Span] = []
    if "entities" in obj and "label" not in obj:
        for i, e in enumerate(rec.listed(obj, "entities"), 1):
            what = f"entity #{i}"
            if not isinstance(e, dict) or not {"start_offset", "end_offset", "label"} <= e.keys():
                raise UserError(f'{what}: expected {{"start_offset", "end_offset", "label"}}')
            start, end = offsets.span(e["start_offset"], e["end_offset"], what)
            spans.append(rec.imported_span(start, end, rec.label_of(e["label"], ctx, what)))
    else:
        for i, e in enumerate(rec.listed(obj, "label"), 1):
            what = f"label #{i}"
            if not isinstance(e, list) or len(e) != 3:
                shown = json.dumps(e, ensure_ascii=False)[:60]
                raise UserError(f"{what}: expected [start, end, label], got {shown}")
            start, end = offsets.span(e[0], e[1], what)
            spans.append(rec.imported_span(start, end, rec.label_of(e[2], ctx, what)))
    for key, what in (
        ("relations", "doccano relations"),
        ("Comments", "doccano comments"),
        ("cats", "document categories"),
    ):
        value = obj.get(key)
        if isinstance(value, list) and value:
            ctx.note(f"{what} are not imported (this tool has spans only)", len(value))
    decided = rec.rejected(obj, "rejected", doc.text, ctx, offsets)
    answer = obj.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise UserError(f'unknown "answer" {str(answer)[:20]!r} (expected one of {", ".join(ANSWERS)} or null)')
    who = ctx.annotator if obj.get("annotator") is None else rec.name_of(obj["annotator"], "annotator")
    return rec.item(doc, ImportedAnnotation(who, spans, answer, rejected=decided))


FORMAT = Format(
    name=NAME,
    summary="doccano sequence-labelling JSONL",
    output="text",
    write=write,
    suffix=".jsonl",
    parse_record=parse,
    detect_record=detect,
    offsets=True,
)
