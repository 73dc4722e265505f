"""What every export shares: choosing records, and re-slicing each span from its document text."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from annotations.errors import UserError
from annotations.formats.offsets import OffsetMap
from annotations.labels import LabelSchema
from annotations.model import Annotation, Document, Span

Warn = Callable[[str], None]
# A document with its selected annotation records. Exports write records only (a document nobody
# labelled is not an annotation); native, the backup format, also writes a document without any record
# as a document alone (no annotator, no answer), and Label Studio one with pending suggestions as a task
# with predictions only (``ExportOptions.documents``).
Record = tuple[Document, list[Annotation]]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    annotator: str | None = None  # only this annotator's records
    answers: frozenset[str] | None = None  # only records with one of these answers ("none" = unanswered)
    include_pending: bool = False  # keep pending suggestions (native marks them "pending": true)
    skip_stale: bool = False  # leave out (with a warning) records made on an older text, instead of failing
    comments: bool = False  # CoNLL layouts: "# id = ..." document headers (exact round trips; not CoNLL-2003)
    offsets: str = "codepoint"  # unit of character offsets written: codepoint | utf16 | grapheme
    schema: LabelSchema | None = None  # label groups (which spans are entities); None: the default schema
    labels_seen: tuple[str, ...] = ()  # every label in the selected records (filled in by export())
    # adjudicated records only: each document's gold record (annotations.gold); with ``single`` also the
    # accepted record of a document only one annotator answered
    gold: bool = False
    single: bool = False
    # the answers were not chosen by the user but are a training format's default (accepted records):
    # what that leaves out is summed up in ``notes``
    answers_defaulted: bool = False
    # documents without a selected record go to the writer too (with no record): native's backup of
    # every document, Label Studio's tasks that carry only predictions
    documents: bool = False
    # what a writer left out or wants summed up once at the end (message -> count); export() reports it
    notes: Counter[str] = field(default_factory=Counter, compare=False)
    # what a writer wrote, when it is more than records (unit -> count: "tasks", "annotations",
    # "documents without a record"); export() leaves it empty for formats that write one item per record
    written: Counter[str] = field(default_factory=Counter, compare=False)
    # the shared suggestions of a document (filled in by export() for a format that writes a document's
    # suggestions even when no selected record shows them: Label Studio's predictions)
    suggestions: Callable[[str], list[Span]] | None = field(default=None, compare=False)

    def groups(self) -> LabelSchema:
        return self.schema if self.schema is not None else LabelSchema.default()


def entity_labels(schema: LabelSchema, spans: list[Span]) -> list[Span]:
    """The spans whose label is an entity in ``schema``; a label the schema does not know counts as an
    entity (imported data may use any label set)."""
    out = []
    for s in spans:
        label = schema.get(s.label)
        if label is None or label.group == "entity":
            out.append(s)
    return out


def group_of(schema: LabelSchema, label: str) -> str:
    found = schema.get(label)
    return found.group if found is not None else "entity"


# ----------------------------------------------------------------------------------------------------
# Answers: this tool's accept / reject / skip / flag, and what other tools call them (written once).


def to_prodigy(answer: str | None) -> tuple[str | None, bool]:
    """Prodigy's ``answer`` and ``_flagged`` for ours: skip is ``ignore``; flag is ``ignore`` + flagged."""
    if answer is None:
        return None, False
    return {"accept": "accept", "reject": "reject", "skip": "ignore", "flag": "ignore"}[answer], answer == "flag"


def from_prodigy(answer: object, flagged: object) -> str | None:
    """Ours for Prodigy's ``answer`` and ``_flagged`` (a flagged task is "flag" whatever its answer:
    a flag asks for attention, which is the point of keeping it)."""
    if flagged is True:
        return "flag"
    if answer is None:
        return None
    mapped = {"accept": "accept", "reject": "reject", "ignore": "skip"}.get(answer) if isinstance(answer, str) else None
    if mapped is None:
        raise UserError(f'unknown "answer" {str(answer)[:20]!r} (expected accept, reject or ignore)')
    return mapped


def to_label_studio(answer: str | None) -> bool:
    """``was_cancelled``: Label Studio's "skip" is a cancelled annotation; every other answer is a
    submitted one (the exact answer also goes in the annotation's ``meta``, which Label Studio's
    server drops)."""
    return answer == "skip"


