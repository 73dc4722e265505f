"""Arabic-aware text folding for search and matching, with an exact map back to original offsets.

``fold`` removes what a reader does not type when searching (harakat and other Quranic marks, the
superscript alef, tatweel), unifies letters that are spelled inconsistently in news text (alef with
hamza or madda or wasla -> bare alef, alef maqsura -> yeh, teh marbuta -> heh, Persian yeh and keheh
-> Arabic yeh and kaf) and lower-cases Latin. Every folded character comes from exactly one original
character, so a match found in folded text maps back to exact original offsets.

Pure Python, no dependencies; used by the app's search and by ``annotations.suggest``.
"""

from __future__ import annotations

import re

__all__ = ["REMOVED", "find_all", "fold", "fold_offsets", "fold_text", "is_removed", "original_span"]

# Characters dropped by folding: harakat and related marks, superscript alef, Quranic annotation
# marks, and tatweel (kashida).
_REMOVED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0610, 0x061A),  # Quranic honorifics and small marks
    (0x064B, 0x065F),  # harakat: tanween, fatha, damma, kasra, shadda, sukun, maddah, hamza marks...
    (0x0670, 0x0670),  # superscript (dagger) alef
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x0640, 0x0640),  # tatweel
)
REMOVED: frozenset[str] = frozenset(chr(c) for lo, hi in _REMOVED_RANGES for c in range(lo, hi + 1))

_LETTERS: dict[str, str] = {
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0622": "\u0627",  # آ -> ا
    "\u0671": "\u0627",  # ٱ -> ا
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
    "\u06cc": "\u064a",  # Persian ی -> ي
    "\u06a9": "\u0643",  # Persian ک -> ك
}

_LETTER_PAIRS: tuple[tuple[str, str], ...] = tuple(_LETTERS.items())

_REMOVED_RE = re.compile("[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _REMOVED_RANGES) + "]+")
# Characters that might have a lower-case form: anything but ASCII non-letters, Arabic and whitespace.
_CASED_RE = re.compile(r"[^\x00-\x40\x5b-\x7f\u0600-\u06ff\s]+")


def _lower_chars(match: re.Match[str]) -> str:
    # Per character, and only when lower-casing keeps one character: offsets stay one-to-one and the
    # result does not depend on context (str.lower turns a final capital sigma into a final sigma).
    out = []
    for c in match.group():
        low = c.lower()
        out.append(low if len(low) == 1 else c)
    return "".join(out)


def is_removed(char: str) -> bool:
    """True for a character that folding drops (harakat, Quranic marks, tatweel)."""
    return char in REMOVED


def fold_text(text: str) -> str:
    """The folded text alone (no offset map): the fast path for matching."""
    folded = _REMOVED_RE.sub("", text)
    for old, new in _LETTER_PAIRS:
        if old in folded:
            folded = folded.replace(old, new)
    if folded.isascii():
        return folded.lower()
    low = folded.lower()
    # str.lower is right when it maps every character to one character and nothing depends on
    # context (only the Greek capital sigma does); otherwise lower-case character by character.
    if len(low) == len(folded) and "\u03a3" not in folded:
        return low
    return _CASED_RE.sub(_lower_chars, folded)


def fold_offsets(text: str) -> list[int]:
    """The offset map of :func:`fold` alone: for each folded character the offset of its original
    character, plus a final sentinel ``len(text)``."""
    n = len(text)
    offsets: list[int] = []
    pos = 0
    for m in _REMOVED_RE.finditer(text):
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    offsets.extend(range(pos, n))
    offsets.append(n)
    return offsets


def fold(text: str) -> tuple[str, list[int]]:
    """Fold ``text``; return the folded string and, for each folded character, the offset of the
    original character it came from, plus a final sentinel ``len(text)``.

    ``offsets`` is strictly increasing, so folded ``[i, j)`` maps back to original
    ``[offsets[i], offsets[j - 1] + 1)`` (see :func:`original_span`).
    """
    return fold_text(text), fold_offsets(text)


def original_span(text: str, offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map folded ``[start, end)`` (non-empty) back to ``text``; the end takes in the marks (harakat)
    that follow the last matched letter, but not a following tatweel."""
    o_start = offsets[start]
    o_end = offsets[end - 1] + 1
    limit = offsets[end]
    while o_end < limit and text[o_end] != "\u0640":
        o_end += 1
    return o_start, o_end


def find_all(needle: str, haystack: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``needle`` in ``haystack`` compared folded, as half-open
    offsets into the original ``haystack``. An empty (or all-diacritics) needle finds nothing."""
    folded_needle = fold_text(needle)
    if not folded_needle:
        return []
    folded, offsets = fold(haystack)
    spans: list[tuple[int, int]] = []
    width = len(folded_needle)
    i = folded.find(folded_needle)
    while i >= 0:
        spans.append(original_span(haystack, offsets, i, i + width))
        i = folded.find(folded_needle, i + width)
    return spans
