"""Paragraph layout: clusters -> wrapped lines in visual order, with cell <-> offset maps.

Order of work, as UAX #9 requires for wrapped text: levels are resolved on the whole paragraph; the
paragraph is wrapped in logical order; then each line is reordered on its own (L1: trailing
whitespace and separators back to the paragraph level; L2: reverse runs from the highest level down).
L3 (marks on their base) is done by the clusters, L4 (mirroring) here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection
from functools import lru_cache
from itertools import accumulate
from typing import Literal, NamedTuple

from bidi.mirror import MIRRORED

from .bidi_levels import Direction, paragraph_levels
from .chars import BREAK_SPACES
from .clusters import Clusters, build_clusters, without
from .plain import MIRRORED_CHAR, OTHER, SIMPLE, kind_of
from .plain import positions as plain_positions

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
_L1_TRAILING_CHARS = "".join(sorted(_L1_TRAILING))


class Cell(NamedTuple):
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


# How a ParagraphLayout describes a line it has not drawn yet: clusters a..b, their levels after
# rule L1, their visual order (None: logical; REVERSED; or a list) and the alignment padding.
_Plan = tuple["ParagraphLayout", int, int, bytes, "list[int] | None", int]


class VisualLine:
    """One terminal line. Per cell, left to right: the glyph drawn (empty for the right half of a
    wide glyph), and the logical range shown (``cell_start[x] == cell_end[x]`` for continuation and
    padding cells, whose owner is in ``cell_owner``).

    A line from a ParagraphLayout works its cells out when they are first asked for; its text alone
    (all `reader cat` needs) is cheaper, and for most lines a slice of the paragraph's shaped text."""

    __slots__ = (
        "_cell_end",
        "_cell_owner",
        "_cell_start",
        "_glyphs",
        "_offset_to_x",
        "_placeholder",
        "_plan",
        "_text",
        "direction",
        "end",
        "paragraph",
        "start",
    )

    def __init__(
        self,
        paragraph: int,
        start: int,
        end: int,
        direction: LineDirection,
        glyphs: list[str] | None = None,
        cell_start: list[int] | None = None,
        cell_end: list[int] | None = None,
        placeholder: list[bool] | None = None,
        cell_owner: dict[int, tuple[int, int]] | None = None,
        *,
        plan: _Plan | None = None,
    ) -> None:
        self.paragraph = paragraph
        self.start = start  # logical range covered, absolute offsets
        self.end = end
        self.direction: LineDirection = direction
        self._plan = plan
        self._glyphs = glyphs
        self._cell_start = cell_start
        self._cell_end = cell_end
        self._placeholder = placeholder
        self._cell_owner = cell_owner if cell_owner is not None or plan is not None else {}
        self._text: str | None = None
        self._offset_to_x: dict[int, int] | None = None
        if plan is None and (glyphs is None or cell_start is None or cell_end is None or placeholder is None):
            raise ValueError("a line needs its cells or a plan to draw them from")

    def __repr__(self) -> str:
        return f"VisualLine(paragraph={self.paragraph}, start={self.start}, end={self.end}, text={self.text!r})"

    def _draw(self) -> None:
        plan = self._plan
        assert plan is not None
        layout, a, b, levels, order, pad = plan
        self._glyphs, self._cell_start, self._cell_end, self._placeholder, self._cell_owner = layout._cells(
            a, b, levels, order, pad
        )

    @property
    def glyphs(self) -> list[str]:
        if self._glyphs is None:
            self._draw()
            assert self._glyphs is not None
        return self._glyphs

    @property
    def cell_start(self) -> list[int]:
        if self._cell_start is None:
            self._draw()
            assert self._cell_start is not None
        return self._cell_start

    @property
    def cell_end(self) -> list[int]:
        if self._cell_end is None:
            self._draw()
            assert self._cell_end is not None
        return self._cell_end

    @property
    def placeholder(self) -> list[bool]:
        if self._placeholder is None:
            self._draw()
            assert self._placeholder is not None
        return self._placeholder

    @property
    def cell_owner(self) -> dict[int, tuple[int, int]]:
        if self._cell_owner is None:
            self._draw()
            assert self._cell_owner is not None
        return self._cell_owner

    @property
    def text(self) -> str:
        if self._text is None:
            plan = self._plan
            if self._glyphs is None and plan is not None:
                layout, a, b, levels, order, pad = plan
                self._text = layout._text(a, b, levels, order, pad)
            else:
                self._text = "".join(self.glyphs)
        return self._text

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


