"""Shaping with an exact offset map: forms, lam-alef, marks and tatweel, and the library guard."""

from __future__ import annotations

import pytest
from arabic_reshaper.letters import LETTERS_ARABIC
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text import ParagraphLayout, shaping
from reader.text.clusters import build_clusters


def cells(text: str, width: int = 80) -> list[tuple[str, list[int]]]:
    line = ParagraphLayout(text, 0, 0, width).lines[0]
    return [(g, list(line.offsets_at(x))) for x, g in enumerate(line.glyphs) if line.offsets_at(x)]


def test_contextual_forms_of_a_word() -> None:
    # كتب: initial kaf, medial teh, final beh; drawn right to left.
    assert [g for g, _ in cells("كتب")] == ["\ufe90", "\ufe98", "\ufedb"]


@pytest.mark.parametrize(
    ("text", "ligature"),
    [("لا", "\ufefb"), ("لأ", "\ufef7"), ("لإ", "\ufef9"), ("لآ", "\ufef5"), ("سلا", "\ufefc")],
)
def test_lam_alef_is_one_cell_mapping_to_both_letters(text: str, ligature: str) -> None:
    shown = cells(text)
    lam = text.index("ل")
    assert (ligature, [lam, lam + 1]) in shown


def test_lam_alef_ligature_forms_across_a_mark_and_keeps_it() -> None:
    # لَا : lam, fatha, alef -> one ligature cell showing all three offsets, fatha drawn after it.
    assert cells("لَا") == [("\ufefb\u064e", [0, 1, 2])]


def test_marks_are_drawn_in_their_letters_cell() -> None:
    shown = cells("شدّد")
    assert [offsets for _, offsets in shown] == [[3], [1, 2], [0]]
    assert shown[1][0].endswith("\u0651")


def test_marks_can_be_hidden_but_keep_their_offsets() -> None:
    line = ParagraphLayout("شدّد", 0, 0, 80, show_marks=False).lines[0]
    assert "\u0651" not in line.text
    assert sorted(o for x in range(line.width) for o in line.offsets_at(x)) == [0, 1, 2, 3]


def test_tatweel_joins_and_is_shown() -> None:
    shown = cells("الـمـؤتـمـر")
    assert sum(1 for g, _ in shown if g == "\u0640") == 4


def test_persian_letters_are_shaped() -> None:
    glyphs = "".join(g for g, _ in cells("پژوهش گیک"))
    assert "پ" not in glyphs and "گ" not in glyphs  # all replaced by presentation forms


def test_a_paragraph_starting_with_a_mark_gets_a_dotted_circle() -> None:
    c = build_clusters("\u064eب")
    assert c.glyph[0] == "\u25cc\u064e" and c.start[0] == 0 and c.end[0] == 1


def test_shaping_guard_fails_loudly_if_the_library_misaligns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shaping._RESHAPER, "reshape", lambda text: text[:-1])
    shaping._CACHE.clear()
    shaping._GROUP_CACHE.clear()
    with pytest.raises(shaping.ShapingLibraryChanged):
        shaping.shape("كتاب")
    shaping._CACHE.clear()


def test_runs_shaped_together_are_shaped_as_alone() -> None:
    words = ["كتب", "لا", "سلام", "الأمم", "ـبـ", "فلان", "ۥب", "بۥت", "مُ", "ئ"]
    alone = []
    for word in words:
        shaping._CACHE.clear()
        shaping._GROUP_CACHE.clear()
        alone.append(shaping.shape(word))
    shaping._CACHE.clear()
    shaping._GROUP_CACHE.clear()
    together = shaping.shape(" ".join(words)).split(" ")
    assert together == alone
    assert together[1] == "\ufefb" + shaping.LIGATURE_TAIL


def test_shaping_survives_a_full_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shaping, "_CACHE_LIMIT", 3)
    shaping._CACHE.clear()
    first = shaping.shape("كتب سلام لا")
    assert shaping.shape("كتب سلام لا جديد آخر").startswith(first)
    shaping._CACHE.clear()


LETTERS = sorted(LETTERS_ARABIC.keys() - {"\u200d"})


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*LETTERS, "\u0640", "\u06e5", "\u06e6"]), min_size=1, max_size=14).map("".join))
def test_a_run_is_shaped_as_its_joining_groups_are(run: str) -> None:
    # The reshaper is the reference: a run shaped group by group (and cached) must be what the
    # reshaper makes of the whole run.
    shaping._CACHE.clear()
    shaping._GROUP_CACHE.clear()
    assert shaping.shape(run).replace(shaping.LIGATURE_TAIL, "") == shaping._RESHAPER.reshape(run)
