from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.errors import UserError
from annotations.formats import ExportOptions, export
from annotations.formats.brat import fragments
from annotations.importing import parse_record
from annotations.labels import LabelSchema
from annotations.model import Annotation, Document, Span
from annotations.store import Store
from reader.cli import main

TEXT = "قال محمد إن حماس وافقت على الهدنة في القاهرة.\nوأضاف: «لن نتراجع»."
SPANS = [
    Span(4, 8, "PERSON"),
    Span(37, 44, "LOCATION"),
    Span(12, 16, "ORGANIZATION", origin="suggested", pending=True),
]


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT, meta={"site": "x"}), Document("d2", "نص بلا وسوم")])
        for sp in SPANS:
            s.add_span("d1", "sara", sp)
        s.set_answer("d1", "sara", "accept")
        s.add_span("d1", "omar", Span(4, 8, "PERSON"))
        s.add_span("d1", "omar", Span(13, 16, "ORGANIZATION"))  # inside the token لحماس? no: inside حماس
        s.set_answer("d1", "omar", "reject")
    return path


def run_export(store: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert main(["export", "--store", str(store), *args]) == 0
    out = capsys.readouterr()
    return out.out, out.err


def test_native(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = run_export(filled, capsys=capsys)
    rows = [json.loads(x) for x in out.splitlines()]
    assert [(r["id"], r["annotator"]) for r in rows] == [("d1", "omar"), ("d1", "sara"), ("d2", None)]
    sara = rows[1]
    assert sara["answer"] == "accept" and sara["meta"] == {"site": "x"} and sara["text_hash"]
    assert {
        "start": 12,
        "end": 16,
        "label": "ORGANIZATION",
        "origin": "suggested",
        "pending": True,
        "text": "حماس",
    } in sara["spans"]
    assert "محمد" in out  # UTF-8, not escapes
    out, _ = run_export(filled, "--answers", "accept", "--no-include-pending", capsys=capsys)
    rows = [json.loads(x) for x in out.splitlines()]
    assert len(rows) == 1 and all(not s.get("pending") for s in rows[0]["spans"])


@pytest.mark.parametrize("fmt", ["native", "prodigy", "doccano"])
def test_round_trip(filled: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / f"out.{fmt}.jsonl"
    run_export(
        filled,
        "--format",
        fmt,
        "--out",
        str(out_file),
        "--annotator",
        "sara",
        "--include-pending",
        capsys=capsys,
    )
    other = tmp_path / "other.json"
    assert main(["import", str(out_file), "--store", str(other), "--annotator", "sara"]) == 0
    with Store.open(filled, readonly=True) as a, Store.open(other, readonly=True) as b:
        # --annotator sara: sara's records only (d2, which nobody labelled, is not an annotation)
        assert [(d.id, d.text, d.meta) for d in a.iter_documents() if d.id == "d1"] == [
            (d.id, d.text, d.meta) for d in b.iter_documents()
        ]
        keys = lambda ann: sorted(s.key for s in ann.spans)  # noqa: E731
        assert keys(a.get_annotation("d1", "sara")) == keys(b.get_annotation("d1", "sara"))  # type: ignore[arg-type]
        if fmt == "native":
            # every field of every span; the pending suggestion is in the importing store's shared layer
            assert sorted(a.get_annotation("d1", "sara").spans) == sorted(b.get_annotation("d1", "sara").spans)  # type: ignore[union-attr]
            assert [s.key for s in b.suggestions("d1")] == [(12, 16, "ORGANIZATION")]
        if fmt != "doccano":
            assert b.get_annotation("d1", "sara").answer == "accept"  # type: ignore[union-attr]


def test_prodigy_tokens(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run_export(filled, "--format", "prodigy", "--annotator", "omar", capsys=capsys)
    row = json.loads(out.splitlines()[0])
    toks = row["tokens"]
    assert toks[1] == {"text": "محمد", "start": 4, "end": 8, "id": 1, "ws": True}
    assert row["spans"][0] == {
        "start": 4,
        "end": 8,
        "label": "PERSON",
        "token_start": 1,
        "token_end": 1,
        "text": "محمد",
    }
    assert row["answer"] == "reject" and isinstance(row["_input_hash"], int) and isinstance(row["_task_hash"], int)
    # ماس inside حماس: the token is split at the span's boundary, so the span aligns
    org = row["spans"][1]
    assert [t["text"] for t in toks[org["token_start"] : org["token_end"] + 1]] == ["ماس"]
    assert "warning" not in err
    again, _ = run_export(filled, "--format", "prodigy", "--annotator", "omar", capsys=capsys)
    assert again == out  # stable hashes


def test_conll_splits_tokens_at_span_boundaries(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = run_export(filled, "--format", "conll", "--annotator", "omar", "--answers", "all", capsys=capsys)
    assert out.startswith("-DOCSTART- -X- O O\n\n")
    assert "محمد\tB-PERSON\n" in out and "ح\tO\nماس\tB-ORGANIZATION\n" in out
    assert "warning" not in err
    # a clitic: حماس inside لحماس
    s = Annotation("x", "a", Document("x", "دعم لحماس").text_hash, [Span(5, 9, "ORGANIZATION")])
    warnings: list[str] = []
    from annotations.formats import conll

    lines = conll.lines(Document("x", "دعم لحماس"), s, ExportOptions(), warnings.append)
    assert lines[-4:] == ["دعم\tO", "ل\tO", "حماس\tB-ORGANIZATION", ""] and not warnings


def test_label_studio(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = run_export(filled, "--format", "label-studio", capsys=capsys)
    tasks = json.loads(out)
    assert len(tasks) == 1 and tasks[0]["data"]["text"] == TEXT  # d2: nobody labelled it, nothing to review
    results = tasks[0]["annotations"][1]["result"]
    assert results[0]["value"] == {"start": 4, "end": 8, "text": "محمد", "labels": ["PERSON"]}
    assert results[0]["from_name"] == "label" and results[0]["to_name"] == "text" and results[0]["type"] == "labels"


def test_brat(filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "brat"
    run_export(filled, "--format", "brat", "--out", str(out_dir), "--annotator", "sara", capsys=capsys)
    assert (out_dir / "d1.txt").read_text(encoding="utf-8") == TEXT
    ann = (out_dir / "d1.ann").read_text(encoding="utf-8")
    assert ann == "T1\tPERSON 4 8\tمحمد\nT2\tLOCATION 37 44\tالقاهرة\n"
    assert "PERSON" in (out_dir / "annotation.conf").read_text(encoding="utf-8")
    assert fragments("ab\ncd", Span(0, 5, "X")) == [(0, 2), (3, 5)]


def test_reslice_mismatch_fails_loudly(filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(filled) as s:
        s.add_documents([Document("d1", "نص مختلف تماما")])  # the text changed under the annotations
    out = tmp_path / "x.jsonl"
    assert main(["export", "--store", str(filled), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "document d1, annotator omar: the annotation was made on another version of the text" in err
    assert not out.exists() and not list(tmp_path.glob(".x.jsonl.tmp*"))
    assert main(["export", "--store", str(filled), "--out", str(out), "--skip-stale"]) == 0
    bad = Annotation("d", "a", Document("d", "abc").text_hash, [Span(1, 9, "P")])
    with pytest.raises(UserError, match="outside the text"):
        from annotations.formats import native

        native.record(Document("d", "abc"), bad)


def test_export_works_while_app_has_store_open(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(filled) as s:
        s.add_span("d2", "sara", Span(0, 2, "MISC"))
        out, _ = run_export(filled, "--annotator", "sara", capsys=capsys)
    assert '"label":"MISC"' in out


@st.composite
def docs_with_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    alphabet = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءآأؤإئةى،.؟\n0123456789َُِّ«»"))
    text = draw(st.text(alphabet, min_size=1, max_size=80))
    labels = ["PERSON", "LOCATION", "ORGANIZATION", "QUOTE"]
    spans = draw(
        st.lists(
            st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text)), st.sampled_from(labels)),
            max_size=6,
        )
    )
    return text, sorted({Span(min(a, b - 1), max(a + 1, b), lab, origin="imported") for a, b, lab in spans})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs_with_spans(), st.sampled_from(["native", "prodigy", "doccano"]))
def test_property_round_trip(case: tuple[str, list[Span]], fmt: str) -> None:
    from annotations.formats import doccano, native, prodigy

    text, spans = case
    doc = Document("p1", text)
    ann = Annotation("p1", "a", doc.text_hash, list(spans), "accept")
    if fmt == "native":
        rec = native.record(doc, ann)
    elif fmt == "prodigy":
        rec = prodigy.record(doc, ann)
    else:
        rec = doccano.record(doc, ann)
    line = json.dumps(rec, ensure_ascii=False)
    assert "\n" not in line
    back, anns = parse_record(json.loads(line), annotator="a", schema=LabelSchema.default())
    assert back.id == "p1" and back.text == text
    got = anns[0].spans if anns else []
    assert sorted(s.key for s in got) == [s.key for s in spans]


def test_export_stream_api(filled: Path) -> None:
    with Store.open(filled, readonly=True) as s:
        buf = io.StringIO()
        n = export(s, "doccano", buf, ExportOptions(annotator="sara"), lambda m: None)
    assert n == 1 and buf.getvalue().count("\n") == 1  # sara's record; d2, which nobody labelled, is not one


def test_no_textual_or_rich() -> None:
    code = (
        "import sys, annotations.store, annotations.importing, annotations.formats, annotations.labels, "
        "annotations.tokens, annotations.paths\n"
        "import annotations.formats.native, annotations.formats.conll\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(("fmt", "module", "extra"), [("spacy", "spacy", "spacy"), ("parquet", "pyarrow", "parquet")])
def test_optional_formats_say_how_to_install_what_is_missing(
    filled: Path,
    tmp_path: Path,
    fmt: str,
    module: str,
    extra: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if it were not installed
    out = tmp_path / "x.bin"
    assert main(["export", "--store", str(filled), "--format", fmt, "--out", str(out)]) == 2
    assert f"pip install 'reader-arabic[{extra}]'" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".x.bin*"))
