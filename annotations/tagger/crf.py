"""The default backend: a linear-chain CRF (CRFsuite, through python-crfsuite) over :mod:`.features`.

Trains in seconds on a CPU, needs no download, and gives each tag its marginal probability, which
becomes the confidence of a suggested span.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.model import Span

from .boundaries import Boundaries
from .features import Featurizer
from .words import OUTSIDE, Sentence, cut, entities

__all__ = ["DEFAULT_PARAMS", "CrfTagger", "train_crf"]

MODEL_FILE = "crf.model"
# L-BFGS with elastic-net regularisation: c1 (L1) keeps the model small, c2 (L2) smooths it.
# On Wojood, c1/c2 between 0.01 and 0.2 and 100 to 200 iterations all score within noise of each
# other (benchmarks/train_bench.py); 100 iterations keep training in seconds.
DEFAULT_PARAMS: dict[str, Any] = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 100,
    "feature.possible_transitions": True,
}


def _crfsuite() -> Any:
    try:
        import pycrfsuite
    except ImportError as exc:  # pragma: no cover - a core dependency; a broken install
        raise UserError("the CRF backend needs python-crfsuite: pip install python-crfsuite") from exc
    return pycrfsuite


def train_crf(
    sequences: Iterable[tuple[list[list[str]], list[str]]], out: Path, params: Mapping[str, Any] | None = None
) -> None:
    """Train a CRF on (attribute lists, IOB2 tags) sentences and write it to ``out``."""
    pycrfsuite = _crfsuite()
    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for xseq, yseq in sequences:
        if xseq:
            trainer.append(xseq, yseq)
            n += 1
    if n == 0:
        raise UserError("nothing to train on: no sentence with words")
    trainer.set_params(dict(DEFAULT_PARAMS if params is None else params))
    trainer.train(str(out))


class CrfTagger:
    """A trained CRF with the featurizer and boundary convention it was trained with."""

    backend = "crf"

    def __init__(self, featurizer: Featurizer, boundaries: Boundaries, model_file: Path) -> None:
        pycrfsuite = _crfsuite()
        self.featurizer = featurizer
        self.boundaries = boundaries
        self._file = model_file
        self._tagger = pycrfsuite.Tagger()
        try:
            self._tagger.open(str(model_file))
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot read the CRF model: {exc}", path=str(model_file)) from exc
        self.labels = sorted({t[2:] for t in self._tagger.labels() if t != OUTSIDE})
        self._restricted = False

    def _restrict(self) -> None:
        """Let the featurizer drop attributes this model has no weight for (read once, on first use)."""
        if not self._restricted:
            self._restricted = True
            known = frozenset(attr for attr, _label in self._tagger.info().state_features)
            self.featurizer.restrict(known)

    @classmethod
    def train(
        cls,
        data: Sequence[tuple[str, Sequence[Span]]],
        featurizer: Featurizer,
        boundaries: Boundaries,
        workdir: Path,
        params: Mapping[str, Any] | None = None,
        *,
        per_example: Sequence[Featurizer] | None = None,
    ) -> CrfTagger:
        """Train on (text, non-overlapping entity spans) pairs; the model file goes in ``workdir``.
        ``per_example`` featurizers, if given, describe each example while training (see
        :func:`.training.fit`); ``featurizer`` is the one the model uses afterwards."""
        from .words import tags_for

        def sequences() -> Iterable[tuple[list[list[str]], list[str]]]:
            for k, (text, spans) in enumerate(data):
                fz = featurizer if per_example is None else per_example[k]
                ordered = sorted(spans, key=lambda s: s.start)
                sents = cut(text)
                for sent, xseq in zip(sents, fz.document(text, sents), strict=True):
                    lo, hi = sent.tokens[0].start, sent.tokens[-1].end
                    inside = [s for s in ordered if s.start < hi and s.end > lo]
                    yield xseq, tags_for(sent, inside)

        path = workdir / MODEL_FILE
        train_crf(sequences(), path, params)
        return cls(featurizer, boundaries, path)

    def _tag(self, xseq: list[list[str]]) -> tuple[list[str], list[float]]:
        if not xseq:
            return [], []
        tags: list[str] = self._tagger.tag(xseq)
        marginal = self._tagger.marginal
        probs = [1.0 if t == OUTSIDE else float(marginal(t, i)) for i, t in enumerate(tags)]
        return tags, probs

    def tag(self, sentence: Sentence, text: str) -> tuple[list[str], list[float]]:
        """The tags of a sentence's words and the marginal probability of each tag."""
        self._restrict()
        return self._tag(self.featurizer.sentence(sentence, text))

    def predict(self, text: str) -> list[Span]:
        """Entity spans of ``text`` (``origin="suggested"``, pending), each with its confidence: the
        lowest marginal probability of its words' tags."""
        self._restrict()
        out: list[Span] = []
        fz = self.featurizer
        sents = cut(text)
        for sent, xseq in zip(sents, fz.document(text, sents), strict=True):
            tags, probs = self._tag(xseq)
            for i, j, label in entities(tags):
                conf = round(min(probs[i:j]), 4)
                for start, end in self.boundaries.entities(sent.tokens, i, j, fz.lexicon, fz.name_words(), fz.analysis):
                    out.append(Span(start, end, label, origin="suggested", pending=True, confidence=conf))
        return out

    def save(self, directory: Path) -> list[str]:
        """Copy the model file into ``directory``; the names of the files written."""
        if self._file.resolve() != (directory / MODEL_FILE).resolve():
            shutil.copyfile(self._file, directory / MODEL_FILE)
        return [MODEL_FILE]

    @classmethod
    def load(cls, directory: Path, featurizer: Featurizer, boundaries: Boundaries) -> CrfTagger:
        path = directory / MODEL_FILE
        if not path.is_file():
            raise UserError(f"model file {MODEL_FILE} is missing: train the model again", path=str(directory))
        return cls(featurizer, boundaries, path)
