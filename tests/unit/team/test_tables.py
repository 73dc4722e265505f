"""Command output: JSON is exact data yet safe to print; tables align and sanitise every cell."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from reader.commands.tables import json_text, table
from reader.text.sanitize import terminal_safe

strings = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["\x1b[2J", "\x1b]0;t\x07", "\u202e", "\x9b", "\x7f", "مرحبا"]
)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | strings,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(strings, inner, max_size=4),
    max_leaves=12,
)


@given(values)
def test_json_text_is_the_data_and_safe_to_print(value: object) -> None:
    text = json_text(value)
    assert json.loads(text) == value
    assert all(ch == "\n" or terminal_safe(ch) == ch for ch in text)


def test_table_aligns_wide_and_hostile_cells() -> None:
    out = table(["name", "n"], [["d\x1b[31m", 1], ["示例", 22]], right=(1,))
    lines = out.splitlines()
    assert "\x1b" not in out
    assert lines[1] == "d␛[31m   1"
    assert lines[2] == "示例    22"  # two wide characters take four cells
