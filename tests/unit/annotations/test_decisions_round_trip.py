"""What an annotator decided about suggestions survives an export and an import into another store:
suggesting again there never brings back a suggestion they rejected, and pending suggestions come
back as suggestions (Label Studio: the tasks' predictions), never as labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.model import Annotation, Document, Span
from annotations.store import Store
from reader.cli import main

TEXT = "قال الرئيس محمود عباس في رام الله اليوم إن وزارة الصحة في غزة أعلنت الأرقام."
OTHER = "وصل الوفد إلى غزة صباح اليوم."


def at(text: str, word: str) -> tuple[int, int]:
    i = text.index(word)
    return i, i + len(word)


ABBAS, RAMALLAH, GAZA = Span(*at(TEXT, "محمود عباس"), "PERSON"), Span(*at(TEXT, "رام الله"), "LOCATION"), None
GAZA_KEY = (*at(TEXT, "غزة"), "LOCATION")


@pytest.fixture
def gazetteer(tmp_path: Path) -> Path:
    path = tmp_path / "names.jsonl"
    rows = [("محمود عباس", "PERSON"), ("رام الله", "LOCATION"), ("غزة", "LOCATION")]
    path.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows), encoding="utf-8")
    return path


def suggest(store: Path, gazetteer: Path) -> None:
    args = ["suggest", "--store", str(store), "--gazetteer", str(gazetteer), "--no-learn", "--min-repeat", "0"]
    assert main([*args, "--no-progress"]) == 0


@pytest.fixture
def decided(tmp_path: Path, gazetteer: Path) -> Path:
    """sara rejected محمود عباس, accepted رام الله, left غزة pending, added a span and flagged the document."""
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT), Document("d2", OTHER)])
    suggest(path, gazetteer)
    with Store.open(path) as s:
        view = s.get_annotation("d1", "sara")
        assert view is not None
        pending = {x.key: x for x in view.spans if x.pending}
        assert set(pending) == {ABBAS.key, RAMALLAH.key, GAZA_KEY}
        s.remove_span("d1", "sara", pending[ABBAS.key])
        s.replace_span("d1", "sara", pending[RAMALLAH.key], pending[RAMALLAH.key].accepted())
        s.add_span("d1", "sara", Span(*at(TEXT, "وزارة الصحة"), "ORGANIZATION", note="الوزارة في غزة"))
        s.set_answer("d1", "sara", "flag")
    return path


def reimport(store: Path, tmp_path: Path, fmt: str, *args: str) -> Path:
    out = tmp_path / f"out-{fmt}"
    assert main(["export", "--store", str(store), "--format", fmt, "--out", str(out), *args]) == 0
    other = tmp_path / f"other-{fmt}.json"
    assert main(["import", str(out), "--store", str(other), "--format", fmt, "--annotator", "nobody"]) == 0
    return other


@pytest.mark.parametrize("fmt", ["native", "prodigy", "doccano", "label-studio"])
def test_a_rejected_suggestion_stays_rejected_after_export_import_and_suggesting_again(
    decided: Path, tmp_path: Path, gazetteer: Path, fmt: str
) -> None:
    other = reimport(decided, tmp_path, fmt)
    suggest(other, gazetteer)
    with Store.open(other, readonly=True) as s:
        sara = s.get_annotation("d1", "sara")
        assert sara is not None
        assert ABBAS.key not in {x.key for x in sara.spans}  # decided against: not suggested again
        assert ABBAS.key in {x.key for x in sara.rejected}
        by_key = {x.key: x for x in sara.spans}
        assert not by_key[RAMALLAH.key].pending  # accepted stays accepted
        assert by_key[GAZA_KEY].pending  # still undecided
        assert sara.answer == "flag"
        # another annotator never decided anything: every suggestion is pending for them
        assert {x.key for x in s.get_annotation("d1", "omar").spans} == {ABBAS.key, RAMALLAH.key, GAZA_KEY}  # type: ignore[union-attr]


def test_native_round_trip_keeps_every_field_of_a_record_and_the_suggestions(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    model = Span(*at(TEXT, "غزة"), "LOCATION", origin="suggested", rule="model", confidence=0.62)
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT, meta={"site": "wafa"})])
        s.add_suggestions([("d1", [model, Span(*at(TEXT, "رام الله"), "LOCATION", rule="gazetteer")])])
        record = Annotation(
            "d1",
            "sara",
            s.document_hash("d1"),
            spans=[
                Span(*at(TEXT, "محمود عباس"), "PERSON", origin="suggested", rule="model", confidence=0.83),
                Span(*at(TEXT, "وزارة الصحة"), "ORGANIZATION", origin="manual", note="جهة رسمية"),
            ],
            answer="flag",
            created=1_700_000_000.25,
            updated=1_700_000_321.5,
            seconds_spent=42.5,
            rejected=[Span(*at(TEXT, "رام الله"), "LOCATION", origin="suggested", pending=True, rule="gazetteer")],
        )
        s.put_record(record)
        want = s.get_annotation("d1", "sara")
        layer = s.suggestions("d1")
    other = reimport(path, tmp_path, "native")
    with Store.open(other, readonly=True) as s:
        got = s.get_annotation("d1", "sara")
        assert got is not None and want is not None
        assert sorted(got.spans) == sorted(want.spans)  # origin, rule, note, confidence, pending
        assert got.rejected == want.rejected
        assert (got.answer, got.created, got.updated, got.seconds_spent) == (
            "flag",
            1_700_000_000.25,
            1_700_000_321.5,
            42.5,
        )
        # the pending suggestion is back in the shared layer, with its rule and confidence
        assert [x for x in s.suggestions("d1") if x.key == model.key] == [x for x in layer if x.key == model.key]
        assert s.annotators() == ["sara"]


# ----------------------------------------------------------------------------------------------------
# Label Studio: pending suggestions are predictions


def test_label_studio_writes_pending_suggestions_as_predictions(decided: Path, tmp_path: Path) -> None:
    out = tmp_path / "ls.json"
    assert main(["export", "--store", str(decided), "--format", "label-studio", "--out", str(out)]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    d1, d2 = tasks
    results = [r["value"]["text"] for a in d1["annotations"] for r in a["result"]]
    assert "غزة" not in results  # a pending suggestion is never an annotation result
    assert [(p["model_version"], [r["value"]["text"] for r in p["result"]]) for p in d1["predictions"]] == [
        ("entity:gazetteer:LOCATION", ["غزة"])
    ]
    # a document nobody has opened: every suggestion of the document
    assert [r["value"]["text"] for p in d2["predictions"] for r in p["result"]] == ["غزة"]
    assert d1["annotations"][0]["meta"]["rejected"][0]["text"] == "محمود عباس"
    assert (
        main(["export", "--store", str(decided), "--format", "label-studio", "--out", str(out), "--no-include-pending"])
        == 0
    )
    assert all("predictions" not in t for t in json.loads(out.read_text(encoding="utf-8")))


def test_label_studio_predictions_carry_rule_and_confidence_and_import_as_suggestions(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT)])
        s.add_suggestions(
            [
                (
                    "d1",
                    [
                        Span(*at(TEXT, "محمود عباس"), "PERSON", rule="model", confidence=0.91),
                        Span(*at(TEXT, "غزة"), "LOCATION", rule="model", confidence=0.55),
                        Span(*at(TEXT, "رام الله"), "LOCATION", rule="gazetteer"),
                    ],
                )
            ]
        )
        want = sorted(s.suggestions("d1"))
    out = tmp_path / "ls.json"
    assert main(["export", "--store", str(path), "--format", "label-studio", "--out", str(out)]) == 0
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    by_version = {p.get("model_version"): p for p in task["predictions"]}
    assert by_version["model"]["score"] == 0.55  # the least sure region: Label Studio sorts tasks by it
    assert sorted(r["score"] for r in by_version["model"]["result"]) == [0.55, 0.91]
    assert "score" not in by_version["gazetteer"]
    other = tmp_path / "other.json"
    assert main(["import", str(out), "--store", str(other), "--annotator", "nobody"]) == 0
    with Store.open(other, readonly=True) as s:
        assert sorted(s.suggestions("d1")) == want  # pending suggestions of the shared layer, rule and confidence
        assert list(s.annotations()) == []  # not anybody's labels: no record was made


def test_label_studio_server_export_with_predictions_imports_them_as_pending_suggestions(tmp_path: Path) -> None:
    """The shape Label Studio's server exports (ids for users, per-region and per-prediction scores,
    the prediction's bookkeeping fields); the annotator accepted one prediction and labelled one span."""
    a, b = at(TEXT, "محمود عباس")
    c, d = at(TEXT, "غزة")
    e, f = at(TEXT, "رام الله")

    def region(rid: str, start: int, end: int, label: str, **extra: object) -> dict[str, object]:
        value = {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value, **extra}

    task = {
        "id": 17,
        "data": {"text": TEXT},
        "annotations": [
            {
                "id": 31,
                "completed_by": 2,
                "result": [
                    region("r1", a, b, "PERSON", origin="prediction"),
                    region("r2", e, f, "LOCATION", origin="manual"),
                ],
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2026-11-20T10:00:00.000000Z",
                "updated_at": "2026-11-20T10:02:00.000000Z",
                "lead_time": 120.5,
                "prediction": {},
                "result_count": 2,
                "task": 17,
                "project": 3,
            }
        ],
        "predictions": [
            {
                "id": 9,
                "model_version": "arabert-ner-v2",
                "created_ago": "2 days",
                "score": 0.4,
                "result": [region("p1", a, b, "PERSON", score=0.97), region("p2", c, d, "LOCATION", score=0.4)],
                "cluster": None,
                "neighbors": None,
                "mislabeling": 0.0,
                "created_at": "2026-11-18T09:00:00.000000Z",
                "updated_at": "2026-11-18T09:00:00.000000Z",
                "task": 17,
                "project": 3,
            },
            {"id": 10, "model_version": "rules", "result": [region("p3", e, f, "LOCATION")], "task": 17},
        ],
    }
    src = tmp_path / "project-3-at-2026-11-20.json"
    src.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "store.json"
    assert main(["import", str(src), "--store", str(store)]) == 0
    with Store.open(store, readonly=True) as s:
        (doc_id,) = s.document_ids()
        layer = {x.key: x for x in s.suggestions(doc_id)}
        assert set(layer) == {(a, b, "PERSON"), (c, d, "LOCATION"), (e, f, "LOCATION")}
        gaza = layer[(c, d, "LOCATION")]
        assert (gaza.pending, gaza.origin, gaza.rule, gaza.confidence) == (True, "suggested", "arabert-ner-v2", 0.4)
        assert layer[(a, b, "PERSON")].confidence == 0.97
        assert layer[(e, f, "LOCATION")].rule == "rules" and layer[(e, f, "LOCATION")].confidence is None
        user = s.get_annotation(doc_id, "label-studio-user-2")
        assert user is not None
        assert {x.key: x.pending for x in user.spans} == {
            (a, b, "PERSON"): False,
            (e, f, "LOCATION"): False,
            (c, d, "LOCATION"): True,
        }
        assert user.answer == "accept" and user.seconds_spent == 120.5
        assert s.annotators() == ["label-studio-user-2"]  # the predictions made nobody's record


@pytest.mark.slow
def test_label_studio_converter_reads_a_task_with_predictions_and_takes_only_the_annotations(
    decided: Path, tmp_path: Path
) -> None:
    converter = pytest.importorskip("label_studio_converter")
    out = tmp_path / "ls.json"
    assert main(["export", "--store", str(decided), "--format", "label-studio", "--out", str(out)]) == 0
    assert any("predictions" in t for t in json.loads(out.read_text(encoding="utf-8")))
    config = (
        '<View><Labels name="label" toName="text">'
        + "".join(f'<Label value="{x}"/>' for x in ("PERSON", "ORGANIZATION", "LOCATION"))
        + '</Labels><Text name="text" value="$text"/></View>'
    )
    c = converter.Converter(config=config, project_dir=str(tmp_path))
    c.convert_to_json_min(str(out), str(tmp_path / "min"), is_dir=False)
    rows = json.loads((tmp_path / "min" / "result.json").read_text(encoding="utf-8"))
    labelled = {(r["id"], r.get("annotator")): sorted(x["text"] for x in r.get("label", [])) for r in rows}
    # sara's labels only: the pending غزة and the rejected محمود عباس are not in them
    assert labelled[1, "sara@reader.local"] == ["رام الله", "وزارة الصحة"]
