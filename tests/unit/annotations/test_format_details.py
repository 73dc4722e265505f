"""Smaller things a downstream user checks: counts, tag sets, column order, Label Studio JSON-MIN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main


def labels_file(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "labels.toml"
    path.write_text(
        "".join(
            f'[[label]]\nname = "{n}"\nkey = "{i + 1}"\ncolor = "#123456"\ngroup = "entity"\nscope = "span"\n\n'
            for i, n in enumerate(names)
        ),
        encoding="utf-8",
    )
    return path


def test_import_counts_the_records_it_adds_to_existing_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.json"
    texts = ["زار عمر القاهرة.", "قال محمد كلاما.", "نص ثالث هنا."]
    with Store.open(store) as s:
        s.add_documents([Document(f"d{i}", t) for i, t in enumerate(texts)])
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "text": t, "annotator": "gold:lead", "answer": "accept", "spans": []}) + "\n"
            for i, t in enumerate(texts)
        ),
        encoding="utf-8",
    )
    assert main(["import", "--store", str(store), "--no-progress", str(gold)]) == 0
    assert "3 already present; 3 annotation records added or changed" in capsys.readouterr().err
    assert main(["import", "--store", str(store), "--no-progress", str(gold)]) == 0
    assert "0 annotation records added or changed" in capsys.readouterr().err


def test_parquet_tag_names_are_the_labels_bio_tags_carry(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    text = "قال محمد «لن نتراجع» اليوم."
    store = tmp_path / "s.json"
    with Store.open(store) as s:
        s.add_documents([Document("a", text)])
        s.add_span("a", "sara", Span(4, 8, "PERSON"))
        s.add_span("a", "sara", Span(9, 20, "QUOTE"))
        s.set_answer("a", "sara", "accept")
    out = tmp_path / "t.parquet"
    assert main(["export", "--store", str(store), "--format", "parquet", "--out", str(out)]) == 0
    ds = datasets.load_dataset("parquet", data_files=str(out), split="train", cache_dir=str(tmp_path / "c"))
    names = ds.features["ner_tags"].feature.names
    assert "B-PERSON" in names and not any("QUOTE" in n or "BOILERPLATE" in n for n in names)
    assert {s["label"] for s in ds[0]["spans"]} == {"PERSON", "QUOTE"}  # the quotation is still in spans


def test_conll_nested_keeps_the_column_order_of_spans_with_one_extent(tmp_path: Path) -> None:
    # Wojood writes كيلو B-UNIT B-QUANTITY: two spans over one token, in that order
    source = "اشترى O\nعشرة B-QUANTITY\nكيلو I-QUANTITY B-UNIT B-QUANTITY\nأمس O\n\n"
    conll = tmp_path / "w.conll"
    conll.write_text(source, encoding="utf-8")
    store = tmp_path / "s.json"
    labels = labels_file(tmp_path, ["UNIT", "QUANTITY"])
    assert main(["import", "--store", str(store), "--labels", str(labels), "--format", "conll-nested", str(conll)]) == 0
    out = tmp_path / "o.conll"
    assert (
        main(["export", "--store", str(store), "--format", "conll-nested", "--answers", "all", "--out", str(out)]) == 0
    )
    assert out.read_text(encoding="utf-8") == source


def test_label_studio_json_min_rows_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # what label-studio-converter's JSON_MIN export writes
    text = "زار عمر القاهرة."
    rows = [
        {
            "text": text,
            "id": 7,
            "label": [{"start": 4, "end": 7, "text": "عمر", "labels": ["PERSON"]}],
            "annotator": 1,
            "annotation_id": 3,
            "created_at": "2024-03-26T10:46:40.123456Z",
            "updated_at": "2024-03-26T10:46:40.123456Z",
            "lead_time": 4.2,
        }
    ]
    path = tmp_path / "min.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "s.json"
    assert main(["import", "--store", str(store), "--no-progress", str(path)]) == 0, capsys.readouterr().err
    with Store.open(store, readonly=True) as s:
        [ann] = list(s.annotations())
        assert s.get_document(ann.doc_id).text == text
        assert [x.key for x in ann.spans] == [(4, 7, "PERSON")]
        assert ann.annotator == "label-studio-user-1" and ann.answer == "accept"
