"""`reader suggest` on a temporary store holding the samples."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from annotations.store import Store
from reader.cli import main

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("reader.commands.importing") is None, reason="reader import not available"
)


def test_suggest_adds_pending_spans_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store.json"
    assert main(["import", "--store", str(store), str(ROOT / "samples" / "corpus.jsonl")]) == 0
    capsys.readouterr()
    assert main(["suggest", "--store", str(store), "--annotator", "ann", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "8 documents" in out
    for label in ("BOILERPLATE", "QUOTE", "PERSON", "ORGANIZATION", "LOCATION"):
        assert label in out

    with Store.open(store, readonly=True) as s:
        # the shared layer: every annotator sees them pending in their record
        spans = [sp for d in s.document_ids() for sp in s.suggestions(d)]
        assert spans and all(sp.origin == "suggested" and sp.pending and sp.rule for sp in spans)
        assert all(s.get_annotation(d, "anyone").spans == s.suggestions(d) for d in s.document_ids())  # type: ignore[union-attr]
        total = len(spans)

    # a second run adds nothing: every suggestion is already in the layer
    assert main(["suggest", "--store", str(store), "--annotator", "ann", "--no-progress"]) == 0
    assert "added 0 suggestions" in capsys.readouterr().out
    with Store.open(store, readonly=True) as s:
        assert sum(len(s.suggestions(d)) for d in s.document_ids()) == total


def test_suggest_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store.json"
    assert main(["import", "--store", str(store), str(ROOT / "samples" / "corpus.jsonl")]) == 0
    gaz = tmp_path / "g.jsonl"
    gaz.write_text('{"text": "حماس", "label": "ORGANIZATION"}\n', encoding="utf-8")
    capsys.readouterr()
    args = ["suggest", "--store", str(store), "--annotator", "b", "--gazetteer", str(gaz), "--min-repeat", "0"]
    assert main([*args, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "ORGANIZATION" in out and "PERSON" not in out and "0 repeated lines" in out


def test_suggest_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", "--store", str(tmp_path / "none.json")]) == 2
    assert "import documents first" in capsys.readouterr().err
    store = tmp_path / "store.json"
    assert main(["import", "--store", str(store), str(ROOT / "samples" / "corpus.jsonl")]) == 0
    assert main(["suggest", "--store", str(store), "--gazetteer", str(tmp_path / "missing.toml")]) == 2


def test_suggest_follows_the_label_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store.json"
    assert main(["import", "--store", str(store), str(ROOT / "samples" / "corpus.jsonl")]) == 0
    labels = tmp_path / "labels.toml"
    labels.write_text(
        "".join(
            f'[[label]]\nname = "{n}"\nkey = "{k}"\ncolor = "#123456"\ngroup = "{g}"\nscope = "{s}"\n\n'
            for n, k, g, s in [("FURNITURE", "b", "boilerplate", "line"), ("PERSON", "p", "entity", "span")]
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["suggest", "--store", str(store), "--annotator", "s", "--labels", str(labels), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "no quote label" in captured.err and "ORGANIZATION" in captured.err  # what the schema cannot hold
    with Store.open(store, readonly=True) as s:
        found = {sp.label for doc_id in s.document_ids() for sp in s.suggestions(doc_id)}
    assert found == {"FURNITURE", "PERSON"}
