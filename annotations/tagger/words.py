"""How the tagger cuts a text: words and sentences, and the labels of spans as tags on those words.

The tagger labels *whole words* (لحماس is one word), one sentence at a time. Its cut is its own and
part of what a model is, so that a change elsewhere cannot silently change what a trained model sees:
the rules are those of :mod:`annotations.tokens` as the exports use them today: a word is a maximal
run of letters, digits, combining marks (harakat) and ZWNJ/ZWJ; every other visible character is a
token of its own; whitespace and invisible bidi controls separate tokens. A sentence ends after
. ! ? ؟ … ۔ or at a line break. Training and inference cut text with :func:`cut`, so a model sees at
run time exactly the units it was trained on.

A span labels the words it overlaps: حماس inside لحماس makes the word لحماس ``B-ORGANIZATION``. Where
the span starts or ends inside a word is the *boundary convention* of the data (:mod:`.boundaries`),
learned from the training spans and applied when tags become spans again, so predicted spans land on
the offsets an annotator would have labelled.

Tags are IOB2: ``B-<label>`` on the first word of an entity, ``I-<label>`` on the others, ``O``
outside; entities never overlap (of overlapping spans the longest, then the earliest, is kept).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from annotations.model import Span

__all__ = ["OUTSIDE", "Sentence", "Token", "cut", "entities", "flat_spans", "tags_for"]

OUTSIDE = "O"


class Token(NamedTuple):
    """One word: its text, code-point offsets into the whole text, and whether whitespace follows
    (the fields of :class:`annotations.tokens.Token`; a tuple, as a long article has many)."""

    text: str
    start: int
    end: int
    ws: bool


@dataclass(frozen=True, slots=True)
class Sentence:
    """The words of one sentence of a text (offsets are into the whole text)."""

    tokens: tuple[Token, ...]

    @property
    def words(self) -> list[str]:
        return [t.text for t in self.tokens]


def _marks() -> str:
    """A regex class body of every combining mark (category M*) in the BMP."""
    out: list[str] = []
    start = -1
    for cp in range(0x10001):
        is_mark = cp < 0x10000 and unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start < 0:
            start = cp
        elif not is_mark and start >= 0:
            a, b = re.escape(chr(start)), re.escape(chr(cp - 1))
            out.append(a if start == cp - 1 else f"{a}-{b}")
            start = -1
    return "".join(out)


_INVISIBLE = "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# runs of letters/digits and runs of marks alternate inside one word; each run is taken whole
_WORD = re.compile(rf"(?:[^\W_]+|[{_marks()}\u200c\u200d]+)+|[^\s{_INVISIBLE}]")
_STOPS = frozenset({".", "!", "?", "؟", "…", "۔"})


def cut(text: str) -> list[Sentence]:
    """The sentences of ``text``, each a run of words (none empty)."""
    out: list[Sentence] = []
    line_start = 0
    n = len(text)
    while line_start <= n:
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = n
        current: list[Token] = []
        for m in _WORD.finditer(text, line_start, line_end):
            word = m.group()
            s = m.start()
            e = s + len(word)
            current.append(Token(word, s, e, e < n and text[e].isspace()))
            if word in _STOPS:
                out.append(Sentence(tuple(current)))
                current = []
        if current:
            out.append(Sentence(tuple(current)))
        line_start = line_end + 1
    return out


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
