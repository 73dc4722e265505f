"""Layout behaviour an annotator would check by eye: wrapping, per-line reordering, mirroring,
alignment, and what happens to controls."""

from __future__ import annotations

import itertools

from reader.text import DocumentLayout, ParagraphLayout


def texts(paragraph: str, width: int, **kw: object) -> list[str]:
    return [line.text for line in ParagraphLayout(paragraph, 0, 0, width, **kw).lines]  # type: ignore[arg-type]


def test_paragraphs_are_the_lines_of_the_file() -> None:
    assert DocumentLayout("a\nb\r\n\nc", 10).paragraphs == [(0, 1), (2, 3), (5, 5), (6, 7)]
    assert DocumentLayout("", 10).paragraphs == [(0, 0)]


def test_wrapped_latin_inside_an_rtl_paragraph_stays_in_an_rtl_line() -> None:
    # Laid out line by line, "Hello " alone would be a left-to-right line; the paragraph is RTL.
    layout = ParagraphLayout("مرحبا Hello World", 0, 0, 6)
    assert [line.direction for line in layout.lines] == ["rtl", "rtl", "rtl"]
    assert layout.lines[1].text == " Hello"  # right-aligned; its trailing space goes to the line end (left)
    assert layout.lines[2].text == " World"


def test_levels_come_from_the_whole_paragraph_not_the_line() -> None:
    # "123 456" between Arabic words: with the whole paragraph the numbers are read in an RTL context.
    whole = ParagraphLayout("في عام 2024 و2025 قال", 0, 0, 80).lines[0].text
    assert whole.strip().startswith("ﻝﺎﻗ 2025ﻭ 2024")


def test_numbers_keep_their_digit_order_in_rtl_text() -> None:
    line = ParagraphLayout("العدد 1234 هنا", 0, 0, 80).lines[0]
    assert "1234" in line.text


def test_brackets_are_mirrored_in_rtl_runs_only() -> None:
    rtl = ParagraphLayout("قال (وزير) [أمس] «نعم»", 0, 0, 80).lines[0].text
    # Reversed without mirroring this would read "»ﻢﻌﻧ« ]ﺲﻣﺃ[ )ﺮﻳﺯﻭ(": brackets facing away from their words.
    assert rtl.strip() == "«ﻢﻌﻧ» [ﺲﻣﺃ] (ﺮﻳﺯﻭ) ﻝﺎﻗ"
    assert ParagraphLayout("see (this) «that»", 0, 0, 80).lines[0].text == "see (this) «that»"


def test_rtl_lines_are_right_aligned_and_ltr_lines_are_not() -> None:
    rtl = ParagraphLayout("سلام", 0, 0, 10).lines[0]
    assert rtl.text == "       ﻡﻼﺳ" and rtl.width == 10  # lam-alef: four letters, three cells
    assert rtl.offset_at(0) is None  # padding shows nothing
    ltr = ParagraphLayout("hi", 0, 0, 10).lines[0]
    assert ltr.text == "hi"


def test_forced_direction() -> None:
    assert ParagraphLayout("abc", 0, 0, 5, direction="rtl").lines[0].text == "  abc"
    assert ParagraphLayout("سلام abc", 0, 0, 20, direction="ltr").lines[0].text == "ﻡﻼﺳ abc"


def test_controls_never_reach_the_terminal() -> None:
    text = "x\x1b[31mred\x07\x9b2J\u202eevil\u202c\u200fy"
    line = ParagraphLayout(text, 0, 0, 80, direction="ltr").lines[0]
    drawn = line.text
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\u202c", "\u200f"):
        assert bad not in drawn
    assert "\u241b" in drawn  # ␛ control picture for ESC
    assert "\u22b2" in drawn  # RLO placeholder
    # Placeholders keep their offsets.
    assert line.x_of(text.index("\x1b")) is not None
    assert line.placeholder[line.x_of(text.index("\u202e")) or 0]


def test_rlo_content_is_shown_reversed_with_its_placeholder() -> None:
    line = ParagraphLayout("a\u202eabc\u202cz", 0, 0, 80, direction="ltr").lines[0]
    # The override reverses "abc"; both invisible controls are visible. Where X9-removed characters
    # sit is the bidi library's choice (UAX #9 leaves it open): here the PDF joins the reversed run.
    assert line.text == "a\u22b2\u2e24cbaz"


