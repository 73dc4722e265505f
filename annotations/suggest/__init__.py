"""Rule-based pre-annotation: suggested spans an annotator reviews (accepts, fixes or deletes).

Pure Python: never imports textual or rich, so ``reader suggest`` and the exporters stay light.
Every suggested span has ``origin="suggested"``, ``pending=True`` and ``rule`` naming the rule that
produced it (``boilerplate:read-also``, ``quote:guillemets``, ``entity:gazetteer:PERSON``, ...).

* :mod:`.boilerplate` - page furniture lines (read-also blocks, sources, share lines, repeated lines)
* :mod:`.quotes` - reported speech between quotation marks
* :mod:`.entities` - gazetteer matches with Arabic clitic handling
* :mod:`.model` - what a trained tagger finds (``reader train``), with its confidence

Which label each suggester writes comes from the label schema, by group (:mod:`.labels`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from itertools import accumulate

from annotations.model import Document, Span
from annotations.suggest.boilerplate import mine_repeated_lines, normalise_line, suggest_boilerplate
from annotations.suggest.entities import Gazetteer, learned_pairs, suggest_entities
from annotations.suggest.labels import SuggestLabels, plan_labels
from annotations.suggest.model import ModelSuggester
from annotations.suggest.quotes import suggest_quotes

__all__ = [
    "Gazetteer",
    "ModelSuggester",
    "SuggestLabels",
    "learned_pairs",
    "mine_repeated_lines",
    "normalise_line",
    "plan_labels",
    "suggest_boilerplate",
    "suggest_document",
    "suggest_entities",
    "suggest_quotes",
    "suggest_text",
]


DEFAULT_LABELS = SuggestLabels()


def suggest_text(
    text: str,
    *,
    gazetteer: Gazetteer | None,
    repeated_lines: set[str] | None = None,
    labels: SuggestLabels = DEFAULT_LABELS,
    model: ModelSuggester | None = None,
) -> list[Span]:
    """All suggestions for ``text``, sorted, one per (start, end, label): the first rule wins
    (boilerplate, then quotations, then gazetteer entities, then the model's). Labels follow
    ``labels``; a model's entity overlapping a gazetteer name is left out (the list is the
    team's own word)."""
    spans: list[Span] = []
    if labels.boilerplate is not None:
        spans.extend(suggest_boilerplate(text, repeated_lines, label=labels.boilerplate))
    if labels.quote is not None:
        spans.extend(suggest_quotes(text, label=labels.quote))
    named: list[Span] = []
    if gazetteer is not None and len(gazetteer):
        named = [s for s in suggest_entities(text, gazetteer) if s.label in labels.entities]
        spans.extend(named)
    if model is not None:
        overlaps = _overlap_test(named)
        for s in model.suggest(text, labels.entities):
            if not overlaps(s):
                spans.append(s)
    seen: set[tuple[int, int, str]] = set()
    unique: list[Span] = []
    for s in spans:
        if s.key not in seen:
            seen.add(s.key)
            unique.append(s)
    unique.sort(key=lambda s: s.key)
    return unique


def _overlap_test(spans: list[Span]) -> Callable[[Span], bool]:
    """Whether a span overlaps any of ``spans``: O(log n) a question (a scan of every span per
    question made a long document's suggestions quadratic)."""
    ordered = sorted(spans, key=lambda s: s.start)
    starts = [s.start for s in ordered]
    reach = list(accumulate((s.end for s in ordered), max))  # the furthest end among the first i

    def overlaps(s: Span) -> bool:
        i = bisect_left(starts, s.end)  # spans starting before s ends
        return i > 0 and reach[i - 1] > s.start

    return overlaps


def suggest_document(
    doc: Document,
    *,
    gazetteer: Gazetteer | None,
    repeated_lines: set[str] | None = None,
    labels: SuggestLabels = DEFAULT_LABELS,
    model: ModelSuggester | None = None,
) -> list[Span]:
    """All suggestions for one document (see :func:`suggest_text`)."""
    return suggest_text(doc.text, gazetteer=gazetteer, repeated_lines=repeated_lines, labels=labels, model=model)
