"""What one character becomes on a terminal: a glyph of some width, a mark on the previous glyph, or a
visible placeholder for something that must never reach the terminal as itself.

Everything here is per character and table-driven; the layout decides where the results go.
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from functools import lru_cache

TAB_WIDTH = 4  # a tab has no meaningful tab stop inside bidi text, so it is a fixed gap

# Unicode's own "control pictures" for C0 controls keep the character recognisable (␛ for ESC).
_C0_PICTURES = {i: chr(0x2400 + i) for i in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"  # ␡

# Invisible bidi formatting characters shown as placeholders: an annotator must see that
# something is there (a stray RLO can make text read backwards), and the glyphs are all
# one cell wide (East Asian width N/Na) so layout stays predictable in every terminal.
BIDI_CONTROL_GLYPHS = {
    "\u200e": "\u203a",  # LRM  ›
    "\u200f": "\u2039",  # RLM  ‹
    "\u061c": "\u2039",  # ALM  ‹
    "\u202a": "\u2e22",  # LRE  ⸢
    "\u202b": "\u2e23",  # RLE  ⸣
    "\u202c": "\u2e24",  # PDF  ⸤
    "\u202d": "\u22b3",  # LRO  ⊳
    "\u202e": "\u22b2",  # RLO  ⊲
    "\u2066": "\u2045",  # LRI  ⁅
    "\u2067": "\u2046",  # RLI  ⁆
    "\u2068": "\u204c",  # FSI  ⁌
    "\u2069": "\u204d",  # PDI  ⁍
}

C1_GLYPH = "\u2426"  # ␦ stands for any C1 control (U+0080..U+009F), which has no picture of its own
SEPARATOR_GLYPH = "\u2424"  # ␤ for line/paragraph separators that do not end a paragraph here
LONE_MARK_BASE = "\u25cc"  # ◌ carries a combining mark that has no letter before it

ZWNJ = "\u200c"  # ZERO WIDTH NON-JOINER: the letters on either side take their unjoined forms
ZWJ = "\u200d"  # ZERO WIDTH JOINER: the letters on either side take their joined forms

# Zero-width characters that are not bidi controls: they join the cell of the character before them
# (so their offset is still shown somewhere) and add nothing to the drawing.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e")

# Characters that end a paragraph for the bidi algorithm (class B) but not for us (we split at
# "\n" only): they are drawn as placeholders and hidden from the bidi library.
BIDI_PARAGRAPH_SEPARATORS = frozenset("\r\x1c\x1d\x1e\x85\u2029")


class Kind(Enum):
    GLYPH = "glyph"  # an ordinary printable character
    MARK = "mark"  # zero width, drawn in the cell of the preceding base
    PLACEHOLDER = "placeholder"  # an invisible or dangerous character made visible
    TAB = "tab"


@lru_cache(maxsize=8192)
def classify(ch: str) -> tuple[Kind, str, int]:
    """(kind, glyph, width) for one character. Width is in terminal cells."""
    cp = ord(ch)
    if cp < 0x20 or cp == 0x7F:
        if ch == "\t":
            return Kind.TAB, " " * TAB_WIDTH, TAB_WIDTH
        return Kind.PLACEHOLDER, _C0_PICTURES[cp], 1
    if 0x80 <= cp <= 0x9F:
        return Kind.PLACEHOLDER, C1_GLYPH, 1
    if ch in BIDI_CONTROL_GLYPHS:
        return Kind.PLACEHOLDER, BIDI_CONTROL_GLYPHS[ch], 1
    if ch in ("\u2028", "\u2029"):
        return Kind.PLACEHOLDER, SEPARATOR_GLYPH, 1
    if ch in ZERO_WIDTH:
        return Kind.MARK, ch, 0
    category = unicodedata.category(ch)
    # Spacing marks (Mc), Hangul vowel/final jamo and emoji skin-tone modifiers join the character
    # before them; terminals and Rich (which Textual measures with) give them no cell of their own.
    if category in ("Mn", "Me", "Mc") or 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF or 0x1F3FB <= cp <= 0x1F3FF:
        return Kind.MARK, ch, 0
    if category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf"):
        # Unassigned, private-use, surrogates and the remaining format characters have no reliable
        # width in terminals; show them as a replacement so columns never drift.
        return Kind.PLACEHOLDER, "\ufffd", 1
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return Kind.GLYPH, ch, 2
    return Kind.GLYPH, ch, 1


# Whitespace a line may break after. No-break spaces (U+00A0, U+2007, U+202F) keep their words together.
BREAK_SPACES = frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch not in "\n\u00a0\u2007\u202f")
