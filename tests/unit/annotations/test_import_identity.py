"""One text is one document whatever the order; one annotator's records are never merged on import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.model import derive_id
from annotations.store import Store
from reader.cli import main

TEXT = "قال محمد إن حماس وافقت على الهدنة."


def imp(store: Path, *paths: Path, args: tuple[str, ...] = ()) -> int:
    return main(["import", "--store", str(store), "--no-progress", *args, *map(str, paths)])


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    txt = tmp_path / "x.txt"
    txt.write_text(TEXT, encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    line = {"id": "news-1", "text": TEXT, "annotator": "sara", "answer": "accept"}
    line["spans"] = [{"start": 4, "end": 8, "label": "PERSON"}]
    corpus.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    return txt, corpus


@pytest.mark.parametrize("order", ["txt-first", "corpus-first", "one-import"])
def test_one_text_is_one_document_whatever_the_order(
    files: tuple[Path, Path], tmp_path: Path, order: str, capsys: pytest.CaptureFixture[str]
) -> None:
    txt, corpus = files
    store = tmp_path / f"{order}.json"
    if order == "txt-first":
        assert imp(store, txt) == 0 and imp(store, corpus) == 0
    elif order == "corpus-first":
        assert imp(store, corpus) == 0 and imp(store, txt) == 0
    else:
        assert imp(store, txt, corpus) == 0
    with Store.open(store, readonly=True) as s:
        docs = list(s.iter_documents())
        assert [d.text for d in docs] == [TEXT]
        [ann] = s.annotations()
        assert ann.doc_id == docs[0].id and [x.key for x in ann.spans] == [(4, 8, "PERSON")]
    err = capsys.readouterr().err
    if order != "corpus-first":
        assert f'"news-1" -> {derive_id(TEXT)}' in err  # the alias is reported


def test_two_different_records_of_one_annotator_in_a_file_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a nested CoNLL file where one sentence comes twice, tagged differently, by one annotator
    conll = tmp_path / "x.conll"
    conll.write_text(
        "زار B-PERSON\nعمر I-PERSON\n\nقال O\n\nزار O\nعمر B-PERSON\n\n",
        encoding="utf-8",
    )
    store = tmp_path / "s.json"
    assert imp(store, conll, args=("--format", "conll-nested")) == 2
    err = capsys.readouterr().err
    assert "x.conll:6:" in err and "x.conll line 1)" in err and "never merged" in err
    assert not store.exists()
    # --skip-invalid keeps the first and reports the second; nothing is unioned
    assert imp(store, conll, args=("--format", "conll-nested", "--skip-invalid")) == 0
    with Store.open(store, readonly=True) as s:
        spans = sorted(x.key for a in s.annotations() for x in a.spans)
    assert spans == [(0, 7, "PERSON")]


def test_the_same_record_twice_is_not_a_conflict(tmp_path: Path) -> None:
    conll = tmp_path / "x.conll"
    conll.write_text("زار B-PERSON\nعمر I-PERSON\n\nزار B-PERSON\nعمر I-PERSON\n\n", encoding="utf-8")
    store = tmp_path / "s.json"
    assert imp(store, conll, args=("--format", "conll-nested")) == 0
