"""How an import meets what the store already holds: pure decisions, no I/O.

:func:`classify_document` says whether an incoming document is new, a duplicate or a new text for
an existing id; :func:`merge_imported` folds imported annotation data into a record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from annotations.model import Annotation, Document, Span, derive_id


@dataclass(slots=True)
class ImportResult:
    added: int = 0
    duplicates: int = 0
    updated_ids: list[str] = field(default_factory=list)
    records: int = 0  # annotation records created or changed (a re-import of the same record: none)


@dataclass(slots=True)
class ImportedAnnotation:
    """Annotation data that comes with an imported document (merged into the store's record)."""

    annotator: str
    spans: list[Span] = field(default_factory=list)
    answer: str | None = None
    created: float | None = None
    updated: float | None = None
    seconds_spent: float = 0.0
    # suggestions this annotator decided against (Annotation.rejected): suggesting again in the
    # importing store does not bring them back
    rejected: list[Span] = field(default_factory=list)

    def only_suggestions(self) -> bool:
        """Nothing but pending suggestions (which the store keeps in its shared layer, not in a record)."""
        return (
            all(s.pending for s in self.spans)
            and not self.rejected
            and self.answer is None
            and self.created is None
            and self.updated is None
            and not self.seconds_spent
        )


Verdict = Literal["new", "duplicate", "update"]


def classify_document(
    doc: Document, hash_of: Callable[[str], str | None], id_with_hash: Callable[[str], str | None]
) -> tuple[Verdict, str]:
    """What importing ``doc`` does, and the id of the document it lands on.

    ``hash_of(id)`` is the text hash of the document with that id (None if none), ``id_with_hash(h)``
    the id of a document with that text. Same id and text: a duplicate. Same id, other text: an
    update (annotations on the old text become stale). A document whose id was derived from its
    text (no id given) is also a duplicate of any document with the same text, under that one's id.
    """
    h = doc.text_hash
    existing = hash_of(doc.id)
    if existing is None and doc.id == derive_id(doc.text):
        other = id_with_hash(h)
        if other is not None:
            return "duplicate", other
    if existing is None:
        return "new", doc.id
    return ("duplicate" if existing == h else "update"), doc.id


def merge_imported(
    base: Annotation | None, imported: ImportedAnnotation, doc_id: str, text_hash: str, now: float
) -> Annotation | None:
    """``base`` (not modified) with ``imported`` merged in, or None if that changes nothing.

    A record made on another text (or none) is replaced by a fresh one. Spans already there (same
    start, end and label) are not added twice; an imported answer replaces the record's; time spent
    takes the larger figure. Imported decisions against suggestions join the record's, except for a
    span the record holds (an import never removes a span); an imported span is a decision again
    (it leaves ``rejected``, as adding it by hand does). ``now`` stamps what the import does not
    date itself.
    """
    fresh = base is None or base.text_hash != text_hash
    if base is None or fresh:
        created = imported.created if imported.created is not None else now
        updated = imported.updated if imported.updated is not None else now
        work = Annotation(doc_id, imported.annotator, text_hash, [], None, created, updated, 0.0)
    else:
        work = base.copy()
    changed = False
    keys = {s.key for s in work.spans}  # a set: a record of n spans merges in O(n), not O(n^2)
    for span in imported.spans:
        if span.key not in keys:
            keys.add(span.key)
            work.spans.append(span)
            changed = True
        if any(r.key == span.key for r in work.rejected):
            work.rejected = [r for r in work.rejected if r.key != span.key]
            changed = True
    for span in imported.rejected:
        if not work.has_span(span) and not any(r.key == span.key for r in work.rejected):
            work.rejected.append(span)
            changed = True
    if imported.answer is not None and imported.answer != work.answer:
        work.answer = imported.answer  # type: ignore[assignment]
        changed = True
    if imported.seconds_spent > work.seconds_spent:
        work.seconds_spent = imported.seconds_spent
        changed = True
    if changed and imported.updated is None and not fresh:
        work.updated = now
    return work if changed or fresh else None
