"""Arabic contextual shaping with an exact map back to the characters shaped.

arabic-reshaper picks presentation forms but keeps no offset map and changes the length of the
text. We give it only base characters (marks and zero-width joiners removed: joining skips them
anyway, and the layout draws marks in their base's cell itself) with every ligature disabled except
lam-alef. Then its output has exactly one glyph per input character, except that a lam-alef ligature
stands for two; the map is rebuilt from that and checked, so a library change fails loudly.
"""

from __future__ import annotations

import re

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.arabic_reshaper import HARAKAT_RE
from arabic_reshaper.letters import LETTERS_ARABIC
from arabic_reshaper.ligatures import LIGATURES

_LAM_ALEF = (
    "arabic ligature lam with alef",
    "arabic ligature lam with alef with hamza above",
    "arabic ligature lam with alef with hamza below",
    "arabic ligature lam with alef with madda above",
)

_CONFIG: dict[str, bool | str] = {name.lower(): False for name, _ in LIGATURES}
_CONFIG.update({name: True for name in _LAM_ALEF})
_CONFIG.update(
    {
        "language": "Arabic",
        "delete_harakat": False,
        "delete_tatweel": False,
        "support_zwj": False,
        "use_unshaped_instead_of_isolated": False,
        "support_ligatures": True,
        "shift_harakat_position": False,
    }
)

_RESHAPER = ArabicReshaper(configuration=_CONFIG)

# Presentation forms of the four lam-alef ligatures (isolated and final of each).
LAM_ALEF_GLYPHS = frozenset(chr(cp) for cp in range(0xFEF5, 0xFEFD))
_ALEFS = frozenset("\u0627\u0623\u0625\u0622")
_LAM = "\u0644"

# Joining never crosses a character the reshaper does not know, so text is shaped run by run: a run
# is a maximal stretch of letters it knows (and the marks it skips). Runs are words, and words repeat,
# so shaped runs are cached.
_RUN = re.compile("(?:[" + "".join(sorted(LETTERS_ARABIC)) + "]|" + HARAKAT_RE.pattern.replace("\n", "") + ")+")
_CACHE: dict[str, list[tuple[str, int]]] = {}
_CACHE_LIMIT = 100_000


class ShapingLibraryChanged(RuntimeError):
    """arabic-reshaper's output no longer lines up with its input as this module expects."""


def shape(bases: str) -> list[tuple[str, int]]:
    """Glyphs for a string of base characters: one (glyph, count) per glyph, where count is the
    number of input characters the glyph stands for (1, or 2 for lam-alef)."""
    out: list[tuple[str, int]] = []
    pos = 0
    for match in _RUN.finditer(bases):
        s, e = match.span()
        out.extend((ch, 1) for ch in bases[pos:s])
        run = match.group()
        glyphs = _CACHE.get(run)
        if glyphs is None:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            glyphs = _CACHE[run] = _shape_run(run)
        out.extend(glyphs)
        pos = e
    out.extend((ch, 1) for ch in bases[pos:])
    return out


def _shape_run(bases: str) -> list[tuple[str, int]]:
    shaped = _RESHAPER.reshape(bases)
    out: list[tuple[str, int]] = []
    i = 0
    for glyph in shaped:
        if glyph in LAM_ALEF_GLYPHS:
            if bases[i] != _LAM or i + 1 >= len(bases) or bases[i + 1] not in _ALEFS:
                raise ShapingLibraryChanged(f"lam-alef ligature at {i} does not stand on lam + alef")
            out.append((glyph, 2))
            i += 2
        else:
            out.append((glyph, 1))
            i += 1
    if i != len(bases):
        raise ShapingLibraryChanged(f"reshaped {len(bases)} characters into glyphs covering {i}")
    return out
