"""Entity-level evaluation of a tagger: precision, recall and F1 per label and overall (micro).

An entity counts as found only when the prediction has the same words and the same label (exact
match), which over IOB2 tag sequences is what seqeval computes with ``mode="strict",
scheme=IOB2`` (:func:`.words.entities` reads tags that way; a test checks the figures against
seqeval itself). The counting itself is :mod:`annotations.scores`.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotations.scores import Counts, EntityKey, Scores, score_entities

from .words import entities

__all__ = ["Counts", "Scores", "score_entities", "score_tags"]


def score_tags(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Scores:
    """Scores of IOB2 tag sequences, sentence by sentence (as seqeval's strict IOB2 mode)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sequences but {len(predicted)} predicted")
    g: list[EntityKey] = []
    p: list[EntityKey] = []
    for i, (gs, ps) in enumerate(zip(gold, predicted, strict=True)):
        if len(gs) != len(ps):
            raise ValueError(f"sequence {i}: {len(gs)} gold tags but {len(ps)} predicted")
        g.extend((i, *e) for e in entities(gs))
        p.extend((i, *e) for e in entities(ps))
    return score_entities(g, p)
