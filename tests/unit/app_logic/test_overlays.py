"""Overlays on the article's lines: found by position, and drawn in runs of cells that look alike.

Both are checked against their plain definitions: a scan of every range, and one mask per cell.
"""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.overlays import LONG_RANGE, RangeIndex, cell_runs, changed_ranges
from reader.text import DocumentLayout

ranges_st = st.lists(
    st.tuples(st.integers(0, 3 * LONG_RANGE), st.integers(0, 2 * LONG_RANGE + 10)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=40,
)


@given(ranges_st, st.integers(0, 4 * LONG_RANGE), st.integers(0, 200))
def test_range_index_finds_what_a_scan_finds(ranges: list[tuple[int, int]], start: int, length: int) -> None:
    end = start + length
    expected = [i for i, (s, e) in enumerate(ranges) if s < end and e > start]
    assert RangeIndex(ranges).overlapping(start, end) == expected


def test_range_index_edges() -> None:
    index = RangeIndex([(0, 5), (5, 9), (3, 3), (0, 100_000)])
    assert index.overlapping(5, 6) == [1, 3]  # touching ranges do not overlap
    assert index.overlapping(2, 4) == [0, 2, 3]  # an empty range inside the range asked about does
    assert index.overlapping(99_999, 100_001) == [3]
    assert RangeIndex([]).overlapping(0, 10) == []


def masks_by_cell(
    starts: list[int],
    ends: list[int],
    owners: dict[int, tuple[int, int]],
    placeholder: list[bool],
    overlays: list[tuple[int, int]],
) -> list[int]:
    """The definition: each cell on its own."""
    masks = []
    for x in range(len(starts)):
        s, e = starts[x], ends[x]
        if e == s and x in owners:
            s, e = owners[x]
        mask = 0
        if e > s:
            mask = int(placeholder[x])
            for i, (a, b) in enumerate(overlays):
                if a < e and b > s:
                    mask |= 1 << (i + 1)
        masks.append(mask)
    return masks


def check_runs(
    glyphs: list[str],
    starts: list[int],
    ends: list[int],
    owners: dict[int, tuple[int, int]],
    placeholder: list[bool],
    overlays: list[tuple[int, int]],
) -> None:
    runs = cell_runs(glyphs, starts, ends, owners, placeholder, overlays)
    expected = masks_by_cell(starts, ends, owners, placeholder, overlays)
    drawn = runs
    assert "".join(text for text, _ in drawn) == "".join(glyphs)
    assert all(text for text, _ in drawn)
    assert all(a[1] != b[1] for a, b in pairwise(drawn))  # as few runs as can be
    cells = iter(zip(glyphs, expected, strict=True))
    for text, mask in drawn:
        taken = ""
        while len(taken) < len(text):
            glyph, cell_mask = next(cells)
            if glyph:  # an empty right half takes the look of whatever run it falls in
                assert cell_mask == mask
            taken += glyph
        assert taken == text


@settings(max_examples=300)
@given(st.data())
def test_cell_runs_match_each_cell_on_the_laid_out_samples(data: st.DataObject) -> None:
    text = data.draw(
        st.text(alphabet="قال محمد إن حماس وافقت لإسرائيل abc 漢字\u200c\u064e\t\u202e\x07", max_size=60), label="text"
    )
    width = data.draw(st.integers(4, 30), label="width")
    show_marks = data.draw(st.booleans(), label="show_marks")  # controls drawn as placeholders
    layout = DocumentLayout(text + "\n", width, show_marks=show_marks)
    n = len(text) + 1
    overlays = data.draw(
        st.lists(st.tuples(st.integers(0, n), st.integers(0, 8)).map(lambda t: (t[0], t[0] + t[1])), max_size=6),
        label="overlays",
    )
    for index in range(layout.exact_line_count()):
        line = layout.line(index)
        assert line is not None
        check_runs(line.glyphs, line.cell_start, line.cell_end, line.cell_owner, line.placeholder, overlays)


def test_cell_runs_plain_line_is_one_run() -> None:
    assert cell_runs(["a", "b", " "], [0, 1, 2], [1, 2, 3], {}, [False] * 3, []) == [("ab ", 0)]
    assert cell_runs([], [], [], {}, [], [(0, 1)]) == []


def test_cell_runs_padding_and_wide_glyphs() -> None:
    # padding (no logical range) is never covered; the right half of a wide glyph follows its owner
    glyphs = [" ", " ", "漢", "", "x"]
    starts, ends = [0, 0, 0, 1, 1], [0, 0, 1, 1, 2]
    owners = {3: (0, 1)}
    assert cell_runs(glyphs, starts, ends, owners, [False] * 5, [(0, 2)]) == [("  ", 0), ("漢x", 2)]
    assert cell_runs(glyphs, starts, ends, owners, [False, False, False, False, True], [(0, 1)]) == [
        ("  ", 0),
        ("漢", 2),
        ("x", 1),
    ]


range_or_none = st.none() | st.tuples(st.integers(0, 50), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1]))


@given(range_or_none, range_or_none)
def test_changed_ranges_cover_every_offset_that_changed(
    old: tuple[int, int] | None, new: tuple[int, int] | None
) -> None:
    def inside(r: tuple[int, int] | None, p: int) -> bool:
        return r is not None and r[0] <= p < r[1]

    ranges = changed_ranges(old, new)
    for p in range(80):
        if inside(old, p) != inside(new, p):
            assert any(lo <= p < hi for lo, hi in ranges), p
    if old is not None and new is not None and old[0] == new[0]:  # grown or shrunk at the end only
        assert all(lo >= min(old[1], new[1]) for lo, _ in ranges)
