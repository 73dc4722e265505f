"""The tokeniser every token-based format shares (Prodigy, CoNLL, nested CoNLL, spaCy, Parquet).

Two promises, both checked by tests against spaCy itself:

* **The tokens rebuild the text exactly**, as spaCy's ``Doc(vocab, words, spaces).text`` does: every
  character of the text is in exactly one token or is the single trailing space of one (``ws``). A run
  of whitespace other than one plain space after a token -- newlines, CRLF, tabs, double spaces, RLM
  and the other invisible bidi controls -- is a token of its own (``is_space``), as in spaCy.
* **Every span boundary is a token boundary.** Words are not split by default (``لحماس`` is one token,
  as in Wojood and most Arabic NER corpora), but :func:`tokenize` takes the offsets that must be token
  boundaries -- the starts and ends of the spans being exported -- and splits there: a span on حماس
  inside لحماس makes the tokens ``ل`` + ``حماس``, i.e. the proclitic is split off exactly where the
  annotator put the boundary. A span start must be a token start and a span end a token end, so a
  span that starts or ends on the space after a word makes that space a token of its own.

Words are maximal runs of letters, combining marks (harakat, shadda...), digits and ZWNJ/ZWJ; tatweel
(ـ) is a letter. Every other visible character (punctuation, symbols, ``_``) is a token of its own.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def _marks_class() -> str:
    parts: list[str] = []
    start = prev = -2
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if cp == prev + 1:
                prev = cp
                continue
            if start >= 0:
                parts.append(_range(start, prev))
            start = prev = cp
    if start >= 0:
        parts.append(_range(start, prev))
    return "".join(parts)


def _range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


# Invisible format characters that separate tokens like whitespace does (bidi marks, embeddings,
# isolates, word joiner, BOM, zero-width space).
INVISIBLE = "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    """Built on first use: scanning the BMP for marks costs a tenth of a second, which commands that
    never tokenise (most imports) should not pay."""
    return re.compile(rf"(?:[^\W_]|[{_marks_class()}\u200c\u200d])+|[^\s{INVISIBLE}]")


_GAP = re.compile(rf"[\s{INVISIBLE}]+")
SENTENCE_END = frozenset({".", "!", "?", "؟", "…", "۔"})


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int  # code-point offset, inclusive
    end: int  # exclusive
    ws: bool  # followed by one plain space that belongs to this token (spaCy's ``whitespace_``)

    @property
    def is_space(self) -> bool:
        """Whitespace and invisible controls only: a token in Prodigy/spaCy, left out of CoNLL."""
        return _GAP.fullmatch(self.text) is not None


def tokenize(text: str, boundaries: Iterable[int] = (), *, ends: Iterable[int] = ()) -> list[Token]:
    """Tokens of ``text`` in order, covering it exactly (with the ``ws`` spaces).

    ``boundaries`` are offsets that must start a token (span starts) and ``ends`` offsets that must end
    one (span ends); both split the token they fall in. Offsets outside ``(0, len(text))`` are ignored.
    """
    n = len(text)
    starts = set(boundaries)
    stops = set(ends)
    # 1. base pieces: words and punctuation, and the gaps (whitespace/invisible runs) between them
    pieces: list[tuple[int, int, bool]] = []  # (start, end, is_gap)
    pos = 0
    for m in _token_pattern().finditer(text):
        s, e = m.span()
        if s > pos:
            pieces.append((pos, s, True))
        pieces.append((s, e, False))
        pos = e
    if pos < n:
        pieces.append((pos, n, True))
    # 2. cut every piece at the required boundaries
    cuts = sorted(b for b in starts | stops if 0 < b < n)
    if cuts:
        cut: list[tuple[int, int, bool]] = []
        i = 0
        for s, e, gap in pieces:
            while i < len(cuts) and cuts[i] <= s:
                i += 1
            a = s
            while i < len(cuts) and cuts[i] < e:
                cut.append((a, cuts[i], gap))
                a = cuts[i]
                i += 1
            cut.append((a, e, gap))
        pieces = cut
    # 3. a plain space right after a token is that token's ``ws`` -- unless a span starts on it or
    #    ends just after it (then it must be a token of its own)
    out: list[Token] = []
    for s, e, gap in pieces:
        attach = gap and out and not out[-1].ws and out[-1].end == s and text[s] == " "
        if attach and s not in starts and s + 1 not in stops:
            prev = out[-1]
            out[-1] = Token(prev.text, prev.start, prev.end, True)
            s += 1
            if s == e:
                continue
        out.append(Token(text[s:e], s, e, False))
    return out


def span_boundaries(spans: Iterable[tuple[int, int]]) -> tuple[set[int], set[int]]:
    """The offsets :func:`tokenize` must split at for these ``(start, end)`` pairs."""
    starts: set[int] = set()
    ends: set[int] = set()
    for s, e in spans:
        starts.add(s)
        ends.add(e)
    return starts, ends


def tokenize_for(text: str, spans: Iterable[tuple[int, int]]) -> list[Token]:
    """Tokens of ``text`` in which every ``(start, end)`` of ``spans`` starts and ends a token."""
    starts, ends = span_boundaries(spans)
    return tokenize(text, starts, ends=ends)


def rebuild(tokens: Sequence[Token]) -> str:
    """The text the tokens stand for (``Doc(words, spaces).text`` in spaCy)."""
    return "".join(t.text + (" " if t.ws else "") for t in tokens)


def sentences(text: str, tokens: Sequence[Token]) -> list[list[int]]:
    """Indices of the non-space tokens grouped into sentences: a sentence ends after . ! ? ؟ … ۔ or at a
    line break."""
    groups: list[list[int]] = []
    current: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.is_space:
            continue
        if current and _breaks_line(text, tokens[current[-1]].end, tok.start):
            groups.append(current)
            current = []
        current.append(i)
        if tok.text in SENTENCE_END:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _breaks_line(text: str, a: int, b: int) -> bool:
    gap = text[a:b]
    return "\n" in gap or "\r" in gap or "\u2028" in gap or "\u2029" in gap
