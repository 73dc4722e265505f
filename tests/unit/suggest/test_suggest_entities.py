"""Gazetteer entity suggestions: folding, clitics, pronoun suffixes, longest match, sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.errors import UserError
from annotations.model import Span
from annotations.suggest.entities import Gazetteer, learned_pairs, suggest_entities

GAZ = Gazetteer(
    [
        ("حماس", "ORGANIZATION"),
        ("القدس", "LOCATION"),
        ("غزة", "LOCATION"),
        ("قطاع غزة", "LOCATION"),
        ("الأمم المتحدة", "ORGANIZATION"),
        ("يوآف غالانت", "PERSON"),
        ("غالانت", "PERSON"),
        ("صور", "LOCATION"),
        ("الحكومة", "ORGANIZATION"),
        ("Reuters", "ORGANIZATION"),
        ("UN", "ORGANIZATION"),
    ]
)


def ents(text: str, gaz: Gazetteer = GAZ) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in suggest_entities(text, gaz)]


@pytest.mark.parametrize(
    ("text", "name"),
    [("لحماس", "حماس"), ("وحماس", "حماس"), ("فحماس", "حماس"), ("بحماس", "حماس"), ("ولحماس", "حماس")],
)
def test_proclitics_stay_outside_the_span(text: str, name: str) -> None:
    assert ents(f"قال {text} اليوم") == [(name, "ORGANIZATION")]


@pytest.mark.parametrize("text", ["القدس", "والقدس", "بالقدس", "وبالقدس", "كالقدس", "فالقدس"])
def test_article_is_kept_when_the_entry_has_it(text: str) -> None:
    assert ents(f"في {text} اليوم") == [("القدس", "LOCATION")]


def test_lam_lam_elides_the_article_alef() -> None:
    assert ents("زيارة للقدس") == [("لقدس", "LOCATION")]


def test_entry_without_article_does_not_match_a_word_with_one() -> None:
    assert ents("نشرت الصور اليوم") == []
    assert ents("باتجاه صور والنبطية") == [("صور", "LOCATION")]


def test_pronoun_suffix_stays_outside_the_span() -> None:
    assert ents("قيادة حماسها") == [("حماس", "ORGANIZATION")]
    assert ents("قطاع غزتها") == [("قطاع غزت", "LOCATION")]  # ة written ت before a pronoun
    assert ents("الحكومتهم") == [("الحكومت", "ORGANIZATION")]


def test_not_inside_longer_words() -> None:
    assert ents("الحماسة والمحماس") == []
    assert ents("الغزاة") == []


def test_longest_match_wins_and_no_overlaps() -> None:
    assert ents("في قطاع غزة وغزة") == [("قطاع غزة", "LOCATION"), ("غزة", "LOCATION")]
    assert ents("التقى يوآف غالانت ثم غالانت") == [("يوآف غالانت", "PERSON"), ("غالانت", "PERSON")]


def test_folding_variants_and_tashkeel_map_back_exactly() -> None:
    text = "وقالت الاُمَم المتحدة إن يواف غالانت وحَمَاس..."
    assert ents(text) == [("الاُمَم المتحدة", "ORGANIZATION"), ("يواف غالانت", "PERSON"), ("حَمَاس", "ORGANIZATION")]
    assert ents("لـحـماس") == [("حـماس", "ORGANIZATION")]


def test_latin_names_case_insensitive_but_not_in_addresses() -> None:
    text = "نقلت reuters و Reuters عن UN، راسلوا press@un.org أو https://un.org/x"
    assert ents(text) == [("reuters", "ORGANIZATION"), ("Reuters", "ORGANIZATION"), ("UN", "ORGANIZATION")]


def test_suggestion_fields() -> None:
    (s,) = suggest_entities("حماس", GAZ)
    assert (s.origin, s.pending, s.rule) == ("suggested", True, "entity:gazetteer:ORGANIZATION")


def test_load_toml_and_jsonl(tmp_path: Path) -> None:
    toml = tmp_path / "g.toml"
    toml.write_text('[[entry]]\ntext = "رفح"\nlabel = "LOCATION"\n', encoding="utf-8")
    jsonl = tmp_path / "g.jsonl"
    jsonl.write_text('{"text": "رفح", "label": "LOCATION"}\n\n', encoding="utf-8")
    for path in (toml, jsonl):
        g = Gazetteer.load(path)
        assert list(g) == [("رفح", "LOCATION")]
        assert ents("في رفح", g) == [("رفح", "LOCATION")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": 1}\n', encoding="utf-8")
    with pytest.raises(UserError):
        Gazetteer.load(bad)
    with pytest.raises(UserError):
        Gazetteer.load(tmp_path / "missing.toml")


def test_learned_pairs_extend_the_gazetteer() -> None:
    text = "التقى نجيب ميقاتي وفداً"
    start = text.index("نجيب")
    spans = [
        Span(start, start + len("نجيب ميقاتي"), "PERSON"),
        Span(text.index("وفد"), len(text), "LOCATION", origin="suggested", pending=True),  # not learned
    ]
    pairs = list(learned_pairs(text, spans))
    assert pairs == [("نجيب ميقاتي", "PERSON")]
    g = GAZ.with_pairs(pairs)
    assert len(g) == len(GAZ) + 1
    assert ents("وصل نجيب ميقاتي", g) == [("نجيب ميقاتي", "PERSON")]


def test_bundled_gazetteer_loads() -> None:
    g = Gazetteer.load(Path(__file__).resolve().parents[3] / "samples" / "gazetteer.toml")
    assert len(g) >= 60
    assert {label for _, label in g} == {"PERSON", "ORGANIZATION", "LOCATION"}
