"""Each annotator's progress, from their records: documents answered, labels, time and throughput.

Pure: a function over annotation records, used by ``reader agreement --by annotator`` (and meant for
a team view). Gold records count under their own ``gold:NAME`` (a reviewer's adjudication work).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotations.model import Annotation


@dataclass(slots=True)
class Progress:
    annotator: str
    records: int = 0  # documents with a record (opened and touched)
    answers: Counter[str] = field(default_factory=Counter)  # accept / reject / skip / flag
    labels: Counter[str] = field(default_factory=Counter)  # labelled spans (not pending) per label
    pending: int = 0  # suggestions not reviewed yet
    seconds: float = 0.0  # time spent, summed over records

    @property
    def answered(self) -> int:
        """Documents closed with accept or reject."""
        return self.answers["accept"] + self.answers["reject"]

    @property
    def per_hour(self) -> float | None:
        """Answered documents per hour of time spent; None before any time was recorded."""
        return self.answered * 3600.0 / self.seconds if self.seconds > 0 else None


def progress(records: Iterable[Annotation]) -> dict[str, Progress]:
    """Progress per annotator, in order of first appearance."""
    out: dict[str, Progress] = {}
    for r in records:
        p = out.get(r.annotator)
        if p is None:
            p = out[r.annotator] = Progress(r.annotator)
        p.records += 1
        if r.answer is not None:
            p.answers[r.answer] += 1
        for s in r.spans:
            if s.pending:
                p.pending += 1
            else:
                p.labels[s.label] += 1
        p.seconds += r.seconds_spent
    return out