def test_tab_is_expanded_and_owned_by_the_tab() -> None:
    line = ParagraphLayout("a\tb", 0, 0, 80).lines[0]
    assert line.text == "a    b"
    assert [line.offset_at(x) for x in range(6)] == [0, 1, 1, 1, 1, 2]
    assert list(line.offsets_at(2)) == []  # a continuation cell shows nothing of its own


def test_wide_characters_take_two_cells() -> None:
    line = ParagraphLayout("中a", 0, 0, 80).lines[0]
    assert line.glyphs == ["中", "", "a"]
    assert line.offset_at(1) == 0


def test_long_word_is_broken_and_spaces_break_lines() -> None:
    assert texts("abcdefgh ij", 4) == ["abcd", "efgh", " ij"]


def test_lazy_layout_touches_only_what_is_asked() -> None:
    text = "\n".join(f"سطر رقم {i} من النص" for i in range(5000))
    layout = DocumentLayout(text, 40)
    assert layout.line(0) is not None
    assert len(layout._cache) == 1
    assert layout.settled_line_count is None


def test_line_count_estimates_settle_to_the_truth() -> None:
    text = "\n".join("كلمة " * (i % 30) for i in range(300))
    lazy = DocumentLayout(text, 33)
    seen = 0
    y = 0
    while lazy.line(y) is not None:
        seen += 1
        y += 1
    every = list(DocumentLayout(text, 33).lines())
    assert seen == lazy.settled_line_count == lazy.estimated_line_count == len(every)
    assert lazy.exact_line_count() == seen


def test_an_estimate_is_named_so_and_settles() -> None:
    # Found by hypothesis: a tab is clamped to the line, so "ا\t" takes two lines at width 3 while
    # its length says one. Looping over range(estimated_line_count) would miss a line.
    layout = DocumentLayout("ا\t\n", 3)
    assert layout.settled_line_count is None
    assert layout.estimated_line_count == 2
    shown = [line.text for line in layout.lines()]
    assert shown == ["  ﺍ", "   ", ""]
    assert layout.settled_line_count == layout.estimated_line_count == 3
    assert layout.exact_line_count() == 3


def test_settled_lines_and_the_status_label() -> None:
    text = "\n".join("كلمة " * 40 for _ in range(3000))
    layout = DocumentLayout(text, 50)
    assert layout.settled_lines == 0
    layout.line(0)
    assert layout.settled_lines == len(layout._block(0).lines)
    assert layout.describe_line(0) == "line 1/~" + str(layout.estimated_line_count)
    far = layout.position_of(len(text) - 5)[0]
    assert layout.describe_line(far).startswith("line ~")
    total = layout.exact_line_count()
    far = layout.position_of(len(text) - 5)[0]  # the index of that line has settled too
    assert far == total - 1
    assert layout.describe_line(far) == f"line {total}/{total}"


def test_a_huge_paragraph_is_cut_into_blocks_at_sentence_ends() -> None:
    from reader.text.document import PARAGRAPH_LIMIT, next_cut

    sentence = "قال الرئيس إن المفاوضات مستمرة. "
    text = sentence * (3 * PARAGRAPH_LIMIT // len(sentence))
    cut = next_cut(text, 0, len(text))
    assert PARAGRAPH_LIMIT // 2 <= cut <= PARAGRAPH_LIMIT and text[cut - 2 : cut] == ". "
    layout = DocumentLayout(text, 60)
    lines = list(layout.lines())
    assert {line.paragraph for line in lines} == {0}
    assert all(line.direction == "rtl" for line in lines)
    # Blocks meet exactly; every character is shown once.
    assert [(a.end == b.start) for a, b in itertools.pairwise(lines)] == [True] * (len(lines) - 1)
    assert lines[0].start == 0 and lines[-1].end == len(text)


def test_a_block_never_splits_a_cluster() -> None:
    from reader.text.document import next_cut

    # No space at all: the cut moves back off marks and from between lam and alef.
    text = ("لَا" * 2000) + "بّ" * 3000
    cut = next_cut(text, 0, len(text), 101)
    assert text[cut] not in "\u064e\u0651" and not (text[cut] == "ا" and text[cut - 1] in "ل\u064e")
