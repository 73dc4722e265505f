"""Plain paragraphs: made only of the characters most text is made of.

For these characters every question the layout asks has the same, simple answer: each is a glyph one
cell wide or a combining mark; none is a control, a joiner, a tab or a separator; the only space a
line breaks at is U+0020; ICU and python-bidi resolve them alike (bidi_levels.py). A paragraph made
only of them is laid out without looking at its characters one by one in Python: one regular
expression search (in C) tells whether a paragraph is plain, and the marks and mirrored characters
in it are found the same way.

The set is built at import from a few blocks (ASCII, Latin-1, Arabic, general punctuation) and
filtered by the same classification the slow
path uses, so a plain paragraph is laid out exactly as it would be without this shortcut
(tests/unit/text/test_differential.py checks that on 244k cases).
"""

from __future__ import annotations

import re
import unicodedata

from bidi.mirror import MIRRORED

from .chars import BIDI_PARAGRAPH_SEPARATORS, BREAK_SPACES, ZERO_WIDTH, Kind, classify

# Kept small: the set is worked out at every start, and a paragraph with anything else in it is still
# laid out right, only by the general path.
_BLOCKS = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (no-break space, guillemets, signs)
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x08A0, 0x08FF),  # Arabic Extended-A
    (0x2010, 0x205E),  # General Punctuation (dashes, quotes, ellipsis)
)

# Bidi classes that make a paragraph not plain: explicit embeddings, overrides and isolates, removed
# characters (BN), separators (B, S) and whitespace other than U+0020 (WS), unassigned ("").
_NOT_PLAIN_CLASSES = frozenset(
    ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "BN", "B", "S", "WS", "")
)


def _plain(ch: str) -> bool:
    if ch in BIDI_PARAGRAPH_SEPARATORS or ch in ZERO_WIDTH or (ch in BREAK_SPACES and ch != " "):
        return False
    if ch != " " and unicodedata.bidirectional(ch) in _NOT_PLAIN_CLASSES:
        return False
    if unicodedata.category(ch) == "Cn":
        return False
    kind, _, width = classify(ch)
    return (kind is Kind.GLYPH and width == 1) or kind is Kind.MARK


def _char_class(chars: list[str]) -> str:
    """A regular expression character class for chars, with runs written as ranges."""
    codes = sorted(map(ord, chars))
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


PLAIN_CHARS = frozenset(ch for low, high in _BLOCKS for ch in map(chr, range(low, high + 1)) if _plain(ch))
PLAIN_MARKS = frozenset(ch for ch in PLAIN_CHARS if classify(ch)[0] is Kind.MARK)
# Opening brackets among them, for the bracket-pair depth check in bidi_levels.
PLAIN_OPENERS = tuple(sorted(ch for ch in PLAIN_CHARS if unicodedata.category(ch) == "Ps"))

NOT_PLAIN = re.compile("[^" + _char_class(sorted(PLAIN_CHARS)) + "]")
# Plain, and neither a mark nor a character with a mirrored glyph: nothing to find in the paragraph.
NOT_SIMPLE = re.compile("[^" + _char_class(sorted(PLAIN_CHARS - PLAIN_MARKS - MIRRORED.keys())) + "]")
MARK = re.compile("[" + _char_class(sorted(PLAIN_MARKS)) + "]")
# Any character with a mirrored glyph (rule L4), plain or not.
MIRRORED_CHAR = re.compile("[" + _char_class(sorted(MIRRORED)) + "]")

SIMPLE, PLAIN, OTHER = 0, 1, 2


def kind_of(text: str) -> int:
    """SIMPLE: plain, with no mark and no mirrored character; PLAIN; or OTHER."""
    if NOT_SIMPLE.search(text) is None:
        return SIMPLE
    return PLAIN if NOT_PLAIN.search(text) is None else OTHER


def positions(pattern: re.Pattern[str], text: str) -> list[int]:
    return [match.start() for match in pattern.finditer(text)]
