"""`reader agreement` on a real store: views, formats, safe output, read-only use and clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotations.gold import gold_annotator, gold_span
from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main

TEXT = "قال محمد إن حماس وافقت على الهدنة"
HOSTILE = "d\x1b]0;pwned\x07\u202e"  # an id that would retitle the terminal and reverse the line


@pytest.fixture
def team_store(tmp_path: Path) -> Path:
    path = tmp_path / "team.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT), Document("d2", "أعلنت وزارة الصحة في غزة"), Document(HOSTILE, TEXT)])
        labels = {
            "sara": [Span(4, 8, "PERSON"), Span(12, 16, "ORGANIZATION")],
            "omar": [Span(4, 8, "PERSON"), Span(12, 16, "PERSON")],
        }
        for who, spans in labels.items():
            for sp in spans:
                s.add_span("d1", who, sp)
                s.add_span(HOSTILE, who, sp)
            s.set_answer("d1", who, "accept")
            s.set_answer(HOSTILE, who, "accept")
            s.add_time("d1", who, 90.0)
        s.set_answer("d2", "sara", "accept")
        s.set_answer("d2", "omar", "reject")
        gold = gold_annotator("rana")
        for sp in labels["sara"]:
            s.add_span("d1", gold, gold_span(sp))
        s.set_answer("d1", gold, "accept")
    return path


def agreement(store: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["agreement", "--store", str(store), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_summary_table_shows_pairs_swaps_and_the_worst_documents(
    team_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = agreement(team_store, capsys=capsys)
    assert code == 0
    assert "omar – sara" in out
    assert "ORGANIZATION  PERSON" in out  # the label swap
    worst = out.split("Lowest agreement")[1].splitlines()[2]
    assert worst.startswith("d2 ")  # accepted by one, rejected by the other
    assert "gold" not in out  # gold records are not an annotator


def test_table_output_never_carries_control_characters(team_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in ([], ["--by", "document"], ["--by", "annotator"], ["--against", "gold"]):
        code, out, _ = agreement(team_store, *args, capsys=capsys)
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    _, out, _ = agreement(team_store, "--by", "document", capsys=capsys)
    assert "d␛]0;pwned␇" in out


def test_json_is_exact_data_and_safe_to_print(team_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = agreement(team_store, "--by", "document", "--format", "json", capsys=capsys)
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    data = json.loads(out)
    ids = [d["doc_id"] for d in data["documents"]]
    assert HOSTILE in ids  # escaped on the way out, exact when read back
    assert ids[0] == "d2"


def test_csv_into_a_pipe_is_raw_data(team_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = agreement(team_store, "--by", "document", "--format", "csv", capsys=capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["doc_id"] for r in rows} == {"d1", "d2", HOSTILE}
    code, out, _ = agreement(team_store, "--format", "csv", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    pair = next(r for r in rows if r["a"] == "omar" and r["b"] == "sara" and r["label"] == "")
    assert pair["answered"] == "3" and pair["answers_same"] == "2"
    assert float(pair["f1_exact"]) == pytest.approx(0.5)


def test_against_gold_scores_each_annotator(team_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = agreement(team_store, "--against", "gold", "--format", "json", capsys=capsys)
    assert code == 0
    rows = {r["b"]: r for r in json.loads(out)["pairs"] if r["label"] is None}
    assert set(rows) == {"omar", "sara"}
    assert rows["sara"]["f1_exact"] == 1.0
    assert rows["omar"]["recall_exact"] == 0.5
    assert rows["omar"]["precision_exact"] == 0.5


def test_by_annotator_reports_progress_and_throughput(team_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = agreement(team_store, "--by", "annotator", "--format", "json", capsys=capsys)
    assert code == 0
    rows = {r["annotator"]: r for r in json.loads(out)["annotators"]}
    assert set(rows) == {"omar", "sara"}
    assert rows["omar"]["accepted"] == 2 and rows["omar"]["rejected"] == 1
    assert rows["sara"]["per_hour"] == pytest.approx(3 * 3600 / 90)


def test_runs_while_an_annotator_holds_the_store(team_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(team_store) as writer:
        writer.add_span("d2", "lina", Span(6, 11, "ORGANIZATION"))
        writer.set_answer("d2", "lina", "accept")
        code, out, _ = agreement(team_store, "--by", "annotator", capsys=capsys)
        assert code == 0
        assert "lina" in out  # the journal of the open store is read


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--against", "nobody"], "no annotator 'nobody'"),
        (["--label", "WEAPON"], "no answered record uses the label 'WEAPON'"),
        (["--limit", "-1"], "--limit"),
    ],
)
def test_bad_options_are_clear_errors(
    team_store: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = agreement(team_store, *args, capsys=capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_no_gold_yet_and_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT)])
    code, _, err = agreement(path, "--against", "gold", capsys=capsys)
    assert code == 2 and "no adjudicated (gold) records" in err
    code, out, _ = agreement(path, capsys=capsys)
    assert code == 0 and "No document has been answered" in out
    code, _, err = agreement(tmp_path / "missing.json", capsys=capsys)
    assert code == 2 and "no store at" in err


def test_the_overall_answer_figures_agree_in_table_json_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three annotators on three documents: 7 pairs of answered records, 5 with the same answer."""
    path = tmp_path / "three.json"
    answers = {
        "d1": {"sara": "accept", "omar": "accept", "lina": "accept"},  # 3 pairs, all the same
        "d2": {"sara": "accept", "omar": "reject", "lina": "reject"},  # 3 pairs, 1 the same
        "d3": {"sara": "accept", "omar": "accept"},  # 1 pair, the same
    }
    with Store.open(path) as s:
        s.add_documents([Document(d, TEXT) for d in answers])
        for doc_id, by in answers.items():
            for who, answer in by.items():
                s.set_answer(doc_id, who, answer)
    code, out, _ = agreement(path, capsys=capsys)
    assert code == 0
    assert "the same on 5 of 7 pairs of answered records" in out
    _, out, _ = agreement(path, "--format", "json", capsys=capsys)
    (whole,) = [r for r in json.loads(out)["overall"] if r["label"] is None]
    assert (whole["answers_same"], whole["answer_pairs"]) == (5, 7)
    assert whole["answers_agreed"] == pytest.approx(5 / 7)
    _, out, _ = agreement(path, "--format", "csv", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    overall = [r for r in rows if r["a"] == "" and r["b"] == "" and r["label"] == ""]
    assert [(r["answers_same"], r["answer_pairs"]) for r in overall] == [("5", "7")]
    pairs = [r for r in rows if r["a"] and r["label"] == ""]
    assert sum(int(r["answers_same"]) for r in pairs) == 5 and sum(int(r["answer_pairs"]) for r in pairs) == 7


def test_a_label_filter_names_that_label_on_every_row(team_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--label PERSON` figures are PERSON's: no row may call them "all labels" (or leave the label out)."""
    _, out, _ = agreement(team_store, "--label", "PERSON", capsys=capsys)
    assert "all labels" not in out
    rows = [line.split() for line in out.splitlines()]
    assert next(r[:2] for r in rows if r and r[0] == "PERSON") == ["PERSON", "2"]  # the all-annotator row
    assert any(r[:4] == ["omar", "–", "sara", "PERSON"] for r in rows)  # the pair row
    _, out, _ = agreement(team_store, "--label", "PERSON", "--against", "sara", capsys=capsys)
    assert "all labels" not in out and any(r.split()[:2] == ["omar", "PERSON"] for r in out.splitlines())
    _, out, _ = agreement(team_store, "--label", "PERSON", "--format", "json", capsys=capsys)
    data = json.loads(out)
    assert data["overall"] and data["pairs"]
    assert {f["label"] for f in [*data["overall"], *data["pairs"]]} == {"PERSON"}
    _, out, _ = agreement(team_store, "--label", "PERSON", "--format", "csv", capsys=capsys)
    assert {row["label"] for row in csv.DictReader(io.StringIO(out))} == {"PERSON"}
    _, out, _ = agreement(team_store, "--label", "PERSON", "--by", "annotator", capsys=capsys)
    assert "agreement with the others on PERSON" in out
