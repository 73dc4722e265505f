"""What is drawn over the article's text (spans, search hits, the selection, the cursor): found by
position without a scan of them all, and turned into runs of adjacent cells that look the same.

Pure: no Textual or Rich here. The article view (reader/widgets/article.py) gives each overlay its
style and draws one segment per run, not one per cell.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence

# Ranges longer than this are kept apart and always checked; the others are found by bisection on
# their start, within this distance before the range asked about.
LONG_RANGE = 4096


class RangeIndex:
    """Half-open ranges ``[start, end)``, each known by its position in the sequence given, found by
    overlap with another range in O(log n + k) (k: ranges starting within LONG_RANGE before it)
    instead of a scan of all of them: a 10 MB article may carry a hundred thousand suggestions or
    search hits, and every line drawn asks which of them it shows.

    Overlap is the article's test everywhere: ``start < end_asked and end > start_asked`` (so an
    empty range strictly inside the range asked about overlaps it)."""

    __slots__ = ("_ends", "_ids", "_long", "_starts")

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        short = sorted((s, i) for i, (s, e) in enumerate(ranges) if e - s <= LONG_RANGE)
        self._starts = [s for s, _ in short]
        self._ids = [i for _, i in short]
        self._ends = [ranges[i][1] for i in self._ids]
        self._long = [(s, e, i) for i, (s, e) in enumerate(ranges) if e - s > LONG_RANGE]

    def overlapping(self, start: int, end: int) -> list[int]:
        """The positions of the ranges overlapping ``[start, end)``, in the order given."""
        # A short range that ends after `start` starts after `start - LONG_RANGE`.
        lo = bisect_right(self._starts, start - LONG_RANGE)
        hi = bisect_left(self._starts, end)
        ends, ids = self._ends, self._ids
        found = [ids[k] for k in range(lo, hi) if ends[k] > start]
        found += [i for s, e, i in self._long if s < end and e > start]
        found.sort()
        return found


def cell_runs(
    glyphs: Sequence[str],
    cell_start: Sequence[int],
    cell_end: Sequence[int],
    cell_owner: Mapping[int, tuple[int, int]],
    placeholder: Sequence[bool],
    overlays: Sequence[tuple[int, int]],
) -> list[tuple[str, int]]:
    """The cells of a line, left to right, grouped into runs of adjacent cells that the same
    overlays cover: ``(text of the run, mask)``. Bit 0 of the mask is set on a placeholder cell,
    bit ``i + 1`` where ``overlays[i]`` overlaps the logical range the cell shows (a continuation
    cell answers for its glyph, through ``cell_owner``). Padding cells show nothing and have mask 0
    (as do all other cells of a line with no overlay and no placeholder: one run)."""
    if not glyphs:
        return []
    if not overlays and not any(placeholder):
        return [("".join(glyphs), 0)]
    bits = [(a, b, 1 << (i + 1)) for i, (a, b) in enumerate(overlays)]
    runs: list[tuple[str, int]] = []
    run: list[str] = []
    run_mask = -1
    for x, glyph in enumerate(glyphs):
        if not glyph and run:
            continue  # the right half of a wide glyph is drawn with its left half
        start, end = cell_start[x], cell_end[x]
        if end == start:
            owner = cell_owner.get(x)
            if owner is not None:
                start, end = owner
        mask = 0
        if end > start:
            if placeholder[x]:
                mask = 1
            for a, b, bit in bits:
                if a < end and b > start:
                    mask |= bit
        if mask != run_mask:
            if run:
                runs.append(("".join(run), run_mask))
            run = []
            run_mask = mask
        run.append(glyph)
    runs.append(("".join(run), run_mask))
    return [r for r in runs if r[0]]  # (a line that starts with an empty cell)


def changed_ranges(old: tuple[int, int] | None, new: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Ranges that cover every offset in one of ``old`` and ``new`` but not the other (and perhaps
    a little more): what must be drawn again when a selection changes from ``old`` to ``new``.
    Extending a long selection by a word redraws the line where it grew, not all it covers."""
    if old is None or new is None:
        return [r for r in (old, new) if r is not None]
    (a0, b0), (a1, b1) = old, new
    return [(lo, hi) for lo, hi in ((min(a0, a1), max(a0, a1)), (min(b0, b1), max(b0, b1))) if hi > lo]
