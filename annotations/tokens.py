"""A small, predictable tokeniser with code-point offsets, used by the Prodigy and CoNLL exports.

Rules:

* a *word* is a maximal run of letters, combining marks (Arabic harakat, shadda, ...), digits and
  the joiners ZWNJ/ZWJ; tatweel (ـ) is a letter, so it stays inside its word;
* every other non-space character (punctuation, symbols, ``_``) is a token of its own;
* whitespace and invisible bidi controls (LRM/RLM/LRE.../isolates, BOM) separate tokens and are never
  part of one.

Arabic clitics are **not** split: ``لحماس`` is one token. A span covering only ``حماس`` inside it does
not start at a token boundary, and the CoNLL/Prodigy exports report it as misaligned.
"""

from __future__ import annotations

import re
import unicodedata
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


_INVISIBLE = "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_TOKEN = re.compile(rf"(?:[^\W_]|[{_marks_class()}\u200c\u200d])+|[^\s{_INVISIBLE}]")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int  # code-point offset, inclusive
    end: int  # exclusive
    ws: bool  # followed by whitespace


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` in order, with their offsets."""
    out: list[Token] = []
    n = len(text)
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        out.append(Token(m.group(), s, e, e < n and text[e].isspace()))
    return out


def sentences(text: str, tokens: list[Token]) -> list[list[int]]:
    """Token indices grouped into sentences: a sentence ends after . ! ? ؟ … or at a line break."""
    groups: list[list[int]] = []
    current: list[int] = []
    for i, tok in enumerate(tokens):
        if current and "\n" in text[tokens[current[-1]].end : tok.start]:
            groups.append(current)
            current = []
        current.append(i)
        if tok.text in {".", "!", "?", "؟", "…", "۔"}:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups
