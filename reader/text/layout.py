"""Paragraph layout: clusters -> wrapped lines in visual order, with cell <-> offset maps.

Order of work, as UAX #9 requires for wrapped text: levels are resolved on the whole paragraph; the
paragraph is wrapped in logical order; then each line is reordered on its own (L1: trailing
whitespace and separators back to the paragraph level; L2: reverse runs from the highest level down).
L3 (marks on their base) is done by the clusters, L4 (mirroring) here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bidi.mirror import MIRRORED

from .bidi_levels import Direction, paragraph_levels
from .clusters import build_clusters

LineDirection = Literal["rtl", "ltr"]

# Rule L1 works on the original classes. Segment (S) and paragraph (B) separators: there are few,
# so they are listed rather than looked up per character.
_L1_SEPARATORS = frozenset("\t\x0b\x1f\r\x1c\x1d\x1e\x85\u2029")
# Whitespace (WS), isolate controls, and the characters X9 removes (BN, explicit embeddings), which
# the note to L1 sends along with the whitespace next to them.
_L1_TRAILING = frozenset(
    " \x0c\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u205f\u3000"
    "\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
) | frozenset(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0)]))


@dataclass(frozen=True, slots=True)
class Cell:
    """One terminal cell. ``start``..``end`` is the logical range it shows (absolute offsets).
    Continuation cells of a wide glyph or a tab, and alignment padding, show nothing (start == end);
    ``owner`` is the range a continuation cell belongs to, for hit-testing."""

    glyph: str
    start: int
    end: int
    placeholder: bool = False
    owner: tuple[int, int] | None = None

    @property
    def offsets(self) -> range:
        return range(self.start, self.end)


@dataclass(slots=True)
class VisualLine:
    """One terminal line. Per cell, left to right: the glyph drawn (empty for the right half of a
    wide glyph), and the logical range shown (``cell_start[x] == cell_end[x]`` for continuation and
    padding cells, whose owner is in ``cell_owner``)."""

    paragraph: int
    start: int  # logical range covered, absolute offsets
    end: int
    direction: LineDirection
    glyphs: list[str]
    cell_start: list[int]
    cell_end: list[int]
    placeholder: list[bool]
    cell_owner: dict[int, tuple[int, int]] = field(default_factory=dict)
    _offset_to_x: dict[int, int] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "".join(self.glyphs)

    @property
    def width(self) -> int:
        return len(self.glyphs)

    @property
    def cells(self) -> list[Cell]:
        owner = self.cell_owner
        columns = zip(self.glyphs, self.cell_start, self.cell_end, self.placeholder, strict=True)
        return [Cell(g, s, e, p, owner.get(x)) for x, (g, s, e, p) in enumerate(columns)]

    def offsets_at(self, x: int) -> range:
        """The logical offsets cell x shows (empty for continuation and padding cells)."""
        if not 0 <= x < len(self.glyphs):
            return range(0)
        return range(self.cell_start[x], self.cell_end[x])

    def offset_at(self, x: int) -> int | None:
        """The first logical offset of what cell x shows (a continuation cell answers for its
        glyph), or None for padding and outside the line."""
        if not 0 <= x < len(self.glyphs):
            return None
        if self.cell_end[x] > self.cell_start[x]:
            return self.cell_start[x]
        owner = self.cell_owner.get(x)
        return owner[0] if owner is not None else None

    def x_of(self, offset: int) -> int | None:
        """The cell that shows a logical offset, or None if the offset is not on this line."""
        if self._offset_to_x is None:
            m: dict[int, int] = {}
            for x, (s, e) in enumerate(zip(self.cell_start, self.cell_end, strict=True)):
                for o in range(s, e):
                    m[o] = x
            self._offset_to_x = m
        return self._offset_to_x.get(offset)


def _wrap(widths: list[int], spaces: list[bool], width: int) -> list[tuple[int, int]]:
    """Greedy wrap in logical order: (first, last+1) cluster indices per line. Breaks after spaces;
    a word wider than the line is broken between clusters."""
    lines: list[tuple[int, int]] = []
    line_start = col = i = 0
    n = len(widths)
    while i < n:
        j = i + 1
        if not spaces[i]:
            while j < n and not spaces[j]:
                j += 1
            word = sum(widths[i:j])
            if col + word <= width:
                col += word
                i = j
                continue
            if col > 0:
                lines.append((line_start, i))
                line_start, col = i, 0
            if word <= width:
                col, i = word, j
                continue
        # A space, or a word wider than a whole line: placed cluster by cluster.
        for k in range(i, j):
            if col + widths[k] > width and col > 0:
                lines.append((line_start, k))
                line_start, col = k, 0
            col += widths[k]
        i = j
    lines.append((line_start, n))
    return lines


def reorder(levels: list[int]) -> list[int]:
    """Rule L2: indices in visual order, left to right."""
    order = list(range(len(levels)))
    odd = [lv for lv in levels if lv & 1]
    if not odd:
        # Only even levels: anything above the lowest even level still reverses twice per two levels.
        if not levels or max(levels) < 2:
            return order
        lowest = 1
    else:
        lowest = min(odd)
    for level in range(max(levels), lowest - 1, -1):
        i = 0
        n = len(order)
        while i < n:
            if levels[order[i]] >= level:
                j = i + 1
                while j < n and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


class ParagraphLayout:
    """One paragraph laid out at one width."""

    def __init__(
        self,
        text: str,
        offset: int,
        index: int,
        width: int,
        *,
        direction: Direction = "auto",
        show_marks: bool = True,
        visual: bool = True,
    ) -> None:
        """``visual=False`` keeps logical order, unshaped and unaligned, for a terminal that does
        bidi itself (``--terminal-bidi``); the maps then describe what is sent, not what is seen."""
        if width < 1:
            raise ValueError("width must be at least 1")
        self.text = text
        self.offset = offset
        self.index = index
        self.width = width
        self.visual = visual
        levels, base = paragraph_levels(text, direction)
        self.base_level = base
        self.direction: LineDirection = "rtl" if base & 1 else "ltr"
        c = self.clusters = build_clusters(text, show_marks=show_marks, shaped=visual)
        for k, w in enumerate(c.width):
            if w > width:  # a tab or wide glyph wider than the whole line
                if c.base[k] == "\t":
                    c.width[k], c.glyph[k] = width, " " * width
                else:
                    c.width[k], c.glyph[k], c.placeholder[k] = 1, "\u2026", True
        self.levels = [levels[s] for s in c.start]
        self.lines = [self._line(a, b) for a, b in _wrap(c.width, c.space, width)]

    def _line(self, a: int, b: int) -> VisualLine:
        c = self.clusters
        base = self.base_level
        levels = self.levels[a:b]
        bases = c.base[a:b]
        # L1: separators, and the whitespace before them or at the end of the line.
        trailing = True
        for k in range(len(bases) - 1, -1, -1):
            ch = bases[k]
            if ch in _L1_SEPARATORS:
                levels[k] = base
                trailing = True
            elif trailing and ch in _L1_TRAILING:
                levels[k] = base
            else:
                trailing = False
        offset = self.offset
        glyphs: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        flags: list[bool] = []
        owners: dict[int, tuple[int, int]] = {}
        order = reorder(levels) if self.visual and any(levels) else range(len(levels))
        for k in order:
            i = a + k
            start, end = offset + c.start[i], offset + c.end[i]
            glyph = c.glyph[i]
            if levels[k] & 1 and self.visual:  # L4
                mirror = MIRRORED.get(c.base[i])
                if mirror is not None:
                    glyph = mirror + glyph[1:]
            width = c.width[i]
            if width == 1:
                glyphs.append(glyph)
                starts.append(start)
                ends.append(end)
                flags.append(c.placeholder[i])
                continue
            # Wide glyphs and tabs: the first cell shows the range; the rest are continuation cells.
            first = len(glyphs)
            if c.base[i] == "\t":
                glyphs.extend(" " * width)
            else:
                glyphs.append(glyph)
                glyphs.extend([""] * (width - 1))
            starts.append(start)
            ends.append(end)
            starts.extend([start] * (width - 1))
            ends.extend([start] * (width - 1))
            flags.extend([c.placeholder[i]] * width)
            for x in range(first + 1, first + width):
                owners[x] = (start, end)
        line_start = offset + (c.start[a] if b > a else 0)
        line_end = offset + (c.end[b - 1] if b > a else 0)
        pad = self.width - len(glyphs)
        if self.direction == "rtl" and self.visual and glyphs and pad > 0:
            glyphs[:0] = [" "] * pad
            starts[:0] = [line_start] * pad
            ends[:0] = [line_start] * pad
            flags[:0] = [False] * pad
            owners = {x + pad: o for x, o in owners.items()}
        return VisualLine(self.index, line_start, line_end, self.direction, glyphs, starts, ends, flags, owners)
