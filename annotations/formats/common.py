"""What every export shares: choosing records, and re-slicing each span from its document text."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from annotations.errors import UserError
from annotations.model import Annotation, Document, Span

Warn = Callable[[str], None]
# A document with its selected annotation records (possibly none: the document is exported unlabelled).
Record = tuple[Document, list[Annotation]]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    annotator: str | None = None  # only this annotator's records
    answers: frozenset[str] | None = None  # only records with one of these answers ("none" = unanswered)
    include_pending: bool = False  # keep pending suggestions (native marks them "pending": true)
    skip_stale: bool = False  # leave out (with a warning) records made on an older text, instead of failing
    comments: bool = False  # CoNLL layouts: "# id = ..." document headers (exact round trips; not CoNLL-2003)


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
    return sorted(s for s in ann.spans if include_pending or not s.pending)


def stable_hash(*parts: Any) -> int:
    """A signed 32-bit int, stable across runs and machines (Prodigy-style hashes)."""
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big", signed=True)


def jsonl(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def flat(records: Iterator[Record]) -> Iterator[tuple[Document, Annotation | None]]:
    """One (document, annotation) pair per record; an unannotated document once, with None."""
    for doc, anns in records:
        if not anns:
            yield doc, None
        for ann in anns:
            yield doc, ann
