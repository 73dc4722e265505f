from __future__ import annotations

from annotations.tokens import sentences, tokenize


def test_words_marks_punctuation() -> None:
    text = "شدّد الوزيرُ، اليوم: 26 مارس_2024ـــ لحماس."
    toks = tokenize(text)
    assert [t.text for t in toks] == [
        "شدّد",
        "الوزيرُ",
        "،",
        "اليوم",
        ":",
        "26",
        "مارس",
        "_",
        "2024ـــ",
        "لحماس",
        ".",
    ]
    for t in toks:
        assert text[t.start : t.end] == t.text
    assert toks[0].ws and not toks[1].ws


def test_bidi_controls_are_not_tokens() -> None:
    text = "\u200fمرحبا\u200e world\ufeff"
    assert [t.text for t in tokenize(text)] == ["مرحبا", "world"]


def test_sentences() -> None:
    text = "جملة أولى. جملة ثانية؟ ثالثة\nرابعة"
    toks = tokenize(text)
    groups = [[toks[i].text for i in g] for g in sentences(text, toks)]
    assert groups == [["جملة", "أولى", "."], ["جملة", "ثانية", "؟"], ["ثالثة"], ["رابعة"]]
