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
from typing import Literal, get_args

import regex

from annotations.errors import UserError

Unit = Literal["codepoint", "utf16", "grapheme"]
UNITS: tuple[str, ...] = get_args(Unit)
_CLUSTER = regex.compile(r"\X")


def has_astral(text: str) -> bool:
    return not text.isascii() and max(text) > "\uffff"


def has_clusters(text: str) -> bool:
    """Whether some grapheme cluster of ``text`` holds more than one code point."""
    if text.isascii():
        return "\r\n" in text
    return any(len(m.group()) > 1 for m in _CLUSTER.finditer(text))


def differences(text: str) -> set[Unit]:
    """The units whose offsets differ from code points somewhere in ``text``."""
    out: set[Unit] = set()
    if has_astral(text):
        out.add("utf16")
    if has_clusters(text):
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
