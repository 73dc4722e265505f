"""Resolved embedding levels for one paragraph: the one place the layout asks a bidi library.

Two libraries, neither re-implemented here:

* ICU's ubidi (bidi_icu.py), through ctypes, when the system has ICU: fast, and it hands over the
  levels directly.
* python-bidi (bidi_dump.py), a required dependency: the reference the layout was built and tested
  against, used where ICU is missing and for paragraphs where conforming implementations may place
  characters differently.

UAX #9 leaves some things to the implementation, and ICU and python-bidi choose differently there:
the levels of characters rule X9 removes (python-bidi gives them the level of the character before
them, which is what the layout draws them at), overflow of the bracket-pair stack (BD16, 63 open
brackets), and where it applies rule L1 (ICU already does it to the paragraph). So ICU resolves a
paragraph only when it cannot matter: no explicit embeddings, overrides or isolates, no segment
separators (tab, VT, US), only the removed characters the layout treats as trailing whitespace
(controls, ZWSP/ZWNJ/ZWJ, word joiner, BOM, soft hyphen), fewer than 63 opening brackets, and no
character either library's Unicode data does not know; the removed characters' levels are then
set by python-bidi's rule. Everything else goes to python-bidi. tests/unit/text/test_differential.py
checks on 244k cases that the result is what python-bidi alone gives, and the BidiCharacterTest
conformance test runs with each library.

Set READER_BIDI=python-bidi in the environment to use python-bidi for everything.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Literal

from . import bidi_icu
from .bidi_dump import BidiLibraryChanged, python_bidi_levels
from .chars import BIDI_PARAGRAPH_SEPARATORS
from .clusters import positions
from .plain import PLAIN_CHARS, PLAIN_OPENERS

__all__ = ["BidiLibraryChanged", "Direction", "backend", "paragraph_levels"]

Direction = Literal["auto", "rtl", "ltr"]

# Characters that would make a library start a new paragraph inside ours, and lone surrogates (which
# neither library accepts), are replaced by U+FFFD (class ON) of the same length before the call.
_HIDDEN = frozenset(BIDI_PARAGRAPH_SEPARATORS) | frozenset(map(chr, range(0xD800, 0xE000)))
_HIDE = str.maketrans(dict.fromkeys(map(ord, _HIDDEN), "\ufffd"))

# Removed by X9, and drawn by the layout as trailing whitespace (layout._L1_TRAILING).
_PLAIN_REMOVED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e") | frozenset(
    map(chr, [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0)])
)
_NOT_FOR_ICU = frozenset(("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "S", "B", ""))
_BRACKET_STACK = 63  # BD16: the depth at which implementations stop pairing brackets

_icu: bidi_icu.IcuBidi | None = None
_icu_loaded = False


def _load_icu() -> bidi_icu.IcuBidi | None:
    global _icu, _icu_loaded
    if not _icu_loaded:
        _icu_loaded = True
        if os.environ.get("READER_BIDI", "").lower() not in ("python-bidi", "python_bidi", "python"):
            _icu = bidi_icu.load()
    return _icu


def backend() -> str:
    """Which library resolves ordinary paragraphs: "icu (<library>)" or "python-bidi"."""
    icu = _load_icu()
    return f"icu ({icu.name})" if icu is not None else "python-bidi"


# Characters seen so far that ICU may resolve, that it may not, and opening brackets among them.
_FOR_ICU: set[str] = set()
_NOT_FOR_ICU_SEEN: set[str] = set()
_OPENERS: set[str] = set()


def _icu_may_resolve(chars: set[str], icu: bidi_icu.IcuBidi) -> bool:
    if chars <= _FOR_ICU:  # set algebra in C: the common case
        return True
    if not _NOT_FOR_ICU_SEEN.isdisjoint(chars):
        return False
    for ch in chars - _FOR_ICU:
        category = unicodedata.bidirectional(ch)
        if category in _NOT_FOR_ICU or (category == "BN" and ch not in _PLAIN_REMOVED) or not icu.assigned(ch):
            _NOT_FOR_ICU_SEEN.add(ch)
            return False
        _FOR_ICU.add(ch)
        if unicodedata.category(ch) == "Ps":
            _OPENERS.add(ch)
    return True


_plain_known: bool | None = None
_PLAIN_OPENER = re.compile("[" + re.escape("".join(PLAIN_OPENERS)) + "]")


def _few_openers(text: str) -> bool:
    """Fewer opening brackets than the bracket-pair stack holds (a plain paragraph)."""
    return _PLAIN_OPENER.search(text) is None or len(_PLAIN_OPENER.findall(text)) < _BRACKET_STACK


def _icu_knows_plain(icu: bidi_icu.IcuBidi) -> bool:
    """Whether ICU's Unicode data has every plain character (an old ICU may lack recent letters)."""
    global _plain_known
    if _plain_known is None:
        _plain_known = all(map(icu.assigned, PLAIN_CHARS))
    return _plain_known


def forget_characters() -> None:
    """Forget what was learnt about characters (for tests that switch libraries)."""
    global _plain_known
    _FOR_ICU.clear()
    _NOT_FOR_ICU_SEEN.clear()
    _OPENERS.clear()
    _plain_known = None


def paragraph_levels(
    text: str, direction: Direction = "auto", chars: set[str] | None = None, *, plain: bool = False
) -> tuple[bytes, int]:
    """Resolved embedding levels (one per code point, before rule L1) and the paragraph level.

    ``text`` is one paragraph: it must not contain "\\n"; other paragraph separators are neutralised.
    ``chars``: the set of its characters, if the caller has it already; ``plain``: the caller found
    it plain (plain.py), which answers every question asked of the characters here.
    """
    if not text:
        return b"", 1 if direction == "rtl" else 0
    if plain:
        icu = _icu if _icu_loaded else _load_icu()
        if icu is not None and _icu_knows_plain(icu) and _few_openers(text):
            resolved = icu.levels(text, direction)
            if resolved is not None:
                return resolved
        return python_bidi_levels(text, direction)
    if chars is None:
        chars = set(text)
    if not _HIDDEN.isdisjoint(chars):
        text = text.translate(_HIDE)
        chars = set(text)
    icu = _icu if _icu_loaded else _load_icu()
    if icu is not None and _icu_may_resolve(chars, icu):
        openers = _OPENERS.intersection(chars)
        if not openers or sum(map(text.count, openers)) < _BRACKET_STACK:
            resolved = icu.levels(text, direction)
            if resolved is not None:
                levels, base = resolved
                removed = chars & _PLAIN_REMOVED
                if removed:
                    levels = _removed_take_previous_level(text, levels, base, removed)
                return levels, base
    return python_bidi_levels(text, direction)


def _removed_take_previous_level(text: str, levels: bytes, base: int, removed: set[str]) -> bytes:
    """Rule X9's characters at the level of the character before them (the paragraph's at the start)."""
    out = bytearray(levels)
    for i in positions(text, removed):
        out[i] = out[i - 1] if i else base
    return bytes(out)
