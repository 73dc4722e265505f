"""Labelled corpora as they are shared: Wojood's .txt is CoNLL, and its records can be trained on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.store import Store
from reader.cli import main

ROOT = Path(__file__).resolve().parents[3]
WOJOOD = ROOT / "tests" / "data" / "wojood" / "sample.txt"  # three Wojood sentences; see SOURCE.md beside it
TINY = ROOT / "tests" / "data" / "wojood_tiny" / "documents.jsonl"  # see SOURCE.md beside it
KEYS = "1234567890"


def labels_file(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "labels.toml"
    path.write_text(
        "".join(
            f'[[label]]\nname = "{n}"\nkey = "{KEYS[i]}"\ncolor = "#123456"\ngroup = "entity"\nscope = "span"\n\n'
            for i, n in enumerate(names)
        ),
        encoding="utf-8",
    )
    return path


def test_a_wojood_txt_is_read_as_nested_conll_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.json"
    labels = labels_file(tmp_path, ["DATE", "EVENT", "GPE", "OCC", "ORG"])
    assert main(["import", "--store", str(store), "--labels", str(labels), "--no-progress", str(WOJOOD)]) == 0
    err = capsys.readouterr().err
    assert "read as conll-nested" in err and "--format text" in err
    with Store.open(store, readonly=True) as s:
        docs = list(s.iter_documents())
        assert len(docs) == 3 and docs[0].text.startswith("جريدة فلسطين 22 آب 1931")
        first = next(iter(s.annotations()))
        assert {(docs[0].text[x.start : x.end], x.label) for x in first.spans} >= {
            ("جريدة فلسطين", "ORG"),
            ("فلسطين", "GPE"),
        }
    # --format text still takes it as one document
    other = tmp_path / "t.json"
    assert main(["import", "--store", str(other), "--format", "text", "--no-progress", str(WOJOOD)]) == 0
    with Store.open(other, readonly=True) as s:
        assert len(s) == 1


def test_plain_text_stays_one_document(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("قال محمد O\nإن حماس وافقت.\n\nوأضاف: لن نتراجع.\n", encoding="utf-8")
    store = tmp_path / "s.json"
    assert main(["import", "--store", str(store), "--no-progress", str(article)]) == 0
    with Store.open(store, readonly=True) as s:
        assert len(s) == 1


def test_train_names_unanswered_labelled_records_and_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # an imported corpus: labelled records nobody answered
    rows = [json.loads(line) for line in TINY.read_text(encoding="utf-8").splitlines()]
    for r in rows:
        r.pop("answer", None)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    store = tmp_path / "s.json"
    assert main(["import", "--store", str(store), "--no-progress", str(corpus)]) == 0
    capsys.readouterr()
    assert main(["train", "--store", str(store), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "too little data" in err and f"{len(rows)} documents with labelled records nobody answered" in err
    assert "--include-unanswered" in err and "Traceback" not in err


@pytest.mark.slow
def test_train_on_unanswered_records_with_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in TINY.read_text(encoding="utf-8").splitlines()]
    for r in rows:
        r.pop("answer", None)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    store = tmp_path / "s.json"
    assert main(["import", "--store", str(store), "--no-progress", str(corpus)]) == 0
    out = tmp_path / "m"
    assert main(["train", "--store", str(store), "--out", str(out), "--include-unanswered", "--no-curve"]) == 0
    assert f"trained on {len(rows)} documents" in capsys.readouterr().out
    assert json.loads((out / "model.json").read_text(encoding="utf-8"))["documents"] == len(rows)
