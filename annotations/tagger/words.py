"""How the tagger cuts a text: words and sentences, and the labels of spans as tags on those words.

The tagger labels *whole words* as :func:`annotations.tokens.tokenize` cuts them (لحماس is one word),
one sentence at a time (:func:`annotations.tokens.sentences`: a sentence ends after . ! ? ؟ … or at a
line break). Training and inference cut text with these same functions, so a model sees at run time
exactly the units it was trained on.

A span labels the words it overlaps: حماس inside لحماس makes the word لحماس ``B-ORGANIZATION``. Where
the span starts or ends inside a word is the *boundary convention* of the data (:mod:`.boundaries`),
learned from the training spans and applied when tags become spans again, so predicted spans land on
the offsets an annotator would have labelled.

Tags are IOB2: ``B-<label>`` on the first word of an entity, ``I-<label>`` on the others, ``O``
outside; entities never overlap (of overlapping spans the longest, then the earliest, is kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotations.model import Span
from annotations.tokens import Token, sentences, tokenize

__all__ = ["OUTSIDE", "Sentence", "cut", "entities", "flat_spans", "tags_for"]

OUTSIDE = "O"


@dataclass(frozen=True, slots=True)
class Sentence:
    """The words of one sentence of a text (offsets are into the whole text)."""

    tokens: tuple[Token, ...]

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.tokens]


def cut(text: str) -> list[Sentence]:
    """The sentences of ``text``, each a run of words."""
    tokens = tokenize(text)
    return [Sentence(tuple(tokens[i] for i in group)) for group in sentences(text, tokens)]


def flat_spans(spans: Iterable[Span]) -> tuple[list[Span], int]:
    """Non-overlapping spans (the longest, then the earliest, wins) and how many were left out."""
    ordered = sorted(spans, key=lambda s: (s.start - s.end, s.start, s.label))
    kept: list[Span] = []
    dropped = 0
    for s in ordered:
        if any(s.start < k.end and k.start < s.end for k in kept):
            dropped += 1
        else:
            kept.append(s)
    kept.sort(key=lambda s: s.start)
    return kept, dropped


def tags_for(sentence: Sentence, spans: Sequence[Span]) -> list[str]:
    """IOB2 tags of the words of ``sentence`` for non-overlapping ``spans`` (sorted by start): a word
    is inside a span when they share at least one character."""
    tags = [OUTSIDE] * len(sentence.tokens)
    if not spans:
        return tags
    j = 0
    for i, tok in enumerate(sentence.tokens):
        while j < len(spans) and spans[j].end <= tok.start:
            j += 1
        if j == len(spans):
            break
        s = spans[j]
        if s.start < tok.end:
            first = i == 0 or not (s.start < sentence.tokens[i - 1].end and sentence.tokens[i - 1].start < s.end)
            tags[i] = ("B-" if first else "I-") + s.label
    return tags


def entities(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """The entities of an IOB2 tag sequence as (first word, last word + 1, label), read strictly as
    seqeval's ``mode="strict", scheme=IOB2`` does: an entity starts at ``B-X`` and goes on over
    ``I-X``; an ``I-X`` that does not continue a ``B-X``/``I-X`` of the same label starts nothing."""
    out: list[tuple[int, int, str]] = []
    start = -1
    label = ""
    for i, tag in enumerate(tags):
        if start >= 0 and tag == "I-" + label:
            continue
        if start >= 0:
            out.append((start, i, label))
            start = -1
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    if start >= 0:
        out.append((start, len(tags), label))
    return out
