"""`reader export --gold [--single]`: the adjudicated records, in any format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.model import Document, Span
from annotations.store import ImportedAnnotation, Store
from reader.cli import main

T = "قال محمد إن حماس وافقت على الهدنة"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.json"
    person, org = Span(4, 8, "PERSON"), Span(12, 16, "ORGANIZATION")
    with Store.open(path) as s:
        s.import_items(
            [
                (
                    Document("d1", T),
                    [
                        ImportedAnnotation("sara", [person, org], "accept", 1.0, 1.0),
                        ImportedAnnotation("omar", [person], "accept", 1.0, 2.0),
                        ImportedAnnotation("gold:rana", [Span(4, 8, "PERSON", "review")], "accept", 1.0, 5.0),
                    ],
                ),
                (Document("d2", T), [ImportedAnnotation("sara", [org], "accept", 1.0, 1.0)]),
                (
                    Document("d3", T),
                    [
                        ImportedAnnotation("sara", [org], "accept", 1.0, 1.0),
                        ImportedAnnotation("omar", [], "reject", 1.0, 1.0),
                        ImportedAnnotation("gold:rana", [org], None, 1.0, 3.0),  # a review in progress
                    ],
                ),
            ]
        )
    return path


def export(store: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["export", "--store", str(store), *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_gold_exports_each_adjudicated_document_with_its_final_gold_record(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = export(store, capsys, "--gold")
    assert [(r["id"], r["annotator"], r["answer"]) for r in out] == [("d1", "gold:rana", "accept")]
    assert [(s["start"], s["end"], s["label"], s["origin"]) for s in out[0]["spans"]] == [  # type: ignore[attr-defined]
        (4, 8, "PERSON", "review")
    ]


def test_single_adds_documents_only_one_annotator_answered(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = export(store, capsys, "--gold", "--single")
    assert [(r["id"], r["annotator"]) for r in out] == [("d1", "gold:rana"), ("d2", "sara")]
    prodigy = export(store, capsys, "--gold", "--single", "--format", "prodigy")
    assert [r["_annotator_id"] for r in prodigy] == ["gold:rana", "sara"]


def test_answers_filter_the_chosen_gold_records(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(store, capsys, "--gold", "--answers", "reject") == []


def test_flags_that_do_not_go_together_are_refused(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--store", str(store), "--single"]) == 2
    assert "--single goes with --gold" in capsys.readouterr().err
    assert main(["export", "--store", str(store), "--gold", "--annotator", "sara"]) == 2
    assert "leave out --annotator" in capsys.readouterr().err
