"""Quotation suggestions: paired marks, multi-line quotes, names/terms in quotes, unbalanced marks."""

from __future__ import annotations

from annotations.suggest.quotes import suggest_quotes


def quotes(text: str) -> list[str]:
    return [text[s.start : s.end] for s in suggest_quotes(text)]


def test_three_quote_styles() -> None:
    text = (
        'وقال الوزير إن "المفاوضات مستمرة حتى الآن". وأكد أن بلاده «لن تقبل بأي تسوية منقوصة»، '
        "مضيفاً أن “الحل السياسي هو الطريق الوحيد”."
    )
    assert quotes(text) == ["المفاوضات مستمرة حتى الآن", "لن تقبل بأي تسوية منقوصة", "الحل السياسي هو الطريق الوحيد"]
    rules = [s.rule for s in suggest_quotes(text)]
    assert rules == ["quote:straight", "quote:guillemets", "quote:curly"]


def test_span_excludes_marks_and_is_pending_suggestion() -> None:
    text = 'قال: " نحن هنا باقون "'
    (s,) = suggest_quotes(text)
    assert text[s.start : s.end] == "نحن هنا باقون"
    assert (s.label, s.origin, s.pending) == ("QUOTE", "suggested", True)


def test_quotation_over_a_line_break() -> None:
    text = 'وقال المتحدث: "لن نتراجع عن مواقفنا،\nولن نقبل بأي تسوية على حساب شعبنا".'
    assert quotes(text) == ["لن نتراجع عن مواقفنا،\nولن نقبل بأي تسوية على حساب شعبنا"]


def test_no_quotation_over_a_blank_line() -> None:
    assert quotes('قال: "بداية الكلام هنا\n\nونهايته هنا" انتهى') == []


def test_name_in_quotes_is_not_a_quotation() -> None:
    assert quotes('التقى رئيس المكتب السياسي لحركة "حماس" وفداً مصرياً.') == []
    assert quotes("إعلام إسرائيلي: “حماس” تحتجز الرهائن") == []


def test_scare_quoted_headline_term_is_not_a_quotation() -> None:
    assert quotes('بلينكن في القاهرة لبحث "هدنة" إنسانية') == []
    assert quotes('أكسيوس: الوسطاء يبحثون "حكم غزة" بعد حماس') == []  # two words, no verb of saying


def test_two_words_after_a_verb_of_saying_are_a_quotation() -> None:
    assert quotes('وقال الوزير إن حصيلة الضحايا "مرتفعة جدا"، مؤكداً...') == ["مرتفعة جدا"]
    assert quotes('She said the plan had "critical objectives" missing.') == ["critical objectives"]


def test_quoted_name_glued_to_a_clitic_is_not_a_quotation() -> None:
    assert quotes('وقالت مصادر لـ"الوكالة الوطنية للإعلام" إن العائلات نزحت.') == []
    assert quotes('أشادت الحركة بـ"الإسناد" القادم من الشمال.') == []


def test_unbalanced_marks_give_no_span() -> None:
    assert quotes('وقال الوزير "إن المفاوضات مستمرة حتى الآن.') == []
    assert quotes("وقال الوزير «إن المفاوضات مستمرة حتى الآن.") == []
    assert quotes("وقال الوزير إن المفاوضات مستمرة» حتى الآن.") == []
    # one stray straight quote makes the whole paragraph's straight quotes unreliable
    assert quotes('قال "نحن باقون هنا دائما" ثم قال "وسنبقى') == []


def test_nested_quotations_give_the_outer_one() -> None:
    text = 'وقال: «إن ما يسمى "خطة السلام الجديدة" لن تمر أبداً»'
    assert quotes(text) == ['إن ما يسمى "خطة السلام الجديدة" لن تمر أبداً']


def test_vowelled_verse_in_guillemets() -> None:
    text = "وألقى بيت المتنبي:\n\n«الخَيْلُ وَاللّيْلُ وَالبَيْداءُ تَعرِفُني ... وَالسّيفُ وَالرّمحُ وَالقِرْطاسُ وَالقَلَمُ»"
    assert quotes(text) == [text[text.index("«") + 1 : -1]]
