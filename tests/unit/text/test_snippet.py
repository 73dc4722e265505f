"""Short pieces of text drawn as the article is: shaped, in visual order, cut with an ellipsis."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.text import snippet
from reader.text.snippet import ELLIPSIS, visual_snippet


def test_a_short_title_is_shaped_and_reversed() -> None:
    assert visual_snippet("سلام عليكم", 40) == "ﻢﻜﻴﻠﻋ ﻡﻼﺳ"
    assert visual_snippet("hello\nworld", 40) == "hello world"


def test_a_cut_keeps_the_beginning_and_marks_where_the_text_goes_on() -> None:
    rtl = visual_snippet("كلمة " * 20, 12)
    assert rtl.startswith(ELLIPSIS) and len(rtl) <= 12
    ltr = visual_snippet("word " * 20, 12)
    assert ltr.endswith(ELLIPSIS) and ltr.startswith("word") and len(ltr) <= 12


def test_a_text_of_megabytes_is_laid_out_by_a_bounded_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first line of a scraped article can be the whole article: its title must not cost a
    # layout of megabytes (it once took seconds and gigabytes).
    seen: list[int] = []
    real = snippet.ParagraphLayout

    def spy(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(snippet, "ParagraphLayout", spy)
    visual_snippet.cache_clear()
    huge = "كلمة " * 500_000
    shown = visual_snippet(huge, 30)
    assert shown.startswith(ELLIPSIS) and "ﺔﻤﻠﻛ" in shown
    assert seen and max(seen) <= 8 * 30 + 64


def test_runs_of_spaces_read_as_one_however_long() -> None:
    assert visual_snippet("abc" + " " * 1000 + "def", 10) == "abc def"
    long_word = "x" * 600 + " y"
    assert visual_snippet(long_word, 10) == "x" * 9 + ELLIPSIS


def old_snippet(text: str, width: int) -> str:
    """visual_snippet as it was, laying out the whole text (frozen_layout: the engine before)."""
    import frozen_layout

    flat = " ".join(text.split())
    if not flat or width < 1:
        return ""
    line = frozen_layout.ParagraphLayout(flat, 0, 0, width).lines[0]
    if line.end >= len(flat) or width < 2:
        return line.text.strip(" ")
    line = frozen_layout.ParagraphLayout(flat, 0, 0, width - 1).lines[0]
    shown = line.text.strip(" ")
    return ELLIPSIS + shown if line.direction == "rtl" else shown + ELLIPSIS


@pytest.mark.parametrize("width", [1, 2, 8, 30, 60])
def test_every_sample_paragraph_is_shown_as_before(width: int) -> None:
    from pathlib import Path

    samples = sorted((Path(__file__).parents[3] / "samples").glob("*.txt"))
    paragraphs = [p for s in samples for p in s.read_text(encoding="utf-8").split("\n") if p.strip()]
    visual_snippet.cache_clear()
    assert [visual_snippet(p, width) for p in paragraphs] == [old_snippet(p, width) for p in paragraphs]


@given(st.text(alphabet="ab «»“”‹›", max_size=12))
def test_quoted_never_uses_a_mark_the_text_holds(shown: str) -> None:
    from reader.text.snippet import QUOTES, quoted

    out = quoted(shown)
    if out != shown:
        assert out[1:-1] == shown  # the text itself, untouched
        assert (out[0], out[-1]) in QUOTES and out[0] not in shown and out[-1] not in shown
    else:  # bare only when every pair of marks would collide
        assert all(left in shown or right in shown for left, right in QUOTES)


def test_a_quotation_span_is_not_quoted_with_its_own_guillemets() -> None:
    from reader.text.snippet import quoted

    assert quoted("هدنة") == "«هدنة»"
    assert quoted("«هدنة إنسانية»") == "“«هدنة إنسانية»”"
    assert "«««" not in quoted("««x»»") and "»»»" not in quoted("««x»»")
