"""annotations.normalize: folding with an exact offset map back to the original text."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.normalize import find_all, fold, fold_offsets, fold_text

# Text drawn mostly from the characters that matter: Arabic letters and marks, tatweel, the folded
# letters, Persian letters, Latin (both cases), digits, spaces and newlines, plus anything.
_ALPHABET = st.sampled_from(
    [
        *"ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآٱىةؤئ",
        *["\u064b", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u0670", "\u0610", "\u06d6", "\u0640"],
        *"پچژگیک",
        *'AbCdEΣσςİß 0٠\n«»"',
    ]
)
TEXT = st.one_of(st.text(_ALPHABET, max_size=60), st.text(max_size=40))


def test_fold_examples() -> None:
    assert fold_text("الـمـؤتـمـر") == "المؤتمر"
    assert fold_text("أإآٱ") == "اااا"
    assert fold_text("مُحَمَّدٌ") == "محمد"
    assert fold_text("مستشفى غزة") == "مستشفي غزه"
    assert fold_text("پزشکیان") == "پزشكيان"
    assert fold_text("UNICEF Reuters") == "unicef reuters"
    assert fold_text("لَآلِئُ لِإِخْوَتِي لِأَنَّ لَا") == "لالئ لاخوتي لان لا"


def test_fold_offsets_example() -> None:
    text = "الـمُؤتـمر"
    folded, offsets = fold(text)
    assert folded == "المؤتمر"
    assert offsets == [0, 1, 3, 5, 6, 8, 9, 10]
    assert fold_offsets(text) == offsets


def test_find_all_maps_back_to_original_offsets() -> None:
    text = "انطلاق الـمـؤتـمـر الدولي، وقال المؤتَمِرُ إن المؤتمر"
    spans = find_all("المؤتمر", text)
    assert [text[s:e] for s, e in spans] == ["الـمـؤتـمـر", "المؤتَمِرُ", "المؤتمر"]
    assert find_all("إسرائيل", "اسرائيل وإسرائيلُ") == [(0, 7), (9, 17)]
    assert find_all("", "abc") == [] and find_all("\u064e", "abc") == []
    assert find_all("reuters", "وكالة Reuters") == [(6, 13)]


@given(TEXT)
@settings(max_examples=300)
def test_offsets_monotone_and_in_range(text: str) -> None:
    folded, offsets = fold(text)
    assert len(offsets) == len(folded) + 1
    assert offsets[-1] == len(text)
    assert all(0 <= o < len(text) for o in offsets[:-1])
    assert all(a < b for a, b in itertools.pairwise(offsets))


@given(TEXT)
@settings(max_examples=300)
def test_each_folded_char_comes_from_its_original(text: str) -> None:
    folded, offsets = fold(text)
    for i, c in enumerate(folded):
        assert fold_text(text[offsets[i]]) == c


@given(TEXT)
@settings(max_examples=300)
def test_folding_is_idempotent(text: str) -> None:
    once = fold_text(text)
    assert fold_text(once) == once
    assert fold(once) == (once, list(range(len(once) + 1)))


@given(TEXT, st.data())
@settings(max_examples=300)
def test_a_match_maps_back_to_a_substring_with_the_same_fold(text: str, data: st.DataObject) -> None:
    folded = fold_text(text)
    if folded:
        i = data.draw(st.integers(0, len(folded) - 1))
        j = data.draw(st.integers(i + 1, len(folded)))
        needle = folded[i:j]
    else:
        needle = data.draw(TEXT)
    target = fold_text(needle)
    spans = find_all(needle, text)
    for s, e in spans:
        assert 0 <= s < e <= len(text)
        assert fold_text(text[s:e]) == target
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    if folded and target:
        assert spans  # a substring of the folded text is always found