_TOKEN = re.compile("[^" + "".join(re.escape(ch) for ch in sorted(BREAK_SPACES)) + "]+|.", re.DOTALL)


def wrap(
    bases: str, widths: list[int], uniform: bool, width: int, spaces: Collection[str] | None = None
) -> list[tuple[int, int]]:
    """Greedy wrap in logical order: (first, last+1) cluster indices per line. Breaks after spaces;
    a space that does not fit starts the next line; a word wider than the line is broken between
    clusters. ``bases`` has one character per cluster (what decides whether a line may break after
    it); ``uniform`` says every width is 1; ``spaces``, if known, the kinds of break space in bases."""
    if uniform:
        return _wrap_uniform(bases, width, BREAK_SPACES.intersection(bases) if spaces is None else spaces)
    lines: list[tuple[int, int]] = []
    line_start = col = 0
    acc = [0, *accumulate(widths)]
    for match in _TOKEN.finditer(bases):
        i, j = match.span()
        if j - i > 1 or bases[i] not in BREAK_SPACES:  # a word
            word = acc[j] - acc[i]
            if col + word <= width:
                col += word
                continue
            if col > 0:
                lines.append((line_start, i))
                line_start, col = i, 0
            if word <= width:
                col = word
                continue
        # A space, or a word wider than a whole line: placed cluster by cluster.
        for k in range(i, j):
            w = widths[k]
            if col + w > width and col > 0:
                lines.append((line_start, k))
                line_start, col = k, 0
            col += w
    lines.append((line_start, len(bases)))
    return lines


def _wrap_uniform(bases: str, width: int, kinds: Collection[str]) -> list[tuple[int, int]]:
    """The same greedy wrap when every cluster is one cell: a line starting at p holds p..p+width-1;
    the cluster at p+width is the first that does not fit. If it is a space, or starts a word, the
    line ends just before it; if it is inside a word that starts later than p, the line ends before
    that word; otherwise the word is longer than a line and is cut there."""
    n = len(bases)
    if n <= width:
        return [(0, n)]
    only = next(iter(kinds)) if len(kinds) == 1 else None
    lines: list[tuple[int, int]] = []
    p = 0
    while n - p > width:
        limit = p + width
        if bases[limit] in BREAK_SPACES:
            end = limit
        else:
            if only is not None:
                word_start = bases.rfind(only, p, limit) + 1  # after the last space
            else:
                word_start = max((bases.rfind(ch, p, limit) for ch in kinds), default=-1) + 1
            end = word_start if word_start > p else limit
        lines.append((p, end))
        p = end
    lines.append((p, n))
    return lines


@lru_cache(maxsize=256)
def _at_least(level: int) -> re.Pattern[bytes]:
    """Runs of levels at or above level, in a bytes object of levels."""
    return re.compile(b"[" + re.escape(bytes([level])) + b"-\xff]+")


REVERSED: list[int] = []  # reorder()'s answer when the visual order is the logical order reversed


def reorder(levels: bytes | bytearray) -> list[int] | None:
    """Rule L2: indices in visual order, left to right; None when that is the logical order, and
    REVERSED (compare with ``is``) when it is the logical order backwards.

    A run of levels at or above some level keeps its place as a whole when runs inside it are
    reversed, so the runs are found once on the logical levels, in C, level by level."""
    n = len(levels)
    if not n:
        return None
    first = levels[0]
    if levels.count(first) == n:  # one level: left to right, or the whole line reversed
        return REVERSED if first & 1 else None
    highest = max(levels)
    odd = [lv for lv in set(levels) if lv & 1]
    if not odd:
        # Only even levels: anything above the lowest even level still reverses twice per two levels.
        if highest < 2:
            return None
        lowest = 1
    else:
        lowest = min(odd)
    order = list(range(n))
    for level in range(highest, lowest - 1, -1):
        for match in _at_least(level).finditer(levels):
            i, j = match.span()
            order[i:j] = order[i:j][::-1]
    return order


