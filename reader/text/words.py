"""Words in logical text, for word-wise moves and for snapping selections to whole words.

A word is a run of letters, digits, combining marks, tatweel and joiners. Arabic clitics (و ب ل ك ف
ال) are part of the word here on purpose: snapping takes the whole written word, and the annotator
trims a clitic off with the edge keys.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_JOINERS = frozenset("\u0640\u200c\u200d")  # tatweel, ZWNJ, ZWJ


@lru_cache(maxsize=4096)
def is_word_char(ch: str) -> bool:
    if ch in _JOINERS:
        return True
    category = unicodedata.category(ch)
    return category[0] in ("L", "N", "M")


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word containing the character at offset, or None if that character is not in a word."""
    if not 0 <= offset < len(text) or not is_word_char(text[offset]):
        return None
    start = offset
    while start > 0 and is_word_char(text[start - 1]):
        start -= 1
    end = offset + 1
    while end < len(text) and is_word_char(text[end]):
        end += 1
    return start, end


def next_word_start(text: str, offset: int) -> int:
    """The start of the first word after the one at offset (or len(text))."""
    i = offset
    n = len(text)
    while i < n and is_word_char(text[i]):
        i += 1
    while i < n and not is_word_char(text[i]):
        i += 1
    return i


def previous_word_start(text: str, offset: int) -> int:
    """The start of the word before offset (or of the word offset is inside)."""
    i = offset
    while i > 0 and not is_word_char(text[i - 1]):
        i -= 1
    while i > 0 and is_word_char(text[i - 1]):
        i -= 1
    return i


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) to whole words at both edges, then drop spaces and punctuation at its ends.
    An empty or all-space range stays as it is."""
    if end <= start:
        return start, end
    first = word_at(text, start)
    last = word_at(text, end - 1)
    s = first[0] if first else start
    e = last[1] if last else end
    while s < e and not is_word_char(text[s]):
        s += 1
    while e > s and not is_word_char(text[e - 1]):
        e -= 1
    return (s, e) if e > s else (start, end)
