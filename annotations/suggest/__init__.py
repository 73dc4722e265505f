"""Rule-based pre-annotation: suggested spans an annotator reviews (accepts, fixes or deletes).

Pure Python: never imports textual or rich, so ``reader suggest`` and the exporters stay light.
Every suggested span has ``origin="suggested"``, ``pending=True`` and ``rule`` naming the rule that
produced it (``boilerplate:read-also``, ``quote:guillemets``, ``entity:gazetteer:PERSON``, ...).

* :mod:`.boilerplate` - page furniture lines (read-also blocks, sources, share lines, repeated lines)
* :mod:`.quotes` - reported speech between quotation marks
* :mod:`.entities` - gazetteer matches with Arabic clitic handling
"""

from __future__ import annotations

from annotations.model import Document, Span
from annotations.suggest.boilerplate import mine_repeated_lines, normalise_line, suggest_boilerplate
from annotations.suggest.entities import Gazetteer, learned_pairs, suggest_entities
from annotations.suggest.quotes import suggest_quotes

__all__ = [
    "Gazetteer",
    "learned_pairs",
    "mine_repeated_lines",
    "normalise_line",
    "suggest_boilerplate",
    "suggest_document",
    "suggest_entities",
    "suggest_quotes",
    "suggest_text",
]


def suggest_text(text: str, *, gazetteer: Gazetteer | None, repeated_lines: set[str] | None = None) -> list[Span]:
    """All suggestions for ``text``, sorted, one per (start, end, label): the first rule wins
    (boilerplate, then quotations, then entities)."""
    spans = suggest_boilerplate(text, repeated_lines)
    spans.extend(suggest_quotes(text))
    if gazetteer is not None and len(gazetteer):
        spans.extend(suggest_entities(text, gazetteer))
    seen: set[tuple[int, int, str]] = set()
    unique: list[Span] = []
    for s in spans:
        if s.key not in seen:
            seen.add(s.key)
            unique.append(s)
    unique.sort(key=lambda s: s.key)
    return unique


def suggest_document(
    doc: Document, *, gazetteer: Gazetteer | None, repeated_lines: set[str] | None = None
) -> list[Span]:
    """All suggestions for one document (see :func:`suggest_text`)."""
    return suggest_text(doc.text, gazetteer=gazetteer, repeated_lines=repeated_lines)
