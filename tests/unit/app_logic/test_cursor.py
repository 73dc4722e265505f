"""The cursor and selection model (reader.cursor), without Textual."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader import cursor as cur
from reader.text import DocumentLayout
from reader.text import navigation as nav

TEXT = "قال وزير الدفاع يوآف غالانت اليوم إن الجيش"
RTL_FORWARD = -1  # ← reads forward in right-to-left text


def words(text: str, selection: tuple[int, int] | None) -> str:
    assert selection is not None
    return text[selection[0] : selection[1]]


def test_word_selection_takes_the_word_under_the_cursor_then_one_per_press() -> None:
    layout = DocumentLayout(TEXT, 80)
    state = cur.at(TEXT.index("يوآف"))
    state = cur.word_extended(state, layout, RTL_FORWARD)
    assert words(TEXT, state.selection) == "يوآف"
    state = cur.word_extended(state, layout, RTL_FORWARD)
    assert words(TEXT, state.selection) == "يوآف غالانت"
    state = cur.word_extended(state, layout, -RTL_FORWARD)  # the other way gives one back
    assert words(TEXT, state.selection) == "يوآف"
    state = cur.word_extended(state, layout, -RTL_FORWARD)  # then grows backwards, keeping the first
    assert words(TEXT, state.selection) == "الدفاع يوآف"


def test_word_selection_from_inside_a_word_and_from_a_set_selection() -> None:
    layout = DocumentLayout(TEXT, 80)
    inside = cur.at(TEXT.index("غالانت") + 3)
    assert words(TEXT, cur.word_extended(inside, layout, -RTL_FORWARD).selection) == "غالانت"
    hit = TEXT.index("وزير")
    selected = cur.selected(cur.at(hit), hit, hit + 4)  # set as a whole (a search hit)
    assert words(TEXT, cur.word_extended(selected, layout, RTL_FORWARD).selection) == "وزير الدفاع"
    assert words(TEXT, cur.word_extended(selected, layout, -RTL_FORWARD).selection) == "قال وزير"


def test_word_selection_in_left_to_right_text() -> None:
    text = "one two three"
    layout = DocumentLayout(text, 80)
    state = cur.word_extended(cur.at(0), layout, 1)
    assert words(text, state.selection) == "one"
    assert words(text, cur.word_extended(state, layout, 1).selection) == "one two"


def test_moves_clear_or_extend_and_edges_do_not_snap() -> None:
    layout = DocumentLayout(TEXT, 80)
    start = TEXT.index("الدفاع")
    state = cur.moved(cur.at(start), layout, start + 2, extend=True)
    assert words(TEXT, state.selection) == "الدفاع"  # snapped to the whole word
    assert cur.moved(state, layout, 0, extend=False).selection is None
    trimmed = cur.edge_moved(state, TEXT, "start", 1)
    assert words(TEXT, trimmed.selection) == "لدفاع"
    assert cur.cleared(trimmed).selection is None and cur.cleared(trimmed).cursor == trimmed.cursor


def test_drag_and_click() -> None:
    layout = DocumentLayout(TEXT, 80)
    down = cur.dragged_from(5)
    assert down.selection is None
    assert cur.drag_ended(down) == cur.at(5)  # a click is a cursor
    dragged = cur.moved(down, layout, 12, extend=True)
    assert cur.drag_ended(dragged).selection == dragged.selection


def test_target_is_the_selection_or_the_word() -> None:
    assert cur.at(TEXT.index("وزير") + 1).target(TEXT) == (4, 8)
    assert cur.selected(cur.at(0), 1, 3).target(TEXT) == (1, 3)
    assert cur.at(3).target(TEXT) is None  # a space


def test_word_move_stops_at_the_current_word_start_first() -> None:
    layout = DocumentLayout(TEXT, 80)
    inside = TEXT.index("غالانت") + 3
    assert nav.word_move(layout, inside, 1) == TEXT.index("غالانت")  # → is backwards in RTL
    assert nav.word_move(layout, TEXT.index("غالانت"), 1) == TEXT.index("يوآف")
    assert nav.word_move(layout, inside, -1) == TEXT.index("اليوم")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ابت ثج abc «»12\n", min_size=1, max_size=50),
    st.integers(0, 49),
    st.lists(st.sampled_from(["wl", "wr", "l", "r", "sl", "sr", "clear"]), max_size=12),
)
def test_selection_always_inside_the_text_and_cursor_shown(text: str, start: int, keys: list[str]) -> None:
    layout = DocumentLayout(text, 12)
    state = cur.at(min(start, len(text) - 1))
    for key in keys:
        if key in ("wl", "wr"):
            state = cur.word_extended(state, layout, -1 if key == "wl" else 1)
        elif key == "clear":
            state = cur.cleared(state)
        else:
            offset = nav.horizontal(layout, state.cursor, -1 if key.endswith("l") else 1)
            state = cur.moved(state, layout, offset, extend=key.startswith("s"))
        assert 0 <= state.cursor <= len(text)
        if state.selection is not None:
            s, e = state.selection
            assert 0 <= s < e <= len(text)


SEED_LINE = "شدّد وزير الأمن الإسرائيلي، يوآف غالانت، اليوم الثلاثاء 26 مارس 2024، خلال اجتماعه"


def test_word_selection_crosses_numbers_inside_arabic_text() -> None:
    """ctrl + shift + ← from اليوم: one more word per press, past 26 and 2024 as they read."""
    layout = DocumentLayout(SEED_LINE, 120)
    state = cur.at(SEED_LINE.index("اليوم"))
    grown = []
    for _ in range(6):
        state = cur.word_extended(state, layout, RTL_FORWARD)
        grown.append(words(SEED_LINE, state.selection))
    assert grown == [
        "اليوم",
        "اليوم الثلاثاء",
        "اليوم الثلاثاء 26",
        "اليوم الثلاثاء 26 مارس",
        "اليوم الثلاثاء 26 مارس 2024",
        "اليوم الثلاثاء 26 مارس 2024، خلال",
    ]


ARABIC_WORDS = ["قال", "وزير", "الدفاع", "يوآف", "غالانت", "اليوم"]
OTHER_WORDS = ["26", "2024", "Gallant", "UN", "3.5", "F-16", "١٢"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(ARABIC_WORDS + OTHER_WORDS), min_size=2, max_size=14).map(
        lambda ws: " ".join(["قال", *ws])
    ),
    st.sampled_from([-1, 1]),
    st.integers(0, 200),
    st.sampled_from([200, 24]),
)
def test_word_selection_in_one_direction_never_shrinks(text: str, dx: int, start: int, width: int) -> None:
    """Mixed Arabic, digits and Latin: pressing the same ctrl + shift + arrow again and again grows
    the selection (or leaves it at the end of the text), never gives a word back."""
    layout = DocumentLayout(text, width)
    state = cur.at(start % len(text))
    before: tuple[int, int] | None = None
    for _ in range(len(text.split()) + 2):
        state = cur.word_extended(state, layout, dx)
        if before is not None:
            assert state.selection is not None
            s, e = state.selection
            assert s <= before[0] and e >= before[1], (before, state.selection)
        before = state.selection
