"""The ``spacy`` backend: spaCy's NER trained from scratch on a blank Arabic pipeline (``blank("ar")``).

Optional: it needs the extra ``reader-arabic[spacy]`` and says so when spaCy is missing. The words are
the tagger's own (:mod:`.words`), given to spaCy as a pre-tokenised ``Doc``, so both backends cut text
the same way and predicted entities map back to the same offsets (with the same boundary convention).
spaCy's greedy NER gives no probability: its suggestions carry no confidence.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from annotations.errors import UserError
from annotations.model import Span

from .boundaries import Boundaries
from .features import Featurizer
from .words import Sentence, cut, tags_for

__all__ = ["SpacyTagger"]

DIRNAME = "spacy"
DEFAULT_EPOCHS = 15


def _spacy() -> Any:
    try:
        import spacy
        import spacy.tokens
        import spacy.training
        import spacy.util
    except ImportError as exc:
        raise UserError(
            "the spacy backend needs spaCy: pip install 'reader-arabic[spacy]' (or use --backend crf)"
        ) from exc
    return spacy


def _doc(nlp: Any, sent: Sentence, ents: list[str] | None = None) -> Any:
    """A pre-tokenised spaCy Doc of the sentence's words (with IOB2 entity tags, if given)."""
    words = sent.words
    spaces = [t.ws for t in sent.tokens]
    return _spacy().tokens.Doc(nlp.vocab, words=words, spaces=spaces, ents=ents)


class SpacyTagger:
    backend = "spacy"

    def __init__(
        self, nlp: Any, boundaries: Boundaries, lexicon: Mapping[str, int], name_words: frozenset[str] = frozenset()
    ) -> None:
        self.nlp = nlp
        self.boundaries = boundaries
        self.lexicon = lexicon
        self.name_words = name_words
        self.labels = sorted(nlp.get_pipe("ner").labels)

    @classmethod
    def train(
        cls,
        data: Sequence[tuple[str, Sequence[Span]]],
        featurizer: Featurizer,
        boundaries: Boundaries,
        workdir: Path,
        params: Any = None,
        *,
        per_example: Sequence[Featurizer] | None = None,
    ) -> SpacyTagger:
        spacy = _spacy()
        Example = spacy.training.Example
        compounding, minibatch = spacy.util.compounding, spacy.util.minibatch
        settings = dict(params or {})
        epochs = int(settings.get("epochs", DEFAULT_EPOCHS))
        rng = random.Random(int(settings.get("seed", 0)))
        spacy.util.fix_random_seed(int(settings.get("seed", 0)))
        nlp = spacy.blank("ar")
        ner = nlp.add_pipe("ner")
        examples = []
        for text, spans in data:
            ordered = sorted(spans, key=lambda s: s.start)
            for label in {s.label for s in ordered}:
                ner.add_label(label)
            for sent in cut(text):
                lo, hi = sent.tokens[0].start, sent.tokens[-1].end
                tags = tags_for(sent, [s for s in ordered if s.start < hi and s.end > lo])
                examples.append(Example(_doc(nlp, sent), _doc(nlp, sent, tags)))
        if not examples:
            raise UserError("nothing to train on: no sentence with words")
        optimizer = nlp.initialize(lambda: examples)
        for _ in range(epochs):
            rng.shuffle(examples)
            losses: dict[str, float] = {}
            for batch in minibatch(examples, size=compounding(4.0, 32.0, 1.001)):
                nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        return cls(nlp, boundaries, featurizer.lexicon, featurizer.name_words())

    def predict(self, text: str) -> list[Span]:
        out: list[Span] = []
        ner = self.nlp.get_pipe("ner")
        sents = cut(text)
        for sent, doc in zip(sents, ner.pipe(_doc(self.nlp, s) for s in sents), strict=True):
            for ent in doc.ents:
                for start, end in self.boundaries.entities(
                    sent.tokens, ent.start, ent.end, self.lexicon, self.name_words
                ):
                    out.append(Span(start, end, ent.label_, origin="suggested", pending=True))
        return out

    def save(self, directory: Path) -> list[str]:
        self.nlp.to_disk(directory / DIRNAME)
        return [DIRNAME]

    @classmethod
    def load(cls, directory: Path, featurizer: Featurizer, boundaries: Boundaries) -> SpacyTagger:
        spacy = _spacy()
        path = directory / DIRNAME
        if not path.is_dir():
            raise UserError(f"the spaCy pipeline ({DIRNAME}/) is missing: train the model again", path=str(directory))
        try:
            nlp = spacy.load(path)
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot load the spaCy pipeline: {exc}", path=str(path)) from exc
        return cls(nlp, boundaries, featurizer.lexicon, featurizer.name_words())
