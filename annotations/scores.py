"""Precision, recall and F1 of predicted spans or entities against gold ones, exact match: a
prediction counts as correct only with the same position and the same label.

Scores are kept as counts (gold, predicted, correct) so that labels, documents and folds add up
exactly; precision, recall and F1 are computed from them. Used by the tagger's evaluation and by the
suggesters' evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Counts", "EntityKey", "Scores", "score_entities"]

EntityKey = tuple[Any, ...]  # (where..., start, end, label): the label is the last item


@dataclass(slots=True)
class Counts:
    """gold / predicted / correct entity counts of one label (or all)."""

    gold: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.correct += other.correct

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.gold + other.gold, self.predicted + other.predicted, self.correct + other.correct)

    def to_dict(self) -> dict[str, float | int]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "correct": self.correct,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Counts:
        return cls(int(d["gold"]), int(d["predicted"]), int(d["correct"]))


@dataclass(slots=True)
class Scores:
    """Per-label counts; ``micro`` adds them all up."""

    labels: dict[str, Counts] = field(default_factory=dict)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.labels.values():
            total.add(c)
        return total

    def add(self, other: Scores) -> None:
        for label, c in other.labels.items():
            self.labels.setdefault(label, Counts()).add(c)

    def table(self) -> str:
        """A plain-text table: one row per label (most frequent first) and the micro average."""
        rows = [f"{'label':<16} {'gold':>6} {'pred':>6} {'correct':>7} {'P':>6} {'R':>6} {'F1':>6}"]
        ordered = sorted(self.labels.items(), key=lambda kv: (-kv[1].gold, kv[0]))
        for label, c in [*ordered, ("micro", self.micro)]:
            rows.append(
                f"{label:<16} {c.gold:>6} {c.predicted:>6} {c.correct:>7} "
                f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}"
            )
        return "\n".join(rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "micro": self.micro.to_dict(),
            "labels": {label: c.to_dict() for label, c in sorted(self.labels.items())},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scores:
        return cls({label: Counts.from_dict(c) for label, c in d.get("labels", {}).items()})


def score_entities(gold: Iterable[EntityKey], predicted: Iterable[EntityKey]) -> Scores:
    """Exact-match scores of two sets of entity keys whose last item is the label."""
    g = set(gold)
    p = set(predicted)
    scores = Scores()
    for key in g:
        scores.labels.setdefault(key[-1], Counts()).gold += 1
    for key in p:
        c = scores.labels.setdefault(key[-1], Counts())
        c.predicted += 1
        if key in g:
            c.correct += 1
    return scores
