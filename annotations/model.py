"""The annotation data model: documents, spans and one annotation record per (document, annotator).

Offsets are half-open code-point offsets into ``Document.text``, the logical text exactly as imported.
Nothing here knows about shaping, bidi or the terminal.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

# "review": decided by a reviewer adjudicating annotators' records into gold (annotations/gold.py)
Origin = Literal["manual", "suggested", "imported", "review"]
Answer = Literal["accept", "reject", "skip", "flag"]

ORIGINS: tuple[str, ...] = get_args(Origin)
ANSWERS: tuple[str, ...] = get_args(Answer)


def text_hash(text: str) -> str:
    """A stable fingerprint of a document text; annotations remember the text they were made on."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def derive_id(text: str) -> str:
    """The id of a document that came without one: derived from its content, so re-importing is idempotent."""
    return "doc-" + text_hash(text)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    start: int
    end: int
    label: str
    origin: Origin = "manual"
    pending: bool = False
    note: str | None = None
    rule: str | None = None
    # how sure the suggester was (a model's marginal probability, 0..1); None for rules and people
    confidence: float | None = None

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"span [{self.start}, {self.end}) is empty or negative")
        if self.origin not in ORIGINS:
            raise ValueError(f"unknown span origin {self.origin!r}")

    @property
    def key(self) -> tuple[int, int, str]:
        """Identity of a span: two spans with the same key are duplicates whatever their origin."""
        return (self.start, self.end, self.label)

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end

    def accepted(self) -> Span:
        """This span once a reviewer accepted it: no longer pending."""
        return replace(self, pending=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label, "origin": self.origin}
        if self.pending:
            d["pending"] = True
        if self.note is not None:
            d["note"] = self.note
        if self.rule is not None:
            d["rule"] = self.rule
        if self.confidence is not None:
            d["confidence"] = self.confidence
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            label=str(d["label"]),
            origin=d.get("origin", "manual"),
            pending=bool(d.get("pending", False)),
            note=d.get("note"),
            rule=d.get("rule"),
            confidence=None if d.get("confidence") is None else float(d["confidence"]),
        )


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    source: str | None = None  # file the document was read from
    line: int | None = None  # 1-based line in that file (JSONL), None for a whole .txt file
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "source": self.source, "line": self.line, "meta": self.meta}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        return cls(
            id=str(d["id"]),
            text=str(d["text"]),
            source=d.get("source"),
            line=d.get("line"),
            meta=dict(d.get("meta") or {}),
        )


@dataclass(slots=True)
class Annotation:
    """One annotator's work on one document."""

    doc_id: str
    annotator: str
    text_hash: str
    spans: list[Span] = field(default_factory=list)
    answer: Answer | None = None
    created: float = 0.0  # unix seconds
    updated: float = 0.0
    seconds_spent: float = 0.0
    # suggestions this annotator decided against (rejected, or accepted and later deleted): a decision is
    # part of the record, so suggesting again never brings them back
    rejected: list[Span] = field(default_factory=list)
    # this annotator's undo and redo steps on this document, oldest first, as JSON objects that
    # annotations.history reads; kept with the record so the history survives restarts
    undo: list[dict[str, Any]] = field(default_factory=list)
    redo: list[dict[str, Any]] = field(default_factory=list)

    def copy(self) -> Annotation:
        """An independent copy (spans are immutable; the lists are not shared)."""
        return replace(
            self, spans=list(self.spans), rejected=list(self.rejected), undo=list(self.undo), redo=list(self.redo)
        )

    def has_span(self, span: Span) -> bool:
        return any(s.key == span.key for s in self.spans)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "annotator": self.annotator,
            "text_hash": self.text_hash,
            # by offsets; spans of one extent keep their order (a nested CoNLL file's column order)
            "spans": [s.to_dict() for s in sorted(self.spans, key=lambda s: (s.start, s.end))],
            "answer": self.answer,
            "created": self.created,
            "updated": self.updated,
            "seconds_spent": self.seconds_spent,
            **({"rejected": [s.to_dict() for s in sorted(self.rejected)]} if self.rejected else {}),
            **({"undo": list(self.undo)} if self.undo else {}),
            **({"redo": list(self.redo)} if self.redo else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Annotation:
        return cls(
            doc_id=str(d["doc_id"]),
            annotator=str(d["annotator"]),
            text_hash=str(d["text_hash"]),
            spans=[Span.from_dict(s) for s in d.get("spans", [])],
            answer=d.get("answer"),
            created=float(d.get("created", 0.0)),
            updated=float(d.get("updated", 0.0)),
            seconds_spent=float(d.get("seconds_spent", 0.0)),
            rejected=[Span.from_dict(s) for s in d.get("rejected", [])],
            undo=[dict(e) for e in d.get("undo", [])],
            redo=[dict(e) for e in d.get("redo", [])],
        )
