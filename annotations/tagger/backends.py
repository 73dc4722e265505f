"""The tagger backends by name, and what every backend's tagger offers.

``crf`` (the default) is :class:`.crf.CrfTagger`; ``spacy`` (spaCy's ``blank("ar")`` NER, the
optional extra ``reader-arabic[spacy]``) is :class:`.spacy_ner.SpacyTagger`, imported only when asked
for so that a missing spaCy costs nothing until then.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from annotations.errors import UserError
from annotations.model import Span

from .boundaries import Boundaries
from .features import Featurizer

__all__ = ["BACKENDS", "Tagger", "backend_class"]

BACKENDS: tuple[str, ...] = ("crf", "spacy")


class Tagger(Protocol):
    backend: str
    labels: list[str]

    def predict(self, text: str) -> list[Span]:
        """Entity spans of ``text``: pending suggestions with a confidence where the backend has one."""
        ...

    def save(self, directory: Path) -> list[str]:
        """Write the backend's files into ``directory``; their names."""
        ...


class TaggerClass(Protocol):
    def train(
        self,
        data: Sequence[tuple[str, Sequence[Span]]],
        featurizer: Featurizer,
        boundaries: Boundaries,
        workdir: Path,
        params: Any = None,
        *,
        per_example: Sequence[Featurizer] | None = None,
    ) -> Tagger: ...

    def load(self, directory: Path, featurizer: Featurizer, boundaries: Boundaries) -> Tagger: ...


def backend_class(name: str) -> TaggerClass:
    """The tagger class of a backend; a clear error for an unknown one or a missing optional library."""
    if name == "crf":
        from .crf import CrfTagger

        return CrfTagger
    if name == "spacy":
        from .spacy_ner import SpacyTagger

        return SpacyTagger
    raise UserError(f"unknown backend {name!r} (one of {', '.join(BACKENDS)})")
