from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.tokens import rebuild, sentences, tokenize, tokenize_for

# what real articles hold between words: CRLF, tabs, double spaces, RLM/LRM, NBSP, U+2028
ALPHABET = [
    *"ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأؤإئةى،.؟0123456789َُِّ«»-_#",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\u200f",
    "\u200e",
    "\xa0",
    "\u2028",
    "a",
    "Z",
    "😀",
]


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


def test_whitespace_runs_are_tokens_and_rebuild_the_text() -> None:
    # issue 9 item 1: newlines, CRLF, double spaces, tabs and RLM were dropped, so spans shifted
    text = "قال  محمد\r\nإن\u200f لحماس\t(حق) .  "
    toks = tokenize(text)
    assert [(t.text, t.ws) for t in toks] == [
        ("قال", True),
        (" ", False),
        ("محمد", False),
        ("\r\n", False),
        ("إن", False),
        ("\u200f ", False),
        ("لحماس", False),
        ("\t", False),
        ("(", False),
        ("حق", False),
        (")", True),
        (".", True),
        (" ", False),
    ]
    assert rebuild(toks) == text
    assert [t.is_space for t in toks].count(True) == 5


def test_span_boundaries_split_tokens() -> None:
    # issue 9 item 2: حماس inside لحماس, مصر inside ومصر
    text = "دعم لحماس ومصر"
    toks = tokenize_for(text, [(5, 9), (11, 14)])
    assert [t.text for t in toks] == ["دعم", "ل", "حماس", "و", "مصر"]
    assert not toks[1].ws and toks[2].ws
    assert rebuild(toks) == text


def test_a_span_on_the_trailing_space_makes_it_a_token() -> None:
    text = "قال محمد"
    assert [t.text for t in tokenize_for(text, [(0, 4)])] == ["قال", " ", "محمد"]
    assert [t.text for t in tokenize_for(text, [(3, 8)])] == ["قال", " ", "محمد"]


def test_sentences() -> None:
    text = "جملة أولى. جملة ثانية؟ ثالثة\nرابعة"
    toks = tokenize(text)
    groups = [[toks[i].text for i in g] for g in sentences(text, toks)]
    assert groups == [["جملة", "أولى", "."], ["جملة", "ثانية", "؟"], ["ثالثة"], ["رابعة"]]


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = "".join(draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=40)))
    pairs = draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=5))
    return text, [(min(a, b), max(a, b)) for a, b in pairs if a != b]


@settings(max_examples=300, deadline=None)
@given(text_and_spans())
def test_property_tokens_cover_text_and_align_every_span(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    toks = tokenize_for(text, spans)
    assert rebuild(toks) == text
    assert all(t.text for t in toks)
    starts = {t.start for t in toks}
    ends = {t.end for t in toks}
    for a, b in spans:
        assert a in starts and b in ends


spacy = pytest.importorskip("spacy")
VOCAB = spacy.vocab.Vocab()


@settings(max_examples=200, deadline=None)
@given(text_and_spans())
def test_property_spacy_rebuilds_the_text_and_every_span_is_strict(case: tuple[str, list[tuple[int, int]]]) -> None:
    from spacy.tokens import Doc

    text, spans = case
    toks = tokenize_for(text, spans)
    doc = Doc(VOCAB, words=[t.text for t in toks], spaces=[t.ws for t in toks])
    assert doc.text == text
    for a, b in spans:
        assert doc.char_span(a, b, alignment_mode="strict") is not None
