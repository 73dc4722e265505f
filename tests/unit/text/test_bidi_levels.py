"""The one fragile dependency: python-bidi's debug dump, read for embedding levels."""

from __future__ import annotations

import pytest

from reader.text import bidi_levels
from reader.text.bidi_levels import BidiLibraryChanged, paragraph_levels


def test_levels_of_mixed_text_one_per_code_point() -> None:
    text = "abc אבג 123 عربي"
    levels, base = paragraph_levels(text)
    assert base == 0
    assert len(levels) == len(text)
    assert levels[:3] == [0, 0, 0]
    assert levels[4:7] == [1, 1, 1]
    assert levels[8:11] == [2, 2, 2]
    assert levels[-4:] == [1, 1, 1, 1]


def test_paragraph_direction_auto_and_forced() -> None:
    assert paragraph_levels("عربي abc")[1] == 1
    assert paragraph_levels("abc عربي")[1] == 0
    assert paragraph_levels("abc", "rtl")[1] == 1
    assert paragraph_levels("عربي", "ltr")[1] == 0
    assert paragraph_levels("123 !")[1] == 0  # no strong character: left to right (P3)


def test_paragraph_separators_do_not_split_the_paragraph() -> None:
    levels, _ = paragraph_levels("عربي\u2029abc\rد")
    assert len(levels) == 10


def test_astral_characters_keep_the_count() -> None:
    levels, _ = paragraph_levels("😀 عربي 𝐀")
    assert len(levels) == 8


def test_guard_fails_loudly_when_the_dump_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bidi_levels, "get_display", lambda *a, **k: "BidiInfo { nothing }")
    with pytest.raises(BidiLibraryChanged):
        paragraph_levels("abc")


def test_guard_checks_the_level_count(monkeypatch: pytest.MonkeyPatch) -> None:
    dump = "levels: [ Level(0), ] paragraphs: [ ParagraphInfo { range: 0..1, level: Level(0) } ]"
    monkeypatch.setattr(bidi_levels, "get_display", lambda *a, **k: dump)
    with pytest.raises(BidiLibraryChanged):
        paragraph_levels("abc")
