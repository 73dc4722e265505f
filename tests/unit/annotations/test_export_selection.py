"""Which records an export writes: records only (a document nobody labelled is not an annotation),
one annotator's only with --annotator, accepted ones by default in the token formats training reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.formats.columns import read_columns
from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main

T1 = "قال محمد إن حماس وافقت."
T2 = "زار عمر القاهرة."
T3 = "نص لم يقرأه أحد."
T4 = "خبر رفضه المراجع عن بيروت."


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document("a", T1), Document("b", T2), Document("c", T3), Document("d", T4)])
        s.add_span("a", "sara", Span(4, 8, "PERSON"))
        s.set_answer("a", "sara", "accept")
        s.add_span("b", "omar", Span(8, 15, "LOCATION"))
        s.set_answer("b", "omar", "accept")
        s.add_span("d", "sara", Span(20, 25, "LOCATION"))
        s.set_answer("d", "sara", "reject")
        s.add_span("b", "sara", Span(4, 7, "PERSON"))  # unanswered
    return path


def run(store: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    assert main(["export", "--store", str(store), "--no-progress", *args]) == 0
    got = capsys.readouterr()
    return got.out, got.err


def conll_docs(out: str) -> list[str]:
    return [d.text.replace(" ", "") for d in read_columns(out.splitlines(keepends=True), columns="last")]


def texts(*given: str) -> list[str]:
    return sorted(t.replace(" ", "") for t in given)


def test_annotator_means_that_annotators_records_only(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("native", "prodigy", "doccano"):
        out, err = run(store, capsys, "--format", fmt, "--annotator", "sara")
        rows = [json.loads(line) for line in out.splitlines()]
        # a (accepted), b (unanswered), d (rejected): never c, nobody's record, nor b as omar's
        assert sorted(r["id"] for r in rows) == ["a", "b", "d"], fmt
        assert "exported 3 records" in err
    out, _ = run(store, capsys, "--format", "label-studio", "--annotator", "omar")
    tasks = json.loads(out)
    assert [t["data"]["id"] for t in tasks] == ["b"]
    assert [a["meta"]["annotator"] for a in tasks[0]["annotations"]] == ["omar"]


def test_documents_without_a_record_are_not_training_data(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run(store, capsys, "--format", "conll")
    assert texts(T3)[0] not in conll_docs(out)  # c: nobody labelled it; it is not an all-O sentence
    out, err = run(store, capsys, "--format", "prodigy")
    rows = [json.loads(line) for line in out.splitlines()]
    # Prodigy's db-in takes a line without an answer for accepted: only sara's unanswered record of b is
    # one (a task not yet answered), and the export says so
    assert sorted((r["id"], r["_annotator_id"]) for r in rows if "answer" not in r) == [("b", "sara")]
    assert "c" not in {r["id"] for r in rows}
    assert "`prodigy db-in` takes them for accepted" in err


def test_token_formats_take_accepted_records_and_say_what_they_left_out(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = run(store, capsys, "--format", "conll")
    assert sorted(conll_docs(out)) == texts(T1, T2)  # sara's a, omar's b
    assert "left out 2 records that are not accepted (1 rejected, 1 unanswered)" in err
    assert "--answers all" in err
    out, err = run(store, capsys, "--format", "conll", "--answers", "all")
    assert len(conll_docs(out)) == 4 and "left out" not in err
    out, _ = run(store, capsys, "--format", "conll-nested", "--comments")
    assert out.count("# id = ") == 2


def test_formats_with_an_answer_keep_every_record(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = run(store, capsys, "--format", "doccano")
    rows = [json.loads(line) for line in out.splitlines()]
    assert sorted((r["id"], r["annotator"], r["answer"]) for r in rows) == [
        ("a", "sara", "accept"),
        ("b", "omar", "accept"),
        ("b", "sara", None),
        ("d", "sara", "reject"),
    ]


def test_native_keeps_unlabelled_documents_as_documents(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run(store, capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    alone = [r for r in rows if r["id"] == "c"]
    assert alone == [alone[0]] and alone[0]["annotator"] is None and alone[0]["answer"] is None
    assert "exported 4 records and 1 document without a record as native" in err


def test_label_studio_counts_tasks_and_annotations(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, err = run(store, capsys, "--format", "label-studio")
    assert "exported 3 tasks with 4 annotations as label-studio" in err


def test_native_keeps_shared_suggestions_on_documents_nobody_labelled(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suggested = [
        Span(7, 10, "PERSON", origin="suggested", pending=True, rule="gazetteer", confidence=0.8),
        Span(0, 2, "MISC", origin="suggested", pending=True, rule="model:m"),
    ]
    with Store.open(store) as s:
        s.add_suggestions([("c", suggested)])
    out = tmp_path / "all.jsonl"
    run(store, capsys, "--out", str(out))
    other = tmp_path / "other.json"
    assert main(["import", str(out), "--store", str(other), "--no-progress"]) == 0
    with Store.open(other, readonly=True) as b:
        assert sorted((x.key, x.rule, x.confidence, x.pending) for x in b.suggestions("c")) == sorted(
            (x.key, x.rule, x.confidence, True) for x in suggested
        )
        assert "c" not in {a.doc_id for a in b.annotations()}  # a layer, not anyone's record
