"""Active ordering: documents whose model suggestions are least certain first, with a random share
kept aside for an unbiased estimate (``reader --order uncertain``).

A document's uncertainty is that of its least certain model suggestion: a confidence p (the model's
probability, :attr:`annotations.model.Span.confidence`) is most uncertain at 0.5, so the score is
``1 - |2p - 1|`` (1 at p = 0.5, 0 at p = 0 or 1). Every suggestion that carried a confidence counts,
pending, accepted or rejected: deciding a suggestion does not change its document's place, so the
order is the same after a restart as before it (it changes only when new suggestions arrive).
Documents without any such suggestion come after the scored ones, in their own order.

The random share (default 10 %) is chosen by hashing each document id with a seed, so it is the same
every time; its documents are spread evenly through the order (every 10th place), so whatever part
of the queue a team labels, about a tenth of it is an unbiased sample of the corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from annotations.model import Span

__all__ = ["DEFAULT_RANDOM_SHARE", "uncertain_first", "uncertainty"]

DEFAULT_RANDOM_SHARE = 0.1


def uncertainty(spans: Iterable[Span]) -> float | None:
    """How uncertain the least certain suggestion with a confidence is (0..1), or None if none has one."""
    best: float | None = None
    for s in spans:
        if s.confidence is not None:
            u = 1.0 - abs(2.0 * s.confidence - 1.0)
            if best is None or u > best:
                best = u
    return best


def _in_random_share(doc_id: str, share: float, seed: int) -> tuple[bool, str]:
    digest = hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()
    return int(digest[:15], 16) / 16**15 < share, digest


def uncertain_first(
    ids: Sequence[str], scores: Mapping[str, float | None], *, share: float = DEFAULT_RANDOM_SHARE, seed: int = 0
) -> tuple[list[str], set[str]]:
    """``ids`` reordered: most uncertain first (see the module docstring), with the documents of the
    random share at every ``round(1/share)``-th place. Returns the order and the random share."""
    if not 0.0 <= share < 1.0:
        raise ValueError(f"the random share must be in [0, 1), got {share}")
    random_part: list[tuple[str, str]] = []
    rest: list[str] = []
    for doc_id in ids:
        chosen, digest = _in_random_share(doc_id, share, seed) if share else (False, "")
        if chosen:
            random_part.append((digest, doc_id))
        else:
            rest.append(doc_id)
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    scored = sorted(
        (d for d in rest if scores.get(d) is not None),
        key=lambda d: (-(scores[d] or 0.0), position[d]),
    )
    unscored = [d for d in rest if scores.get(d) is None]
    queue = scored + unscored
    sample = [doc_id for _digest, doc_id in sorted(random_part)]
    order: list[str] = []
    every = max(1, round(1 / share)) if share else 0
    qi = si = 0
    while qi < len(queue) or si < len(sample):
        if si < len(sample) and (qi >= len(queue) or (every and len(order) % every == 0)):
            order.append(sample[si])
            si += 1
        else:
            order.append(queue[qi])
            qi += 1
    return order, {doc_id for _d, doc_id in random_part}
