"""Native JSONL: everything the store knows, one line per (document, annotator).

``{"id", "text", "meta", "spans": [{"start", "end", "label", "origin", "pending"?, "note"?, "rule"?, "text"}],
"answer", "annotator", "created", "updated", "seconds_spent", "text_hash"}``
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from annotations.formats.common import ExportOptions, Record, Warn, flat, jsonl, kept_spans, span_text
from annotations.model import Annotation, Document

NAME = "native"


def record(doc: Document, ann: Annotation | None, include_pending: bool = True) -> dict[str, Any]:
    spans = []
    for s in kept_spans(ann, include_pending):
        d = s.to_dict()
        d["text"] = span_text(doc, ann, s)
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
    include_pending = options.include_pending
    n = 0
    for doc, ann in flat(records):
        out.write(jsonl(record(doc, ann, include_pending)))
        n += 1
    return n
