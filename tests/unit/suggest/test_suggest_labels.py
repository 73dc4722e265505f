"""Suggesters write the labels of the schema, by group, and say when the schema has none."""

from __future__ import annotations

import pytest

from annotations.errors import UserError
from annotations.labels import LabelSchema
from annotations.suggest import Gazetteer, suggest_text
from annotations.suggest.labels import plan_labels


def schema(*rows: tuple[str, str, str, str]) -> LabelSchema:
    text = "".join(
        f'[[label]]\nname = "{n}"\nkey = "{k}"\ncolor = "#123456"\ngroup = "{g}"\nscope = "{s}"\n\n'
        for n, k, g, s in rows
    )
    return LabelSchema.from_toml_text(text)


TEXT = 'اقرأ أيضاً:\n\nقال الوزير إن "الوضع خطير جدا" في غزة وإن حماس وافقت.'


def test_suggesters_use_the_schema_names() -> None:
    s = schema(
        ("FURNITURE", "b", "boilerplate", "line"), ("SPEECH", "q", "quote", "span"), ("ORG", "o", "entity", "span")
    )
    plan = plan_labels(s, gazetteer_labels={"ORG"})
    assert plan.warnings == []
    spans = suggest_text(TEXT, gazetteer=Gazetteer([("حماس", "ORG")]), labels=plan.labels)
    assert {sp.label for sp in spans} == {"FURNITURE", "SPEECH", "ORG"}
    assert not {"BOILERPLATE", "QUOTE"} & {sp.label for sp in spans}


def test_a_schema_without_a_group_turns_its_suggester_off_with_a_warning() -> None:
    s = schema(("PERSON", "p", "entity", "span"), ("ORGANIZATION", "o", "entity", "span"))
    plan = plan_labels(s, gazetteer_labels={"ORGANIZATION", "LOCATION"})
    assert any("no boilerplate label" in w for w in plan.warnings)
    assert any("no quote label" in w for w in plan.warnings)
    assert any("LOCATION" in w and "not suggested" in w for w in plan.warnings)
    gaz = Gazetteer([("حماس", "ORGANIZATION"), ("غزة", "LOCATION")])
    spans = suggest_text(TEXT, gazetteer=gaz, labels=plan.labels)
    assert [sp.label for sp in spans] == ["ORGANIZATION"]


def test_several_labels_in_a_group_pick_one_and_say_which() -> None:
    s = schema(("BYLINE", "y", "boilerplate", "span"), ("BOILERPLATE", "b", "boilerplate", "line"))
    plan = plan_labels(s)
    assert plan.labels.boilerplate == "BOILERPLATE"
    assert any("labelled BOILERPLATE" in w for w in plan.warnings)


def test_refusals() -> None:
    entities_only = schema(("PERSON", "p", "entity", "span"))
    with pytest.raises(UserError, match="none of the gazetteer's labels"):
        plan_labels(entities_only, gazetteer_labels={"ORGANIZATION"}, gazetteer_explicit=True)
    with pytest.raises(UserError, match="nothing to suggest"):
        plan_labels(entities_only, gazetteer_labels={"ORGANIZATION"})
    with pytest.raises(UserError, match="model ner suggests"):
        plan_labels(entities_only, model_labels={"ORG", "GPE"}, model_name="ner")
    plan = plan_labels(entities_only, model_labels={"PERSON", "GPE"}, model_name="ner")
    assert any("GPE" in w for w in plan.warnings)
