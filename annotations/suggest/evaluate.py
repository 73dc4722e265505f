"""Precision, recall and F1 of the suggesters against gold spans (exact start, end and label)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotations.model import Document
from annotations.scores import Counts, score_entities

from . import Gazetteer, suggest_document

SpanKey = tuple[int, int, str]


@dataclass
class Evaluation:
    scores: dict[str, Counts]  # per label, in the order asked for
    false_positives: list[tuple[str, SpanKey]] = field(default_factory=list)
    false_negatives: list[tuple[str, SpanKey]] = field(default_factory=list)


def evaluate(
    docs: Iterable[Document],
    gold: Mapping[str, set[SpanKey]],
    labels: Iterable[str],
    *,
    gazetteer: Gazetteer | None,
    repeated_lines: set[str] | None = None,
) -> Evaluation:
    """Score suggest_document on documents that have gold spans (keyed by document id)."""
    result = Evaluation({label: Counts() for label in labels})
    for doc in docs:
        suggested = suggest_document(doc, gazetteer=gazetteer, repeated_lines=repeated_lines)
        predicted = {s.key for s in suggested if s.label in result.scores}
        reference = {k for k in gold[doc.id] if k[2] in result.scores}
        for label, counts in score_entities(reference, predicted).labels.items():
            result.scores[label].add(counts)
        for label in result.scores:
            result.false_positives.extend((doc.id, k) for k in sorted(predicted - reference) if k[2] == label)
            result.false_negatives.extend((doc.id, k) for k in sorted(reference - predicted) if k[2] == label)
    return result
