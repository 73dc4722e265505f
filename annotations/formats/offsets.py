"""Offset units: code points (this tool, Python, Prodigy, spaCy, brat), UTF-16 code units (JavaScript:
doccano's and Label Studio's browser UIs) and grapheme clusters (doccano's grapheme mode).

The store always holds code points. ``reader import --offsets utf16`` converts a file's offsets to
code points, ``reader export --offsets utf16`` converts the other way. The units agree on most text;
they differ when a text has characters outside the Basic Multilingual Plane (emoji: one code point,
two UTF-16 units) or clusters of several code points (a letter with its harakat, a flag, an emoji
with a skin tone: one grapheme). :func:`differences` says which, so a command can warn that the choice
matters for a record.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from typing import Literal, get_args

import regex

from annotations.errors import UserError

Unit = Literal["codepoint", "utf16", "grapheme"]
UNITS: tuple[str, ...] = get_args(Unit)
_CLUSTER = regex.compile(r"\X")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def has_astral(text: str) -> bool:
    return not text.isascii() and _ASTRAL.search(text) is not None


# Characters the cluster rules can join to a neighbour besides marks: ZWNJ/ZWJ, Thai/Lao sara am,
# halfwidth sound marks, regional indicators, emoji modifiers, tags, prepend marks, Hangul jamo and syllables.
_JOINERS = [
    (0x200C, 0x200D), (0x0E33, 0x0E33), (0x0EB3, 0x0EB3), (0xFF9E, 0xFF9F), (0x1F1E6, 0x1F1FF), (0x1F3FB, 0x1F3FF),
    (0xE0020, 0xE007F), (0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2),
    (0x0D4E, 0x0D4E), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x111C2, 0x111C3), (0x1193F, 0x1193F),
    (0x11941, 0x11941), (0x11A3A, 0x11A3A), (0x11A84, 0x11A89), (0x11D46, 0x11D46), (0x11F02, 0x11F02),
    (0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF), (0xAC00, 0xD7A3),
]  # fmt: skip


@functools.cache
def _candidates() -> tuple[re.Pattern[str], frozenset[str]]:
    """Every character that can share a grapheme cluster with a neighbour -- the marks (planes 0, 1
    and 14 hold all of them) and :data:`_JOINERS` -- as a ``re`` class of the BMP ones (a bitmap: a
    search costs microseconds) and a set of the others. Built once."""
    planes = (*range(0x20000), *range(0xE0000, 0xE1000))
    points = {cp for cp in planes if unicodedata.category(chr(cp)) in ("Mn", "Mc", "Me")}
    points.update(cp for lo, hi in _JOINERS for cp in range(lo, hi + 1))
    bmp = sorted(cp for cp in points if cp <= 0xFFFF)
    parts: list[str] = []
    i = 0
    while i < len(bmp):
        j = i
        while j + 1 < len(bmp) and bmp[j + 1] == bmp[j] + 1:
            j += 1
        lo, hi = re.escape(chr(bmp[i])), re.escape(chr(bmp[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return re.compile("[" + "".join(parts) + "]"), frozenset(chr(cp) for cp in points if cp > 0xFFFF)


def has_clusters(text: str, astral: bool | None = None) -> bool:
    """Whether some grapheme cluster of ``text`` holds more than one code point (``astral``: whether
    the text has characters outside the BMP, if the caller knows).

    Fast: a search finds the characters that can join a neighbour, and only the clusters around them
    are segmented (a cluster found that way has two code points whatever the true segmentation);
    after many candidates that join nothing, the whole text is segmented."""
    if "\r\n" in text:
        return True
    if text.isascii():
        return False
    bmp, others = _candidates()
    first = bmp.search(text)
    if astral is None:
        astral = has_astral(text)
    if first is None and not astral:
        return False
    positions = [m.start() for m in bmp.finditer(text, first.start())] if first is not None else []
    if astral:
        positions += [i for i, ch in enumerate(text) if ch in others]
    if len(positions) > 64:
        return any(len(c.group()) > 1 for c in _CLUSTER.finditer(text))
    for i in positions:
        for at in (i - 1, i) if i else (i,):
            found = _CLUSTER.match(text, at)
            if found is not None and found.end() - at > 1 and found.end() > i:
                return True
    return False


def differences(text: str) -> set[Unit]:
    """The units whose offsets differ from code points somewhere in ``text``."""
    out: set[Unit] = set()
    astral = has_astral(text)
    if astral:
        out.add("utf16")
    if has_clusters(text, astral):
        out.add("grapheme")
    return out


class OffsetMap:
    """Converts offsets into one text between code points and ``unit``."""

    def __init__(self, text: str, unit: Unit) -> None:
        if unit not in UNITS:
            raise UserError(f"unknown offset unit {unit!r} (one of {', '.join(UNITS)})")
        self.text = text
        self.unit = unit
        self._starts: list[int] | None = None  # unit offset of each code point (and of the end)
        if unit == "utf16" and has_astral(text):
            starts = [0]
            for ch in text:
                starts.append(starts[-1] + (2 if ch > "\uffff" else 1))
            self._starts = starts
        elif unit == "grapheme" and has_clusters(text):
            self._starts = [m.start() for m in _CLUSTER.finditer(text)] + [len(text)]

    @property
    def identity(self) -> bool:
        return self._starts is None

    def length(self) -> int:
        """The length of the text in this unit."""
        if self._starts is None:
            return len(self.text)
        return self._starts[-1] if self.unit == "utf16" else len(self._starts) - 1

    def to_codepoint(self, offset: int, what: str) -> int:
        """The code-point offset for ``offset`` in this unit; UserError if it is outside the text or
        (UTF-16) falls between the two halves of a surrogate pair."""
        if not 0 <= offset <= self.length():
            hint = ""
            if self.unit == "codepoint" and has_astral(self.text):
                hint = " (the text has characters outside the BMP: are these UTF-16 offsets? try --offsets utf16)"
            raise UserError(f"{what}: offset {offset} is outside the text ({self.length()} {_plural(self.unit)}){hint}")
        if self._starts is None:
            return offset
        if self.unit == "grapheme":
            return self._starts[offset]
        cp = bisect.bisect_left(self._starts, offset)
        if self._starts[cp] != offset:
            raise UserError(
                f"{what}: UTF-16 offset {offset} falls inside the character {self.text[cp - 1]!r} "
                "(between the halves of a surrogate pair); are these offsets really UTF-16?"
            )
        return cp

    def from_codepoint(self, offset: int, what: str) -> int:
        """``offset`` (code points) in this unit; UserError if a grapheme offset would fall inside a cluster."""
        if self._starts is None:
            return offset
        if self.unit == "utf16":
            return self._starts[offset]
        k = bisect.bisect_left(self._starts, offset)
        if k >= len(self._starts) or self._starts[k] != offset:
            raise UserError(
                f"{what}: code point {offset} is inside a grapheme cluster, so it has no grapheme offset "
                "(export with --offsets codepoint or utf16)"
            )
        return k


def _plural(unit: Unit) -> str:
    return {"codepoint": "code points", "utf16": "UTF-16 code units", "grapheme": "grapheme clusters"}[unit]
