"""Clusters: the unit the layout wraps and reorders.

A cluster is a contiguous logical range of a paragraph drawn as one glyph: a base character with the
marks and zero-width characters that follow it (rule L3 — marks stay on their letter), or a
lam-alef ligature with the marks of both letters. A cluster is never split across lines.

Clusters are kept as parallel lists rather than one object each: a 1 MB article has about a
million of them and `reader cat` must stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass

from .chars import BREAK_SPACES, LONE_MARK_BASE, ZERO_WIDTH, ZWJ, ZWNJ, Kind, classify
from .shaping import shape

_GLYPH, _MARK, _PLACEHOLDER, _TAB = Kind.GLYPH, Kind.MARK, Kind.PLACEHOLDER, Kind.TAB

_CHAR_INFO: dict[str, tuple[Kind, str, int]] = {}

JOINERS = frozenset((ZWJ, ZWNJ))
# What a joiner stands for while shaping. ZWJ joins the letters on both sides of it (a tatweel, which
# joins both ways and forms no ligature, does exactly that); ZWNJ joins nothing, so it stays itself,
# a character the shaper does not know. Either one keeps a lam and an alef from forming a ligature.
_JOINER_STAND_IN = {ZWJ: "\u0640", ZWNJ: ZWNJ}


def _info(ch: str) -> tuple[Kind, str, int]:
    info = _CHAR_INFO.get(ch)
    if info is None:
        info = _CHAR_INFO[ch] = classify(ch)
    return info


@dataclass(slots=True)
class Clusters:
    """Clusters of one paragraph in logical order; offsets relative to the paragraph start."""

    start: list[int]
    end: list[int]
    glyph: list[str]  # text drawn, marks included unless hidden, before mirroring
    width: list[int]  # cells
    base: list[str]  # the logical base character: bidi class and mirroring are decided on it
    placeholder: list[bool]  # drawn in place of a control or invisible character
    space: list[bool]  # a line may break after it

    def __len__(self) -> int:
        return len(self.start)


def build_clusters(text: str, *, show_marks: bool = True, shaped: bool = True) -> Clusters:
    """Clusters of one paragraph, in logical order, shaped unless a bidi terminal will shape them."""
    info = _info
    infos = [info(ch) for ch in text]
    # A cluster starts at every character that is not a mark, and at a mark with nothing before it.
    starts = [i for i, inf in enumerate(infos) if inf[0] is not _MARK]
    if infos and infos[0][0] is _MARK:
        starts.insert(0, 0)
    ends = [*starts[1:], len(text)]

    # Shape the bases. Placeholders and tabs break joining, as any non-joining character does.
    bases = "".join(text[s] if infos[s][0] is _GLYPH else "\u25cc" if infos[s][0] is _MARK else " " for s in starts)
    if not shaped:
        glyphs = [(ch, 1) for ch in bases]
    elif JOINERS.isdisjoint(text):
        glyphs = shape(bases)
    else:
        glyphs = _shape_with_joiners(text, starts, ends, bases)

    c_start: list[int] = []
    c_end: list[int] = []
    c_glyph: list[str] = []
    c_width: list[int] = []
    c_base: list[str] = []
    c_placeholder: list[bool] = []
    c_space: list[bool] = []
    g = 0
    for glyph, count in glyphs:
        s = starts[g]
        e = ends[g + count - 1]
        kind, drawn, width = infos[s]
        if kind is _GLYPH:
            drawn = glyph
        elif kind is _MARK:  # a mark opening the paragraph sits on a dotted circle
            drawn, width = LONE_MARK_BASE + text[s], 1
        if show_marks and e - s > count:  # marks or zero-width characters follow a base
            drawn += "".join(
                text[j] for k in range(g, g + count) for j in range(starts[k] + 1, ends[k]) if text[j] not in ZERO_WIDTH
            )
        c_start.append(s)
        c_end.append(e)
        c_glyph.append(drawn)
        c_width.append(width)
        c_base.append(text[s])
        c_placeholder.append(kind is _PLACEHOLDER)
        c_space.append(text[s] in BREAK_SPACES)
        g += count
    return Clusters(c_start, c_end, c_glyph, c_width, c_base, c_placeholder, c_space)


def _shape_with_joiners(text: str, starts: list[int], ends: list[int], bases: str) -> list[tuple[str, int]]:
    """Shape bases with the joiners among each base's marks taken into account: a stand-in for each
    joiner goes into the shaped string after its base, and its glyph is dropped afterwards."""
    shaped: list[str] = []
    stand_in: list[bool] = []
    for k, s in enumerate(starts):
        base = bases[k]
        if text[s] == ZWJ:  # a joiner opening the paragraph: still joins the letter after it
            base = _JOINER_STAND_IN[ZWJ]
        shaped.append(base)
        stand_in.append(False)
        for j in range(s + 1, ends[k]):
            if text[j] in JOINERS:
                shaped.append(_JOINER_STAND_IN[text[j]])
                stand_in.append(True)
    glyphs: list[tuple[str, int]] = []
    i = 0
    for glyph, count in shape("".join(shaped)):
        if not stand_in[i]:
            glyphs.append((glyph, count))
        i += count
    return glyphs
