"""Entity suggestions from a trained tagger (``reader train``): rule ``model:<name>``, with the
model's confidence (:attr:`annotations.model.Span.confidence`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from annotations.model import Span

if TYPE_CHECKING:
    from annotations.tagger.backends import Tagger

__all__ = ["ModelSuggester"]


class ModelSuggester:
    """Suggests what a trained tagger finds, as pending spans with their confidence."""

    def __init__(self, tagger: Tagger, name: str) -> None:
        self.tagger = tagger
        self.name = name
        self.rule = f"model:{name}"
        self.labels = frozenset(tagger.labels)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> ModelSuggester:
        """The model in a directory written by ``reader train`` (a clear error if it is not one)."""
        from annotations.tagger.modeldir import load_model

        loaded = load_model(directory)
        return cls(loaded.tagger, loaded.info.name)

    def suggest(self, text: str, labels: frozenset[str] | None = None) -> list[Span]:
        """The model's entities in ``text`` (only ``labels``, if given)."""
        return [
            Span(s.start, s.end, s.label, origin="suggested", pending=True, rule=self.rule, confidence=s.confidence)
            for s in self.tagger.predict(text)
            if labels is None or s.label in labels
        ]
