"""doccano sequence-labelling JSONL: ``{"id", "text", "label": [[start, end, "LABEL"], ...], "meta"}``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from annotations.formats.common import ExportOptions, Record, Warn, flat, jsonl, kept_spans, span_text
from annotations.model import Annotation, Document

NAME = "doccano"


def record(doc: Document, ann: Annotation | None, include_pending: bool = False) -> dict[str, Any]:
    labels = []
    for s in kept_spans(ann, include_pending):
        span_text(doc, ann, s)
        labels.append([s.start, s.end, s.label])
    return {"id": doc.id, "text": doc.text, "label": labels, "meta": doc.meta}


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    include_pending = options.include_pending
    n = 0
    for doc, ann in flat(records):
        out.write(jsonl(record(doc, ann, include_pending)))
        n += 1
    return n
