"""Cursor moves and word boundaries on laid-out text (pure, no Textual)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text import DocumentLayout
from reader.text import navigation as nav
from reader.text.words import next_word_start, previous_word_start, snap_to_words, word_at


def test_left_moves_forward_in_rtl_text() -> None:
    layout = DocumentLayout("سلام عليكم", 40)
    assert nav.horizontal(layout, 0, -1) == 1
    assert nav.horizontal(layout, 1, 1) == 0


def test_right_moves_forward_in_ltr_text() -> None:
    layout = DocumentLayout("hello world", 40)
    assert nav.horizontal(layout, 0, 1) == 1


def test_moving_past_the_line_end_goes_to_the_next_line() -> None:
    layout = DocumentLayout("سلام عليكم\nمرحبا", 40)
    end_of_first = layout.text.index("\n") - 1
    # The last letter of the first line is at its left edge; one more left is the next line's start.
    assert nav.horizontal(layout, end_of_first, -1) == layout.text.index("\n") + 1


def test_vertical_keeps_the_column() -> None:
    layout = DocumentLayout("abcdef\nab\nabcdef", 40)
    offset, goal = nav.vertical(layout, 4, 1)
    assert offset == 8 and goal == 4  # the short line's nearest cell
    offset, goal = nav.vertical(layout, offset, 1, goal)
    assert offset == 14


def test_word_moves_are_visual_across_embedded_latin() -> None:
    text = "وصل أنتوني بلينكن (Antony Blinken) إلى القاهرة"
    layout = DocumentLayout(text, 80)
    antony = text.index("Antony")
    assert nav.word_move(layout, antony, 1) == text.index("Blinken")
    assert nav.word_move(layout, text.index("Blinken"), -1) == antony


def test_line_edges() -> None:
    layout = DocumentLayout("one two three four", 9)
    # Lines: "one two " and "three " and "four".
    assert nav.line_edge(layout, 5, end=False) == 0
    assert nav.line_edge(layout, 10, end=False) == 8
    assert nav.line_edge(layout, 10, end=True) == 13


def test_words_and_snapping() -> None:
    text = "قال: «لحماس» الآن"
    assert word_at(text, 7) == (6, 11)
    assert word_at(text, 3) is None
    assert snap_to_words(text, 7, 9) == (6, 11)
    assert snap_to_words(text, 3, 7) == (6, 11)  # punctuation at the edges is dropped
    assert next_word_start(text, 0) == 6
    assert previous_word_start(text, 11) == 6


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ابت ثج abc («»)12\n", max_size=60), st.integers(1, 30), st.sampled_from([-1, 1]))
def test_moves_stay_on_shown_offsets(text: str, width: int, dx: int) -> None:
    layout = DocumentLayout(text, width)
    shown = {o for line in layout.lines() for x in range(line.width) if (o := line.offset_at(x)) is not None}
    starts = {s for s, e in layout.paragraphs if s == e}  # empty lines: the cursor sits at their start
    offset = 0
    for _ in range(len(text) + 2):
        offset = nav.horizontal(layout, offset, dx)
        assert offset in shown or offset in starts or offset == 0
        offset, _ = nav.vertical(layout, offset, dx)
        assert offset in shown or offset in starts or offset == 0
