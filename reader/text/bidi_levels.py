"""Embedding levels for one paragraph, from python-bidi's Rust core.

python-bidi (0.6) orders every case of Unicode's BidiCharacterTest correctly, but its only output
besides the reordered string is a debug dump of the core's ``BidiInfo``, which lists one embedding
level per UTF-8 byte. That dump is the fragile part of this project: it is parsed here and nowhere
else, the dependency is pinned to 0.6.x, and ``tests/unit/text/test_bidi_levels.py`` fails loudly if
its shape changes. Never re-implement the bidi algorithm here; this module only reads its result.
"""

from __future__ import annotations

import re
from itertools import compress
from typing import Literal

from bidi import get_display

from .chars import BIDI_PARAGRAPH_SEPARATORS

Direction = Literal["auto", "rtl", "ltr"]

_LEVEL = re.compile(r"Level\(\s*(\d+)")
_PARAGRAPH_LEVEL = re.compile(
    r"paragraphs:\s*\[\s*ParagraphInfo\s*\{\s*range:\s*\d+\.\.\d+,\s*level:\s*Level\(\s*(\d+)"
)

# UTF-8 lead bytes map to 1, continuation bytes (0b10xxxxxx) to 0: compress() then keeps one level
# per code point at C speed.
_LEAD_BYTES = bytes(0 if 0x80 <= b <= 0xBF else 1 for b in range(256))

# Characters that would make the library start a new paragraph inside ours are replaced by a
# neutral of the same length (U+FFFD, class ON) before the call.
_HIDE_SEPARATORS = str.maketrans({ch: "\ufffd" for ch in BIDI_PARAGRAPH_SEPARATORS})


class BidiLibraryChanged(RuntimeError):
    """python-bidi's debug output no longer has the shape this module reads."""


def paragraph_levels(text: str, direction: Direction = "auto") -> tuple[list[int], int]:
    """Resolved embedding levels (one per code point) and the paragraph level of one paragraph.

    ``text`` must not contain "\\n"; paragraph separators are neutralised here.
    """
    if not text:
        return [], 1 if direction == "rtl" else 0
    safe = text.translate(_HIDE_SEPARATORS)
    base_dir = {"auto": None, "rtl": "R", "ltr": "L"}[direction]
    dump = get_display(safe, base_dir=base_dir, debug=True)
    if not isinstance(dump, str):
        raise BidiLibraryChanged(f"python-bidi debug output is {type(dump).__name__}, expected str")
    start = dump.find("levels:")
    end = dump.find("paragraphs:", start)
    if start < 0 or end < 0:
        raise BidiLibraryChanged("python-bidi debug output has no 'levels:' / 'paragraphs:' section")
    byte_levels = _LEVEL.findall(dump, start, end)
    encoded = safe.encode("utf-8")
    if len(byte_levels) != len(encoded):
        raise BidiLibraryChanged(f"python-bidi gave {len(byte_levels)} levels for {len(encoded)} UTF-8 bytes")
    levels = [int(v) for v in compress(byte_levels, encoded.translate(_LEAD_BYTES))]
    match = _PARAGRAPH_LEVEL.search(dump, end)
    if match is None:
        raise BidiLibraryChanged("python-bidi debug output has no paragraph level")
    return levels, int(match.group(1))
