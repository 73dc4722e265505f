"""Arabic contextual shaping with an exact map back to the characters shaped.

arabic-reshaper picks presentation forms but keeps no offset map and changes the length of the
text. We give it only base characters (marks removed: joining skips them anyway, and the layout
draws marks in their base's cell itself; joiners are replaced by stand-ins, see clusters.py) with
every ligature disabled except lam-alef. Then its output has exactly one glyph per input character,
except that a lam-alef ligature stands for two; the map is rebuilt from that and checked, so a
library change fails loudly. Shaped text keeps the length of its input: the ligature stands at the
lam's position and LIGATURE_TAIL at the alef's.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.arabic_reshaper import HARAKAT_RE
from arabic_reshaper.letters import LETTERS_ARABIC, connects_with_letter_after
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
_RUN = re.compile("((?:[" + "".join(sorted(LETTERS_ARABIC)) + "]|" + HARAKAT_RE.pattern.replace("\n", "") + ")+)")
_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 100_000

# A joining group ends at a letter that does not join the next one. Built from the reshaper's tables.
_END_GROUP_LETTERS = sorted(ch for ch in LETTERS_ARABIC if not connects_with_letter_after(ch, LETTERS_ARABIC))
# A group's end is marked with U+0001 (which no run contains) right after its last letter. A mark
# that follows that letter then opens the next group: the reshaper skips marks for joining and keeps
# them in place, so the output is the same.
_MARK_GROUP_ENDS = {ord(ch): ch + "\x01" for ch in _END_GROUP_LETTERS}
_GROUP_CACHE: dict[str, str] = {}

# In shaped text a lam-alef ligature stands at the lam's position and this at the alef's, so shaped
# text is exactly as long as the text shaped. (Bases never contain it: controls are drawn as
# placeholders and shaped as spaces.)
LIGATURE_TAIL = "\x00"


class ShapingLibraryChanged(RuntimeError):
    """arabic-reshaper's output no longer lines up with its input as this module expects."""


class _ConfigurationReadOnce:
    """arabic-reshaper's configuration, read once. The reshaper asks its configparser section for six
    booleans on every call, which took most of the time of shaping a new word; the answers are the
    same every time, so they are read here once and handed back."""

    def __init__(self, section: Mapping[str, str]) -> None:
        self._values = {key: section.get(key) for key in section}
        self._booleans: dict[str, bool] = {}
        for key in section:
            with contextlib.suppress(ValueError):
                self._booleans[key] = section.getboolean(key)  # type: ignore[attr-defined]

    # Keys are case-insensitive, as in configparser (which stores them lower-cased).
    def get(self, key: str, fallback: str | None = None) -> str | None:
        return self._values.get(key.lower(), fallback)

    def getboolean(self, key: str) -> bool:
        return self._booleans[key.lower()]


_RESHAPER.configuration = _ConfigurationReadOnce(_RESHAPER.configuration)


def shape(bases: str) -> str:
    """Presentation forms for a string of base characters (no marks), one character for each: a
    lam-alef ligature at the lam's position and LIGATURE_TAIL at the alef's."""
    parts = _RUN.split(bases)  # text between runs at even indices, runs at odd ones
    if len(parts) == 1:
        return bases
    runs = parts[1::2]
    shaped = list(map(_CACHE.get, runs))
    if None in shaped:
        # (Worked out into a dict of its own: another thread may clear the shared cache meanwhile.)
        missing = list(dict.fromkeys(run for run, glyphs in zip(runs, shaped, strict=True) if glyphs is None))
        new = dict(zip(missing, _shape_runs(missing), strict=True))
        if len(_CACHE) + len(new) > _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE.update(new)
        shaped = [new[run] if glyphs is None else glyphs for run, glyphs in zip(runs, shaped, strict=True)]
    parts[1::2] = shaped
    return "".join(parts)


def _shape_runs(runs: list[str]) -> list[str]:
    """Shape runs not seen before. A letter that does not join the letter after it (alef, dal, reh,
    waw...) ends a joining group: what follows is shaped as if it began a new run, so a run is the
    concatenation of its groups shaped alone. Groups repeat far more than words do (a 1 MB text of
    26,000 distinct words has some 6,000 distinct groups and a ninth of the letters), so groups are
    cached too, and the new ones are shaped in one call to the reshaper (its cost per call is high):
    joined by spaces, which join nothing and form no ligature, and split again."""
    # Mark the end of every group in all the runs at once, then split: runs at spaces, groups at marks.
    marked = " ".join(runs).translate(_MARK_GROUP_ENDS)
    split = [[g for g in run.split("\x01") if g] for run in marked.split(" ")]
    found = {g: _GROUP_CACHE.get(g) for groups in split for g in groups}
    missing = [g for g, glyphs in found.items() if glyphs is None]
    if missing:
        reshaped = _RESHAPER.reshape(" ".join(missing)).split(" ")
        if len(reshaped) != len(missing):
            raise ShapingLibraryChanged(f"reshaped {len(missing)} groups joined by spaces into {len(reshaped)}")
        new = dict(zip(missing, map(_aligned, missing, reshaped), strict=True))
        if len(_GROUP_CACHE) + len(new) > _CACHE_LIMIT:
            _GROUP_CACHE.clear()
        _GROUP_CACHE.update(new)
        found.update(new)
    return ["".join(map(found.__getitem__, groups)) for groups in split]  # type: ignore[arg-type]


def _aligned(bases: str, shaped: str) -> str:
    """The reshaper's output for bases, one character per base character (LIGATURE_TAIL after a
    lam-alef ligature), checked against bases."""
    out: list[str] = []
    i = 0
    for glyph in shaped:
        if glyph in LAM_ALEF_GLYPHS:
            if bases[i] != _LAM or i + 1 >= len(bases) or bases[i + 1] not in _ALEFS:
                raise ShapingLibraryChanged(f"lam-alef ligature at {i} does not stand on lam + alef")
            out.append(glyph + LIGATURE_TAIL)
            i += 2
        else:
            out.append(glyph)
            i += 1
    if i != len(bases):
        raise ShapingLibraryChanged(f"reshaped {len(bases)} characters into glyphs covering {i}")
    return "".join(out)
