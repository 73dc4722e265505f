"""Prodigy ``ner_manual``-style JSONL.

``{"id", "text", "meta", "tokens": [{"text", "start", "end", "id", "ws"}], "spans": [{"start", "end",
"label", "token_start", "token_end", "text"}], "_input_hash", "_task_hash", "answer"}``; ``token_end`` is
inclusive, as in Prodigy. ``_input_hash`` hashes the text, ``_task_hash`` the text and the spans (both
stable signed 32-bit ints). Answers: skip becomes ``ignore``; flag becomes ``ignore`` with
``"_flagged": true``; no answer, no ``"answer"`` key. Spans that do not start and end on token
boundaries are reported (token_start/token_end then name the tokens that contain them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from annotations.formats.common import ExportOptions, Record, Warn, flat, jsonl, kept_spans, span_text, stable_hash
from annotations.model import Annotation, Document
from annotations.tokens import tokenize_for

NAME = "prodigy"


def record(doc: Document, ann: Annotation | None, include_pending: bool = False) -> dict[str, Any]:
    kept = kept_spans(ann, include_pending)
    tokens = tokenize_for(doc.text, [(s.start, s.end) for s in kept])
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    spans = []
    for s in kept:
        text = span_text(doc, ann, s)
        ts, te = starts[s.start], ends[s.end]
        spans.append(
            {
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "token_start": ts,
                "token_end": te,
                "text": text,
            }
        )
    input_hash = stable_hash(doc.text)
    d: dict[str, Any] = {
        "id": doc.id,
        "text": doc.text,
        "meta": doc.meta,
        "tokens": [{"text": t.text, "start": t.start, "end": t.end, "id": i, "ws": t.ws} for i, t in enumerate(tokens)],
        "spans": spans,
        "_input_hash": input_hash,
        "_task_hash": stable_hash(input_hash, [[s["start"], s["end"], s["label"]] for s in spans]),
    }
    if ann is not None and ann.answer is not None:
        d["answer"] = {"skip": "ignore", "flag": "ignore"}.get(ann.answer, ann.answer)
        if ann.answer == "flag":
            d["_flagged"] = True
    return d


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    n = 0
    for doc, ann in flat(records):
        out.write(jsonl(record(doc, ann, options.include_pending)))
        n += 1
    return n