_NO_CLUSTERS = Clusters([], [], "", [], "", [], True, None, [])


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
        unligated: Collection[int] = (),
    ) -> None:
        """``visual=False`` keeps logical order, unshaped and unaligned, for a terminal that does
        bidi itself (``--terminal-bidi``); the maps then describe what is sent, not what is seen.
        ``unligated``: absolute offsets of boundaries that must stay visible, so a lam and an alef
        on either side of one are drawn in two cells (see clusters.build_clusters)."""
        if width < 1:
            raise ValueError("width must be at least 1")
        self.text = text
        self.offset = offset
        self.index = index
        self.width = width
        self.visual = visual
        self._line_starts: list[int] | None = None
        self._mirrored: list[int] | None = None  # clusters with a mirrored glyph (rule L4)
        self.direction: LineDirection
        if not text:  # an empty line: half the paragraphs of a typical article
            self.base_level = 1 if direction == "rtl" else 0
            self.direction = "rtl" if direction == "rtl" else "ltr"
            self.clusters = _NO_CLUSTERS
            self.levels = b""
            self._separators = False
            self.lines = [VisualLine(index, offset, offset, self.direction, plan=(self, 0, 0, b"", None, 0))]
            return
        kind = kind_of(text)
        plain = kind != OTHER
        chars = None if plain else set(text)
        levels, base = paragraph_levels(text, direction, chars, plain=plain)
        self.base_level = base
        self.direction = "rtl" if base & 1 else "ltr"
        relative = [o - offset for o in unligated if offset < o < offset + len(text)] if unligated else ()
        c = self.clusters = build_clusters(
            text,
            show_marks=show_marks,
            shaped=visual,
            unligated=relative,
            chars=chars,
            plain=plain,
            simple=kind == SIMPLE,
        )
        if not c.uniform:
            for k, w in enumerate(c.width):
                if w > width:  # a tab or wide glyph wider than the whole line
                    if c.base[k] == "\t":
                        c.width[k], c.glyph[k] = width, " " * width
                    else:
                        c.width[k], c.glyph[k], c.placeholder[k] = 1, "\u2026", True
            c.uniform = all(w == 1 for w in c.width)
        self.levels = without(levels, c.dropped) if c.dropped else levels  # one level per cluster
        self._separators = chars is not None and not _L1_SEPARATORS.isdisjoint(chars)
        if visual and kind != SIMPLE:
            self._mirrored = plain_positions(MIRRORED_CHAR, c.base)
        spaces = (" ",) if chars is None else BREAK_SPACES.intersection(chars)
        self.lines = [self._line(a, b) for a, b in wrap(c.base, c.width, c.uniform, width, spaces)]

    @property
    def line_starts(self) -> list[int]:
        """The logical start of each line (for bisecting an offset to its line)."""
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [line.start for line in self.lines]
        return starts

    def _line(self, a: int, b: int) -> VisualLine:
        """Line a..b, planned: levels after L1 and the visual order (L2); drawn when asked."""
        c = self.clusters
        base = self.base_level
        levels = self.levels[a:b]
        bases = c.base[a:b]
        # L1: separators, and the whitespace before them or at the end of the line.
        if self._separators:
            adjusted = bytearray(levels)
            trailing = True
            for k in range(len(bases) - 1, -1, -1):
                ch = bases[k]
                if ch in _L1_SEPARATORS:
                    adjusted[k] = base
                    trailing = True
                elif trailing and ch in _L1_TRAILING:
                    adjusted[k] = base
                else:
                    trailing = False
            levels = bytes(adjusted)
        else:
            trail = len(bases) - len(bases.rstrip(_L1_TRAILING_CHARS))
            if trail:
                levels = levels[: len(bases) - trail] + bytes((base,)) * trail
        order: list[int] | None
        if not self.visual or not levels:
            order = None
        elif levels.count(levels[0]) == len(levels):  # one level (inlined from reorder: most lines)
            order = REVERSED if levels[0] & 1 else None
        else:
            order = reorder(levels)
        offset = self.offset
        if b > a:
            line_start, line_end = offset + c.start[a], offset + c.end[b - 1]
            cells = b - a if c.uniform else sum(c.width[a:b])
            pad = self.width - cells if self.direction == "rtl" and self.visual else 0
        else:
            line_start = line_end = offset
            pad = 0
        return VisualLine(
            self.index, line_start, line_end, self.direction, plan=(self, a, b, levels, order, max(0, pad))
        )

    def _glyphs(self, a: int, b: int, levels: bytes) -> list[str]:
        """The glyphs of clusters a..b in logical order, mirrored where rule L4 says."""
        glyphs = self.clusters.glyph[a:b]
        mirrored = self._mirrored
        if mirrored:
            base = self.clusters.base
            for i in mirrored[bisect_left(mirrored, a) : bisect_left(mirrored, b)]:
                if levels[i - a] & 1:
                    glyphs[i - a] = MIRRORED[base[i]] + glyphs[i - a][1:]
        return glyphs

    def _text(self, a: int, b: int, levels: bytes, order: list[int] | None, pad: int) -> str:
        """What line a..b shows, without working out its cells."""
        c = self.clusters
        if not c.uniform:  # a tab is drawn as spaces (its marks dropped), a wide glyph takes two cells
            return "".join(self._cells(a, b, levels, order, pad)[0])
        mirrored = self._mirrored
        if c.text is not None and not (mirrored and bisect_left(mirrored, a) < bisect_left(mirrored, b)):
            shown = c.text[a:b]  # one character per cluster, and nothing to mirror
            if order is REVERSED:
                shown = shown[::-1]
            elif order is not None:
                shown = "".join(map(shown.__getitem__, order))
        else:
            glyphs = self._glyphs(a, b, levels)
            if order is REVERSED:
                glyphs.reverse()
            elif order is not None:
                glyphs = list(map(glyphs.__getitem__, order))
            shown = "".join(glyphs)
        return " " * pad + shown if pad else shown

    def _cells(
        self, a: int, b: int, levels: bytes, order: list[int] | None, pad: int
    ) -> tuple[list[str], list[int], list[int], list[bool], dict[int, tuple[int, int]]]:
        """The cells of line a..b: glyphs, logical ranges, placeholder flags and owners."""
        c = self.clusters
        glyphs = self._glyphs(a, b, levels)
        offset = self.offset
        if c.dropped:
            starts = [s + offset for s in c.start[a:b]]
            ends = [e + offset for e in c.end[a:b]]
        else:  # one cluster per character
            starts = list(range(offset + a, offset + b))
            ends = list(range(offset + a + 1, offset + b + 1))
        flags = c.placeholder[a:b]
        owners: dict[int, tuple[int, int]] = {}
        if order is REVERSED:
            glyphs.reverse()
            starts.reverse()
            ends.reverse()
            flags.reverse()
            if not c.uniform:
                order = list(range(b - a - 1, -1, -1))
        elif order is not None:
            glyphs = list(map(glyphs.__getitem__, order))
            starts = list(map(starts.__getitem__, order))
            ends = list(map(ends.__getitem__, order))
            flags = list(map(flags.__getitem__, order))
        if not c.uniform and any(w != 1 for w in c.width[a:b]):
            glyphs, starts, ends, flags, owners = self._wide_cells(a, b, order, glyphs, starts, ends, flags)
        if pad:
            line_start = self.offset + c.start[a]
            glyphs[:0] = [" "] * pad
            starts[:0] = [line_start] * pad
            ends[:0] = [line_start] * pad
            flags[:0] = [False] * pad
            if owners:
                owners = {x + pad: o for x, o in owners.items()}
        return glyphs, starts, ends, flags, owners

    def _wide_cells(
        self,
        a: int,
        b: int,
        order: list[int] | None,
        glyphs: list[str],
        starts: list[int],
        ends: list[int],
        flags: list[bool],
    ) -> tuple[list[str], list[int], list[int], list[bool], dict[int, tuple[int, int]]]:
        """Cells of a line with wide glyphs or tabs: the first cell shows the range; the rest are
        continuation cells that show nothing and name their owner."""
        c = self.clusters
        out_glyphs: list[str] = []
        out_starts: list[int] = []
        out_ends: list[int] = []
        out_flags: list[bool] = []
        owners: dict[int, tuple[int, int]] = {}
        for x, k in enumerate(range(b - a) if order is None else order):
            i = a + k
            width = c.width[i]
            start, end = starts[x], ends[x]
            if width == 1:
                out_glyphs.append(glyphs[x])
                out_starts.append(start)
                out_ends.append(end)
                out_flags.append(flags[x])
                continue
            first = len(out_glyphs)
            if c.base[i] == "\t":
                out_glyphs.extend(" " * width)
            else:
                out_glyphs.append(glyphs[x])
                out_glyphs.extend([""] * (width - 1))
            out_starts.append(start)
            out_ends.append(end)
            out_starts.extend([start] * (width - 1))
            out_ends.extend([start] * (width - 1))
            out_flags.extend([flags[x]] * width)
            for cx in range(first + 1, first + width):
                owners[cx] = (start, end)
        return out_glyphs, out_starts, out_ends, out_flags, owners
