"""Interface strings (help, label descriptions, names) go through the layout engine: Arabic shaped,
each wrapped line in visual order on a left-to-right base."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.text.snippet import interface_line, interface_lines, visual_snippet

DESCRIPTION = "A named person, including titles that are part of the name (الشيخ، الرئيس when used as a name)."


def test_an_arabic_phrase_inside_english_is_shaped_and_reversed_in_place() -> None:
    (line,) = interface_lines(DESCRIPTION, 200)
    assert line.startswith("A named person") and line.endswith("when used as a name).")
    assert visual_snippet("الشيخ، الرئيس", 40) in line


def test_wrapping_orders_each_line_on_its_own() -> None:
    lines = interface_lines(DESCRIPTION, 50)
    assert len(lines) == 2 and all(len(line) <= 50 for line in lines)
    assert visual_snippet("الشيخ، الرئيس", 40) in lines[1]


def test_an_arabic_name_is_shaped() -> None:
    assert interface_line("سارة") == visual_snippet("سارة", 20) != "سارة"
    assert interface_line("omar") == "omar"


@given(st.text(alphabet="abc ()،الشيخرئيس", max_size=60), st.integers(5, 40))
def test_latin_letters_keep_their_order(text: str, width: int) -> None:
    """On a left-to-right base Latin letters never move; only the Arabic runs are reordered."""
    shown = "".join(interface_lines(text, width))
    assert [ch for ch in shown if ch in "abc"] == [ch for ch in text if ch in "abc"]
