"""`reader train` and `reader suggest --model` end to end on a store: train -> suggest -> review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotations.model import Span
from annotations.store import Store
from reader.cli import main

pytestmark = pytest.mark.slow  # trains models (seconds)

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "data" / "wojood_tiny" / "documents.jsonl"  # see SOURCE.md beside it


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "store.json"
    assert main(["import", "--store", str(path), str(FIXTURE)]) == 0
    capsys.readouterr()
    return path


def test_train_suggest_review(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ner"
    assert main(["train", "--store", str(store), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "trained on 7 documents" in printed and "micro" in printed and "learning curve" in printed
    info = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert info["backend"] == "crf" and info["name"] == "ner"
    assert set(info["labels"]) <= {"PERSON", "ORGANIZATION", "LOCATION", "DATE", "EVENT"}
    assert len(info["data_hash"]) == 16
    ev = info["evaluation"]
    assert ev["test_documents"] == 2 and 0 <= ev["micro"]["f1"] <= 1
    assert [row["share"] for row in ev["learning_curve"]] == [0.25, 0.5, 0.75, 1.0]

    # suggest for a new annotator, model only
    args = ["suggest", "--store", str(store), "--annotator", "rana", "--model", str(out), "--no-progress"]
    assert main([*args, "--no-gazetteer", "--no-learn", "--min-repeat", "0"]) == 0
    assert "model ner" in capsys.readouterr().out
    with Store.open(store) as s:
        # suggestions are a shared layer: rana sees them as pending in her (virtual) record
        records = [a for d in s.document_ids() if (a := s.get_annotation(d, "rana")) is not None]
        suggested = [(a.doc_id, sp) for a in records for sp in a.spans if sp.rule == "model:ner"]
        assert len(suggested) > 50
        for _doc_id, sp in suggested:
            assert sp.pending and sp.origin == "suggested" and sp.confidence is not None
            assert 0.0 < sp.confidence <= 1.0
        # the model learned Wojood's whole-word convention: spans start and end on word boundaries
        doc_id, first = suggested[0]
        text = s.get_document(doc_id).text
        assert first.start == 0 or text[first.start - 1] in " \n"
        # review: accept one through the public API
        s.replace_span(doc_id, "rana", first, first.accepted())
    with Store.open(store, readonly=True) as s:
        a = s.get_annotation(doc_id, "rana")
        assert a is not None
        kept = [sp for sp in a.spans if sp.key == first.key]
        assert len(kept) == 1 and not kept[0].pending and kept[0].rule == "model:ner"

    # a second run adds nothing; a rejected suggestion is never suggested again
    with Store.open(store) as s:
        a = s.get_annotation(doc_id, "rana")
        assert a is not None
        victim = next(sp for sp in a.spans if sp.pending)

        def reject(rec: object) -> bool:
            rec.spans = [sp for sp in rec.spans if sp.key != victim.key]  # type: ignore[attr-defined]
            rec.rejected.append(victim)  # type: ignore[attr-defined]
            return True

        s.update(doc_id, "rana", reject)
    assert main([*args, "--no-gazetteer", "--no-learn", "--min-repeat", "0"]) == 0
    assert "added 0 suggestions" in capsys.readouterr().out


def test_too_little_data(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small = tmp_path / "small.json"
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()[:3]
    (tmp_path / "three.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", "--store", str(small), str(tmp_path / "three.jsonl")]) == 0
    capsys.readouterr()
    assert main(["train", "--store", str(small), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "too little data" in err and "2 more documents" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_model_directory_errors(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ner"
    assert main(["train", "--store", str(store), "--out", str(out), "--no-curve"]) == 0
    capsys.readouterr()
    base = ["suggest", "--store", str(store), "--annotator", "x", "--no-progress"]

    assert main([*base, "--model", str(tmp_path / "nowhere")]) == 2
    assert "no model directory" in capsys.readouterr().err

    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / "model.json").write_text("{not json", encoding="utf-8")
    assert main([*base, "--model", str(broken)]) == 2
    assert "damaged model file" in capsys.readouterr().err

    newer = tmp_path / "newer"
    shutil.copytree(out, newer)
    info = json.loads((newer / "model.json").read_text(encoding="utf-8"))
    (newer / "model.json").write_text(json.dumps({**info, "format": 99}), encoding="utf-8")
    assert main([*base, "--model", str(newer)]) == 2
    assert "newer" in capsys.readouterr().err

    gone = tmp_path / "gone"
    shutil.copytree(out, gone)
    (gone / "crf.model").unlink()
    assert main([*base, "--model", str(gone)]) == 2
    assert "crf.model is missing" in capsys.readouterr().err

    # a labels file with none of the model's labels is refused; training never overwrites a non-model dir
    labels = tmp_path / "labels.toml"
    labels.write_text('[[label]]\nname = "X"\nkey = "y"\ncolor = "#123456"\ngroup = "entity"\nscope = "span"\n')
    assert main([*base, "--model", str(out), "--labels", str(labels), "--no-gazetteer"]) == 2
    assert "has none of them" in capsys.readouterr().err
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    assert main(["train", "--store", str(store), "--out", str(other), "--no-curve"]) == 2
    assert "not a model directory" in capsys.readouterr().err
    assert (other / "keep.txt").read_text() == "mine"


def test_spacy_backend(store: Path, tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from annotations.suggest.model import ModelSuggester
    from annotations.tagger.modeldir import ModelInfo, write_model
    from annotations.tagger.training import evaluate, fit, select_examples

    with Store.open(store, readonly=True) as s:
        examples = select_examples(s, ["PERSON", "ORGANIZATION", "LOCATION", "DATE", "EVENT"]).examples
    fitted = fit("spacy", examples, tmp_path / "work", params={"epochs": 8})
    assert evaluate(fitted.tagger, examples).micro.f1 > 0.5  # it learned something from its own data
    info = ModelInfo("sp", "spacy", fitted.tagger.labels, "h", len(examples), 0, fitted.boundaries)
    write_model(tmp_path / "sp", fitted.tagger, info, fitted.lexicon, [])
    suggester = ModelSuggester.load(tmp_path / "sp")
    spans = suggester.suggest(examples[0].text)
    assert spans and all(isinstance(sp, Span) and sp.rule == "model:sp" for sp in spans)


def test_spacy_missing_is_a_clear_error(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)
    assert main(["train", "--store", str(store), "--backend", "spacy", "--out", str(tmp_path / "m")]) == 2
    assert "reader-arabic[spacy]" in capsys.readouterr().err


def test_a_saved_model_predicts_what_it_predicted_before_saving(store: Path, tmp_path: Path) -> None:
    from annotations.suggest.model import ModelSuggester
    from annotations.tagger.modeldir import ModelInfo, load_model, write_model
    from annotations.tagger.training import fit, select_examples

    with Store.open(store, readonly=True) as s:
        examples = select_examples(s, ["PERSON", "ORGANIZATION", "LOCATION", "DATE", "EVENT"]).examples
    fitted = fit("crf", examples[:5], tmp_path / "work")
    info = ModelInfo("m", "crf", fitted.tagger.labels, "h", 5, 0, fitted.boundaries)
    write_model(tmp_path / "m", fitted.tagger, info, fitted.lexicon, list(fitted.gazetteer), list(fitted.names))
    loaded = load_model(tmp_path / "m")
    assert loaded.info.boundaries == fitted.boundaries
    for e in examples[5:]:
        before = fitted.tagger.predict(e.text)
        assert before and loaded.tagger.predict(e.text) == before
        assert [sp.key for sp in ModelSuggester(loaded.tagger, "m").suggest(e.text)] == [sp.key for sp in before]