def from_label_studio(was_cancelled: object, meta: dict[str, Any]) -> str | None:
    """Ours for a Label Studio annotation. Our own export writes the exact answer in ``meta.answer``,
    null for a record nobody answered: that stays unanswered. Without it (Label Studio's server drops
    ``meta``): a cancelled annotation is what its Skip button makes, "skip"; a submitted one is what
    Label Studio users mean by done, "accept"."""
    if "answer" in meta:
        answer = meta["answer"]
        if answer is None:
            return None
        if isinstance(answer, str) and answer in ("accept", "reject", "skip", "flag"):
            return answer
        raise UserError(f'unknown "meta.answer" {str(answer)[:20]!r} (expected accept, reject, skip, flag or null)')
    return "skip" if was_cancelled is True else "accept"


def span_text(doc: Document, ann: Annotation | None, span: Span) -> str:
    """The text of ``span`` re-sliced from ``doc``; UserError if it cannot be trusted."""
    where = f"document {doc.id}" + (f", annotator {ann.annotator}" if ann is not None else "")
    if ann is not None and ann.text_hash != doc.text_hash:
        raise UserError(
            f"{where}: the annotation was made on another version of the text (hash {ann.text_hash}, "
            f"text now {doc.text_hash}); re-annotate it or export with --skip-stale"
        )
    if not (0 <= span.start < span.end <= len(doc.text)):
        raise UserError(
            f"{where}: span [{span.start}, {span.end}) {span.label} is outside the text ({len(doc.text)} characters)"
        )
    return doc.text[span.start : span.end]


def kept_spans(ann: Annotation | None, include_pending: bool) -> list[Span]:
    if ann is None:
        return []
    # by offsets; spans of one extent stay in the record's order (a nested CoNLL file's column order)
    return sorted((s for s in ann.spans if include_pending or not s.pending), key=lambda s: (s.start, s.end))


def stable_hash(*parts: Any) -> int:
    """A signed 32-bit int, stable across runs and machines (Prodigy-style hashes)."""
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big", signed=True)


# Valid JSON escapes for what must never reach a terminal raw or split a line: C1 controls (NEL
# among them), U+2028/U+2029, and the bidi controls that reorder what follows them. The data is the
# same; `reader export` to a terminal or a pager shows them as escapes, and line splitters that
# follow str.splitlines (Python, JavaScript) do not cut a record in two.
_UNSAFE = re.compile("[\x80-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps(obj: Any, **kwargs: Any) -> str:
    """JSON with UTF-8 text, control and bidi characters escaped."""
    s = json.dumps(obj, ensure_ascii=False, **kwargs)
    if _UNSAFE.search(s) is not None:
        s = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)
    return s


def jsonl(obj: dict[str, Any]) -> str:
    return dumps(obj, separators=(",", ":")) + "\n"


def flat(records: Iterator[Record]) -> Iterator[tuple[Document, Annotation | None]]:
    """One (document, annotation) pair per record; an unannotated document once, with None."""
    for doc, anns in records:
        if not anns:
            yield doc, None
        for ann in anns:
            yield doc, ann


def offset_map(doc: Document, options: ExportOptions) -> OffsetMap:
    """Converts this document's code-point offsets to the unit the export writes."""
    return OffsetMap(doc.text, options.offsets)  # type: ignore[arg-type]


def span_object(doc: Document, ann: Annotation | None, span: Span, omap: OffsetMap) -> dict[str, Any]:
    """A span as this tool writes it in JSON (every field it has, its text re-sliced, offsets in the
    export's unit): native spans, and every format's list of rejected suggestions."""
    d = span.to_dict()
    d["text"] = span_text(doc, ann, span)
    d["start"] = omap.from_codepoint(span.start, where(doc, ann))
    d["end"] = omap.from_codepoint(span.end, where(doc, ann))
    return d


def rejected_objects(doc: Document, ann: Annotation | None, omap: OffsetMap) -> list[dict[str, Any]]:
    """The suggestions ``ann``'s annotator decided against, as span objects (empty without any)."""
    return [span_object(doc, ann, s, omap) for s in sorted(ann.rejected)] if ann is not None else []


def where(doc: Document, ann: Annotation | None) -> str:
    return f"document {doc.id}" + (f", annotator {ann.annotator}" if ann is not None else "")
