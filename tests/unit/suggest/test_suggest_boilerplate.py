"""Boilerplate suggestions: read-also blocks, sources, related lists, share lines, repeated lines."""

from __future__ import annotations

import pytest

from annotations.suggest.boilerplate import mine_repeated_lines, normalise_line, suggest_boilerplate

BODY = "قال الوزير إن المفاوضات مستمرة، وإن الوفد سيعود الأسبوع المقبل إلى القاهرة."


def spans(text: str, repeated: set[str] | None = None) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.rule or "") for s in suggest_boilerplate(text, repeated)]


@pytest.mark.parametrize(
    "heading",
    ["إقرأ أيضاً:", "اقرأ أيضا", "اقرأ ايضاً", "إقرأ أيضًا:", "اقرأ أيضاً :", "إقرأ المزيد:", "اقرأ ايضا", "Read more:"],
)
def test_read_also_heading_variants(heading: str) -> None:
    text = f"{BODY}\n\n{heading}\n\n  • عنوان أول للخبر\n  • عنوان ثان للخبر\n\n{BODY}"
    got = spans(text)
    assert got == [
        (heading, "boilerplate:read-also"),
        ("• عنوان أول للخبر", "boilerplate:list-item"),
        ("• عنوان ثان للخبر", "boilerplate:list-item"),
    ]


def test_unbulleted_item_then_real_paragraph_ends_the_list() -> None:
    text = f"إقرأ أيضاً:\n\nعنوان خبر قصير بلا نقطة في آخره\n\n{BODY}\n\nسطر قصير بعد الفقرة"
    assert spans(text) == [
        ("إقرأ أيضاً:", "boilerplate:read-also"),
        ("عنوان خبر قصير بلا نقطة في آخره", "boilerplate:list-item"),
    ]


def test_heading_with_inline_title_is_one_line() -> None:
    text = f"اقرأ أيضاً: الجيش يعلن حصيلة جديدة\n{BODY}"
    assert spans(text) == [("اقرأ أيضاً: الجيش يعلن حصيلة جديدة", "boilerplate:read-also")]


def test_read_also_inside_a_sentence_is_not_boilerplate() -> None:
    assert spans("وطلب منه أن يقرأ أيضا التقرير كاملاً.") == []


@pytest.mark.parametrize("line", ["المصدر: وكالة سوا", "المصدر : وكالة سوا الإخبارية", "Source: Reuters"])
def test_source_lines(line: str) -> None:
    assert spans(f"{BODY}\n\n{line}") == [(line, "boilerplate:source")]


def test_source_word_in_a_sentence_is_not_a_source_line() -> None:
    assert spans("وقال المصدر إن الاجتماع انتهى دون اتفاق.") == []


@pytest.mark.parametrize("heading", ["مقالات مشابهة", "مواضيع ذات صلة", "أخبار ذات صلة", "مقالات ذات صلة:"])
def test_related_lists(heading: str) -> None:
    text = f"{BODY}\n\n{heading}\n\n  • أول\n  • ثان طويل بعض الشيء. وفيه نقطة.\n{BODY}"
    got = spans(text)
    assert got[0] == (heading, "boilerplate:related")
    # a bulleted line is an item whatever it looks like; the real paragraph ends the list
    assert [g[0] for g in got[1:]] == ["• أول", "• ثان طويل بعض الشيء. وفيه نقطة."]


@pytest.mark.parametrize(
    "line", ["شارك هذا المقال", "تابعونا على تلغرام وفيسبوك", "تابعوا آخر الأخبار عبر قناتنا", "Share this article"]
)
def test_share_and_follow_lines(line: str) -> None:
    assert spans(f"{BODY}\n{line}") == [(line, "boilerplate:share")]


def test_copyright_line() -> None:
    assert spans(f"{BODY}\nجميع الحقوق محفوظة © 2024") == [("جميع الحقوق محفوظة © 2024", "boilerplate:copyright")]


def test_span_is_the_trimmed_line_without_newline() -> None:
    text = "نص.\n   المصدر: وكالة سوا   \nنص آخر."
    (s,) = suggest_boilerplate(text)
    assert text[s.start : s.end] == "المصدر: وكالة سوا"
    assert s.origin == "suggested" and s.pending and s.label == "BOILERPLATE"


def test_mine_repeated_lines_counts_documents_not_lines() -> None:
    footer = "لمزيد من الأخبار زوروا موقعنا"
    docs = [f"خبر {i}.\n{footer}\n{footer}" for i in range(3)] + ["خبر آخر.\nسطر فريد"]
    assert mine_repeated_lines(docs, 3) == {normalise_line(footer)}
    assert mine_repeated_lines(docs, 4) == set()
    repeated = mine_repeated_lines(docs, 3)
    text = "خبر جديد.\nلِمزيد من الأخبار   زوروا موقعنا"  # harakat and spacing differ
    assert spans(text, repeated) == [("لِمزيد من الأخبار   زوروا موقعنا", "boilerplate:repeated")]
