"""Embedding levels: the same answer from ICU and python-bidi, routing between them, and the guard on
python-bidi's debug dump (the one fragile dependency)."""

from __future__ import annotations

import pytest

from reader.text import bidi_dump, bidi_icu, bidi_levels
from reader.text.bidi_dump import BidiLibraryChanged, python_bidi_levels
from reader.text.bidi_levels import paragraph_levels

ICU = bidi_icu.load()
needs_icu = pytest.mark.skipif(ICU is None, reason="no ICU library on this system")


def test_levels_of_mixed_text_one_per_code_point(library: str) -> None:
    text = "abc אבג 123 عربي"
    levels, base = paragraph_levels(text)
    assert base == 0
    assert len(levels) == len(text)
    assert list(levels[:3]) == [0, 0, 0]
    assert list(levels[4:7]) == [1, 1, 1]
    assert list(levels[8:11]) == [2, 2, 2]
    assert list(levels[-4:]) == [1, 1, 1, 1]


def test_paragraph_direction_auto_and_forced(library: str) -> None:
    assert paragraph_levels("عربي abc")[1] == 1
    assert paragraph_levels("abc عربي")[1] == 0
    assert paragraph_levels("abc", "rtl")[1] == 1
    assert paragraph_levels("عربي", "ltr")[1] == 0
    assert paragraph_levels("123 !")[1] == 0  # no strong character: left to right (P3)


def test_paragraph_separators_do_not_split_the_paragraph(library: str) -> None:
    levels, _ = paragraph_levels("عربي\u2029abc\rد")
    assert len(levels) == 10


def test_astral_characters_keep_the_count(library: str) -> None:
    text = "😀 عربي 𝐀 x\U0001f600y"
    levels, _ = paragraph_levels(text)
    assert len(levels) == len(text)
    assert levels == python_bidi_levels(text, "auto")[0]


def test_a_lone_surrogate_is_a_neutral_not_a_crash(library: str) -> None:
    levels, base = paragraph_levels("عربي \ud800 abc")
    assert base == 1 and len(levels) == 10


@pytest.mark.parametrize(
    "text",
    [
        "قال\u200c الرئيس\u200b abc\x1b 12",  # removed characters take the level of the one before them
        "\u200babc عربي",  # ... or the paragraph's at the start
        "abc عربي \u00ad",
        "a(b[c{d}e]f)g «عربي» (١٢)",
    ],
)
def test_icu_and_python_bidi_agree(text: str) -> None:
    if ICU is None:
        pytest.skip("no ICU library on this system")
    for direction in ("auto", "rtl", "ltr"):
        assert paragraph_levels(text, direction) == python_bidi_levels(text, direction)


@needs_icu
def test_paragraphs_icu_may_differ_on_go_to_python_bidi(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(bidi_levels, "python_bidi_levels", lambda t, d: (calls.append(t), python_bidi_levels(t, d))[1])
    ordinary = "قال الرئيس إن abc (123)"
    paragraph_levels(ordinary)
    assert calls == []
    for text in ("a\u202eb", "a\u2067b\u2069", "a\tb", "(" * 63 + "a", "a\u2061b"):
        paragraph_levels(text)
        assert calls[-1] == text


def test_the_library_can_be_chosen_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_BIDI", "python-bidi")
    monkeypatch.setattr(bidi_levels, "_icu_loaded", False)
    monkeypatch.setattr(bidi_levels, "_icu", None)
    assert bidi_levels.backend() == "python-bidi"


def test_a_missing_icu_is_no_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bidi_icu, "_candidates", lambda: iter(["libdoes-not-exist.so.1"]))
    assert bidi_icu.load() is None


def test_dump_levels_over_nine_are_read_too() -> None:
    text = "\u202b" * 20 + "abc"
    levels, _ = python_bidi_levels(text, "ltr")
    assert max(levels) > 9 and len(levels) == len(text)


def test_guard_fails_loudly_when_the_dump_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bidi_dump, "get_display", lambda *a, **k: "BidiInfo { nothing }")
    with pytest.raises(BidiLibraryChanged):
        python_bidi_levels("abc", "auto")


def test_guard_checks_the_level_count(monkeypatch: pytest.MonkeyPatch) -> None:
    dump = "levels: [ Level(0), ] paragraphs: [ ParagraphInfo { range: 0..1, level: Level(0) } ]"
    monkeypatch.setattr(bidi_dump, "get_display", lambda *a, **k: dump)
    with pytest.raises(BidiLibraryChanged):
        python_bidi_levels("abc", "auto")
