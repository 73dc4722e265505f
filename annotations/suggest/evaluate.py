"""Precision, recall and F1 of the suggesters against gold spans (exact start, end and label)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annotations.model import Document

from . import Gazetteer, suggest_document

SpanKey = tuple[int, int, str]


@dataclass
class LabelScore:
    label: str
    gold: int = 0
    suggested: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: LabelScore) -> LabelScore:
        return LabelScore(
            f"{self.label}+{other.label}",
            self.gold + other.gold,
            self.suggested + other.suggested,
            self.correct + other.correct,
        )


@dataclass
class Evaluation:
    scores: dict[str, LabelScore]
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
    result = Evaluation({label: LabelScore(label) for label in labels})
    for doc in docs:
        predicted = {s.key for s in suggest_document(doc, gazetteer=gazetteer, repeated_lines=repeated_lines)}
        reference = gold[doc.id]
        for label, score in result.scores.items():
            p = {k for k in predicted if k[2] == label}
            g = {k for k in reference if k[2] == label}
            score.correct += len(p & g)
            score.suggested += len(p)
            score.gold += len(g)
            result.false_positives.extend((doc.id, k) for k in sorted(p - g))
            result.false_negatives.extend((doc.id, k) for k in sorted(g - p))
    return result
