"""Embedding levels from python-bidi's Rust core, read from its debug dump.

python-bidi (0.6) orders every case of Unicode's BidiCharacterTest correctly, but its only output
besides the reordered string is a debug dump of the core's ``BidiInfo``, which lists one embedding
level per UTF-8 byte. That dump is the fragile part of this project: it is parsed here and nowhere
else, the dependency is pinned to 0.6.x, and ``tests/unit/text/test_bidi_levels.py`` fails loudly if
its shape changes. Never re-implement the bidi algorithm here; this module only reads its result.
"""

from __future__ import annotations

import re
from itertools import compress

from bidi import get_display

_LEVEL = re.compile(r"Level\(\s*(\d+)")
_PARAGRAPH_LEVEL = re.compile(
    r"paragraphs:\s*\[\s*ParagraphInfo\s*\{\s*range:\s*\d+\.\.\d+,\s*level:\s*Level\(\s*(\d+)"
)

# UTF-8 lead bytes map to 1, continuation bytes (0b10xxxxxx) to 0: compress() then keeps one level
# per code point at C speed.
_LEAD_BYTES = bytes(0 if 0x80 <= b <= 0xBF else 1 for b in range(256))

# The dump prints each level on lines of their own. When every level has one digit, the entries all
# have this exact shape, so the digits sit at a fixed stride: they are read with one slice, and the
# whole section is rebuilt from them and compared, so any other shape falls back to the regex.
_INDENT = 8
_ENTRY = "Level(\n            {},\n        ),\n" + " " * _INDENT
_STRIDE = len(_ENTRY.format(0))
_DIGIT_AT = _ENTRY.index("{}")
_REBUILD = str.maketrans({str(d): _ENTRY.format(d) for d in range(10)})
_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))


class BidiLibraryChanged(RuntimeError):
    """python-bidi's debug output no longer has the shape this module reads."""


def _byte_levels(dump: str, start: int, end: int, count: int) -> bytes:
    first = dump.find("Level(", start, end)
    if first >= 0:
        # The last entry is followed by the end of the list, not by the next entry's indentation.
        body = dump[first : first + _STRIDE * count - _INDENT]
        digits = body[_DIGIT_AT::_STRIDE]
        if len(digits) == count and digits.isdigit() and digits.translate(_REBUILD)[:-_INDENT] == body:
            return digits.encode("ascii").translate(_DIGIT_VALUES)
    found = _LEVEL.findall(dump, start, end)
    if len(found) != count:
        raise BidiLibraryChanged(f"python-bidi gave {len(found)} levels for {count} UTF-8 bytes")
    return bytes(int(v) for v in found)


def python_bidi_levels(text: str, direction: str) -> tuple[bytes, int]:
    """Levels (one per code point) and the paragraph level of a non-empty paragraph with no
    paragraph separators and no lone surrogates in it."""
    base_dir = {"auto": None, "rtl": "R", "ltr": "L"}[direction]
    dump = get_display(text, base_dir=base_dir, debug=True)
    if not isinstance(dump, str):
        raise BidiLibraryChanged(f"python-bidi debug output is {type(dump).__name__}, expected str")
    start = dump.find("levels:")
    end = dump.find("paragraphs:", start)
    if start < 0 or end < 0:
        raise BidiLibraryChanged("python-bidi debug output has no 'levels:' / 'paragraphs:' section")
    encoded = text.encode("utf-8")
    byte_levels = _byte_levels(dump, start, end, len(encoded))
    levels = byte_levels if len(encoded) == len(text) else bytes(compress(byte_levels, encoded.translate(_LEAD_BYTES)))
    match = _PARAGRAPH_LEVEL.search(dump, end)
    if match is None:
        raise BidiLibraryChanged("python-bidi debug output has no paragraph level")
    return levels, int(match.group(1))
