"""What the store keeps per document, and the checks every record passes before it is written.

Annotation records themselves are kept in their on-disk form (``Annotation.to_dict()``) and are
opaque here: the store reads only ``doc_id``, ``annotator``, ``text_hash`` and ``answer`` and goes
through :class:`~annotations.model.Annotation` for everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from annotations.errors import UserError
from annotations.model import ANSWERS, Span

_HASH = re.compile(r"[0-9a-f]{16}")


@dataclass(slots=True, frozen=True)
class DocRec:
    id: str
    source: str | None
    line: int | None
    meta: dict[str, Any]
    hash: str
    chars: int  # len(text) in code points
    offset: int  # byte offset of the text line in the texts file
    length: int  # its length in bytes

    @property
    def end(self) -> int:
        return self.offset + self.length

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "line": self.line,
            "meta": self.meta,
            "text_hash": self.hash,
            "chars": self.chars,
            "offset": self.offset,
            "length": self.length,
        }

    @classmethod
    def from_dict(cls, d: Any) -> DocRec:
        """Parse and check one stored document row; ValueError says what is wrong."""
        if not isinstance(d, dict):
            raise ValueError("not an object")
        doc_id, h, meta = d.get("id"), d.get("text_hash"), d.get("meta") or {}
        if not isinstance(doc_id, str) or not doc_id:
            raise ValueError(f"bad id {doc_id!r}")
        if not isinstance(h, str) or not _HASH.fullmatch(h):
            raise ValueError(f"document {doc_id}: bad text_hash {h!r}")
        numbers = {}
        for name in ("chars", "offset", "length"):
            v = d.get(name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0 or (name == "length" and v == 0):
                raise ValueError(f"document {doc_id}: bad {name} {v!r}")
            numbers[name] = v
        source, line = d.get("source"), d.get("line")
        if not (source is None or isinstance(source, str)) or not (line is None or isinstance(line, int)):
            raise ValueError(f"document {doc_id}: bad source or line")
        if not isinstance(meta, dict):
            raise ValueError(f"document {doc_id}: meta is not an object")
        return cls(doc_id, source, line, meta, h, numbers["chars"], numbers["offset"], numbers["length"])


def record_key(rec: dict[str, Any]) -> tuple[str, str]:
    """(annotator, doc id) of a stored annotation record; ValueError if it has none."""
    annotator, doc_id = rec.get("annotator"), rec.get("doc_id")
    if not isinstance(annotator, str) or not annotator or not isinstance(doc_id, str) or not doc_id:
        raise ValueError("annotation record without annotator or doc_id")
    if not isinstance(rec.get("text_hash"), str):
        raise ValueError(f"annotation of {doc_id} by {annotator} without text_hash")
    return annotator, doc_id


def check_span(span: Span, chars: int, doc_id: str) -> None:
    if not isinstance(span, Span):
        raise ValueError(f"expected a Span, got {type(span).__name__}")
    if not isinstance(span.label, str) or not span.label:
        raise ValueError(f"span label must be a non-empty string, got {span.label!r}")
    if not (isinstance(span.start, int) and isinstance(span.end, int)) or span.start < 0 or span.end > chars:
        raise UserError(f"span [{span.start}, {span.end}) is outside document {doc_id} ({chars} characters)")


def check_answer(answer: str | None) -> None:
    if answer is not None and answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r} (expected one of {', '.join(ANSWERS)} or None)")
