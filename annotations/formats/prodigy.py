"""Prodigy ``ner_manual`` JSONL.

``{"id", "text", "meta", "tokens": [{"text", "start", "end", "id", "ws"}], "spans": [{"start", "end",
"label", "token_start", "token_end", "text"}], "_input_hash", "_task_hash", "_annotator_id",
"_session_id", "answer", "_flagged"?}``.

* ``tokens`` rebuild the text exactly, as spaCy's and Prodigy's own do (:mod:`annotations.tokens`: a
  whitespace run other than one space is a token; ``ws`` only for one trailing space), and every span
  starts and ends on a token (``token_end`` inclusive).
* ``_input_hash`` hashes the text, ``_task_hash`` the text and the spans (stable signed 32-bit ints).
* One line per (document, annotator), with the annotator as ``_annotator_id`` and ``_session_id``.
  Reading, ``_annotator_id`` (or ``_session_id``) says whose record a line is, so two sessions'
  answers on one text stay two records.
* Answers: skip is ``ignore``; flag is ``ignore`` with ``"_flagged": true``; reading, a flagged task is
  "flag". No answer, no ``"answer"`` key.
* ``rejected`` (only when there are any): the suggestions the annotator decided against, as span
  objects (``start``, ``end``, ``label``, ``text``, ``origin``, ``rule``?, ``confidence``?). Prodigy keeps
  a task's extra keys; reading them back means suggesting again does not bring those back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from annotations.formats import reading as rec
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.common import (
    ExportOptions,
    Record,
    Warn,
    flat,
    from_prodigy,
    jsonl,
    kept_spans,
    offset_map,
    rejected_objects,
    span_text,
    stable_hash,
    to_prodigy,
    where,
)
from annotations.model import Annotation, Document
from annotations.store import ImportedAnnotation
from annotations.tokens import tokenize_for

NAME = "prodigy"


def record(doc: Document, ann: Annotation | None, options: ExportOptions | None = None) -> dict[str, Any]:
    options = options or ExportOptions()
    kept = kept_spans(ann, options.include_pending)
    tokens = tokenize_for(doc.text, [(s.start, s.end) for s in kept])
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    omap = offset_map(doc, options)
    at = where(doc, ann)
    spans = []
    for s in kept:
        text = span_text(doc, ann, s)
        spans.append(
            {
                "start": omap.from_codepoint(s.start, at),
                "end": omap.from_codepoint(s.end, at),
                "label": s.label,
                "token_start": starts[s.start],
                "token_end": ends[s.end],
                "text": text,
            }
        )
    input_hash = stable_hash(doc.text)
    d: dict[str, Any] = {
        "id": doc.id,
        "text": doc.text,
        "meta": doc.meta,
        "tokens": [
            {
                "text": t.text,
                "start": omap.from_codepoint(t.start, at),
                "end": omap.from_codepoint(t.end, at),
                "id": i,
                "ws": t.ws,
            }
            for i, t in enumerate(tokens)
        ],
        "spans": spans,
        "_input_hash": input_hash,
        "_task_hash": stable_hash(input_hash, [[s["start"], s["end"], s["label"]] for s in spans]),
    }
    if ann is not None:
        d["_annotator_id"] = ann.annotator
        d["_session_id"] = ann.annotator
        answer, flagged = to_prodigy(ann.answer)
        if answer is not None:
            d["answer"] = answer
        if flagged:
            d["_flagged"] = True
        decided = rejected_objects(doc, ann, omap)
        if decided:
            d["rejected"] = decided
    return d


def write(records: Iterator[Record], out: TextIO, options: ExportOptions, warn: Warn) -> int:
    n = 0
    for doc, ann in flat(records):
        out.write(jsonl(record(doc, ann, options)))
        if ann is not None and ann.answer is None:
            # Prodigy's own form of a task nobody answered yet (an input task); its db-in fills in
            # "accept" for a line without an answer unless told otherwise
            options.notes[
                'unanswered records are written without "answer" (Prodigy\'s form of a task not yet answered); '
                "`prodigy db-in` takes them for accepted unless given --answer ignore, or leave them out with "
                "--answers accept,reject,skip,flag"
            ] += 1
        n += 1
    return n


def detect(obj: dict[str, Any]) -> bool:
    return any(k in obj for k in ("_input_hash", "_task_hash", "tokens", "_view_id", "_annotator_id", "_session_id"))


def parse(obj: dict[str, Any], ctx: ReadContext) -> Item:
    doc = rec.document(obj, ctx, meta=obj.get("meta"))
    offsets = rec.Offsets(doc.text, ctx, ambiguous=False)
    spans = []
    for i, s in enumerate(rec.listed(obj, "spans"), 1):
        spans.append(rec.imported_span(*rec.span_bounds(s, doc.text, ctx, offsets, f"span #{i}")))
    decided = rec.rejected(obj, "rejected", doc.text, ctx, offsets)
    answer = from_prodigy(obj.get("answer"), obj.get("_flagged"))
    who = ctx.annotator
    for key in ("_annotator_id", "_session_id"):
        if obj.get(key) is not None:
            who = rec.name_of(obj[key], key)
            break
    if obj.get("_view_id") not in (None, "ner_manual", "spans_manual"):
        ctx.note(f'Prodigy tasks of view "{str(obj["_view_id"])[:20]}" imported as manual annotations')
    return rec.item(doc, ImportedAnnotation(who, spans, answer, rejected=decided))


FORMAT = Format(
    name=NAME,
    summary="Prodigy ner_manual JSONL (tokens that rebuild the text, one line per annotator)",
    output="text",
    write=write,
    suffix=".jsonl",
    parse_record=parse,
    detect_record=detect,
    offsets=True,
)
