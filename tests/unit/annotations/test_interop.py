"""Every export fed to the real tool that reads it, and round trips (import of export).

The corpus is made to hurt: CRLF, tabs, double spaces, RLM, U+2028 inside a span, emoji, harakat,
clitic spans (حماس inside لحماس, مصر inside ومصر), a name inside a quotation, two annotators with
different answers (one flagged) on one document.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import brat_rules
import pytest

from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main

T1 = "قال محمد  إن لحماس حقاً،\r\nوأضاف\t«لن نتراجع ومصر معنا»\u200f 😀 في القاهرةِ\u2028الجديدة."
T2 = "بيان من وزارة الصحة في غزة"


def at(text: str, word: str, skip: int = 0) -> tuple[int, int]:
    i = text.index(word)
    return i + skip, i + len(word)


SARA = [
    Span(*at(T1, "محمد"), "PERSON"),
    Span(*at(T1, "لحماس", 1), "ORGANIZATION"),
    Span(*at(T1, "ومصر", 1), "LOCATION"),
    Span(*at(T1, "«لن نتراجع ومصر معنا»"), "QUOTE"),
    Span(*at(T1, "القاهرةِ\u2028الجديدة"), "LOCATION"),
]
OMAR = [Span(*at(T1, "محمد"), "PERSON"), Span(*at(T1, "لحماس"), "ORGANIZATION")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", T1, meta={"site": "x"}), Document("d 2", T2)])
        for sp in SARA:
            s.add_span("d1", "sara", sp)
        s.set_answer("d1", "sara", "accept")
        for sp in OMAR:
            s.add_span("d1", "omar", sp)
        s.set_answer("d1", "omar", "flag")
        s.add_span("d 2", "sara", Span(*at(T2, "وزارة الصحة"), "ORGANIZATION"))
        s.add_span("d 2", "sara", Span(*at(T2, "غزة"), "LOCATION"))
        s.set_answer("d 2", "sara", "skip")
    return path


def export(store: Path, out: Path, fmt: str, *args: str) -> Path:
    assert main(["export", "--store", str(store), "--format", fmt, "--out", str(out), *args]) == 0
    return out


def records(store: Path) -> dict[tuple[str, str], tuple[str, str | None, list[tuple[int, int, str]]]]:
    with Store.open(store, readonly=True) as s:
        return {
            (a.doc_id, a.annotator): (s.get_document(a.doc_id).text, a.answer, sorted(x.key for x in a.spans))
            for a in s.annotations()
        }


# ----------------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize(
    ("fmt", "args"),
    [
        ("native", ()),
        ("prodigy", ()),
        ("doccano", ()),
        ("label-studio", ()),
        ("brat", ()),
        ("conll-nested", ("--comments", "--answers", "all")),
    ],
)
def test_round_trip_keeps_documents_spans_annotators_and_answers(
    corpus: Path, tmp_path: Path, fmt: str, args: tuple[str, ...]
) -> None:
    out = export(corpus, tmp_path / f"out.{fmt}", fmt, *args)
    other = tmp_path / "other.json"
    assert main(["import", str(out), "--store", str(other), "--format", fmt, "--annotator", "nobody"]) == 0
    with Store.open(corpus, readonly=True) as a, Store.open(other, readonly=True) as b:
        assert [(d.id, d.text, d.meta) for d in a.iter_documents()] == [
            (d.id, d.text, d.meta) for d in b.iter_documents()
        ]
    got = records(other)
    assert got == records(corpus)
    assert ("d1", "sara") in got and ("d1", "omar") in got  # two annotators on one document: two records


# ----------------------------------------------------------------------------------------------------
# spaCy


def test_prodigy_tokens_rebuild_the_text_in_spacy_and_every_span_is_strict(corpus: Path, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    out = export(corpus, tmp_path / "p.jsonl", "prodigy")
    vocab = spacy.vocab.Vocab()
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line]
    assert "\u2028" not in out.read_text(encoding="utf-8")  # escaped: readers that split on it still work
    assert {(r["id"], r.get("_annotator_id"), r.get("answer"), r.get("_flagged")) for r in rows} == {
        ("d1", "sara", "accept", None),
        ("d1", "omar", "ignore", True),
        ("d 2", "sara", "ignore", None),
    }
    for r in rows:
        doc = Doc(vocab, words=[t["text"] for t in r["tokens"]], spaces=[t["ws"] for t in r["tokens"]])
        assert doc.text == r["text"]
        for s in r["spans"]:
            span = doc.char_span(s["start"], s["end"], alignment_mode="strict")
            assert span is not None and span.text == s["text"]
            assert (span.start, span.end - 1) == (s["token_start"], s["token_end"])


@pytest.mark.slow
def test_spacy_docbin(corpus: Path, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = export(corpus, tmp_path / "train.spacy", "spacy", "--answers", "all")
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("ar").vocab))
    by = {(d.user_data["id"], d.user_data["annotator"]): d for d in docs}
    sara = by["d1", "sara"]
    assert sara.text == T1
    assert {(e.text, e.label_) for e in sara.ents} == {
        ("محمد", "PERSON"),
        ("حماس", "ORGANIZATION"),
        ("مصر", "LOCATION"),
        ("القاهرةِ\u2028الجديدة", "LOCATION"),
    }
    assert [s.text for s in sara.spans["quote"]] == ["«لن نتراجع ومصر معنا»"]
    assert len(sara.spans["entity"]) == 4
    assert by["d1", "omar"].user_data["answer"] == "flag"


# ----------------------------------------------------------------------------------------------------
# CoNLL: spacy convert, seqeval


@pytest.mark.slow
def test_spacy_convert_reads_the_conll_export_as_is(corpus: Path, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    out = export(corpus, tmp_path / "train.conll", "conll", "--annotator", "sara", "--answers", "all")
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(out), str(tmp_path), "-c", "ner"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    docs = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(spacy.blank("xx").vocab))
    assert len(docs) == 2
    assert [(e.text, e.label_) for e in docs[0].ents] == [
        ("محمد", "PERSON"),
        ("حماس", "ORGANIZATION"),
        ("مصر", "LOCATION"),
        ("القاهرةِ الجديدة", "LOCATION"),
    ]


def test_conll_is_strict_iob2_for_seqeval(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("seqeval")
    from seqeval.scheme import IOB2, Entities

    from annotations.formats.columns import read_columns

    out = export(corpus, tmp_path / "x.conll", "conll", "--answers", "all")
    content = out.read_text(encoding="utf-8")
    assert not any(line.startswith("#") for line in content.splitlines())  # no comments by default
    blocks = [b for b in content.split("-DOCSTART- -X- O O\n") if b.strip()]
    docs = list(read_columns(content.splitlines(keepends=True), columns="last"))
    assert len(blocks) == len(docs) == 3
    for block, doc in zip(blocks, docs, strict=True):
        tags = [line.split("\t")[1] for line in block.splitlines() if line.strip()]
        strict = {(e.tag, e.start, e.end) for e in Entities([tags], IOB2).entities[0]}
        starts = [a for a, _ in doc.tokens]
        ends = [b for _, b in doc.tokens]
        assert strict == {(x.label, starts.index(x.start), ends.index(x.end) + 1) for x in doc.spans}
    assert sum(len(d.spans) for d in docs) == 4 + 2 + 2  # sara d1 (entities only), omar d1, sara "d 2"


def test_conll_nested_layers_are_strict_iob2(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("seqeval")
    from seqeval.scheme import IOB2, Entities

    from annotations.formats import conll_nested

    enc = conll_nested.nested_tags(T1, SARA)
    for layer in enc.layers():
        entities = Entities([layer], IOB2).entities[0]
        assert len(entities) == sum(t.startswith("B-") for t in layer)


# ----------------------------------------------------------------------------------------------------
# Parquet / Hugging Face datasets


@pytest.mark.slow
def test_parquet_loads_in_datasets_with_classlabel_tags(corpus: Path, tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    out = export(corpus, tmp_path / "train.parquet", "parquet", "--answers", "all")
    ds = datasets.load_dataset("parquet", data_files=str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert len(ds) == 3
    names = ds.features["ner_tags"].feature.names
    assert names[0] == "O" and "B-PERSON" in names
    row = next(r for r in ds if r["id"] == "d1" and r["annotator"] == "sara")
    assert row["text"] == T1 and row["answer"] == "accept"
    assert {(s["text"], s["label"]) for s in row["spans"]} >= {
        ("حماس", "ORGANIZATION"),
        ("«لن نتراجع ومصر معنا»", "QUOTE"),
    }
    tags = [names[i] for i in row["ner_tags"]]
    assert [tok for tok, tag in zip(row["tokens"], tags, strict=True) if tag != "O"] == [
        "محمد",
        "حماس",
        "مصر",
        "القاهرةِ",
        "الجديدة",
    ]
    assert all(T1[a:b] == t for t, a, b in zip(row["tokens"], row["token_start"], row["token_end"], strict=True))


# ----------------------------------------------------------------------------------------------------
# brat


def test_every_brat_line_passes_brats_own_rules(corpus: Path, tmp_path: Path) -> None:
    out = export(corpus, tmp_path / "brat", "brat")
    anns = sorted(out.glob("*.ann"))
    assert [a.name for a in anns] == ["d1.omar.ann", "d1.sara.ann", "d_2.ann"]
    for ann in anns:
        parsed = brat_rules.check_document(ann.with_suffix(".txt"), ann)
        assert parsed
    text = brat_rules.document_text(out / "d1.sara.txt")
    labels = [(t, got) for _, t, _, got in brat_rules.check_document(out / "d1.sara.txt", out / "d1.sara.ann")]
    assert ("ORGANIZATION", "حماس") in labels and ("LOCATION", "القاهرةِ الجديدة") in labels
    assert "\r" not in text and (out / "d1.sara.txt").read_bytes() == T1.encode("utf-8")  # the file keeps CRLF


def test_brat_tab_inside_a_span_and_crlf_inside_a_span(tmp_path: Path) -> None:
    text = "أ\tب ج\r\nد"
    store = tmp_path / "s.json"
    with Store.open(store) as s:
        s.add_documents([Document("t", text)])
        s.add_span("t", "a", Span(0, 3, "MISC"))  # "أ\tب": a tab inside
        s.add_span("t", "a", Span(2, 8, "QUOTE"))  # across the CRLF
    out = export(store, tmp_path / "b", "brat")
    parsed = brat_rules.check_document(out / "t.txt", out / "t.ann")
    assert [(spans, got) for _, _, spans, got in parsed] == [([(0, 3)], "أ\tب"), ([(2, 5), (6, 7)], "ب ج د")]


def test_brat_example_data_imports_with_spans_unchanged(tmp_path: Path) -> None:
    shared = [p / "interop" / "brat" for p in (Path(__file__).parents[4] / "shared", Path("/work/shared"))]
    src = next((p for p in shared if (p / "esp.train-doc-100.ann").is_file()), None)
    if src is None:
        pytest.skip("brat's example data is not here")
    store = tmp_path / "s.json"
    labels = str(_labels(tmp_path))
    assert main(["import", str(src), "--store", str(store), "--annotator", "brat", "--labels", labels]) == 0
    expected = [
        (label, text)
        for _, label, _, text in brat_rules.check_document(src / "esp.train-doc-100.txt", src / "esp.train-doc-100.ann")
    ]
    with Store.open(store, readonly=True) as s:
        doc = s.get_document("esp.train-doc-100")
        ann = s.get_annotation(doc.id, "brat")
        assert ann is not None
        assert sorted((x.label, doc.text[x.start : x.end]) for x in ann.spans) == sorted(expected)


# ----------------------------------------------------------------------------------------------------
# Label Studio


def test_label_studio_uses_its_own_fields(corpus: Path, tmp_path: Path) -> None:
    out = export(corpus, tmp_path / "ls.json", "label-studio")
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["id"] for t in tasks] == [1, 2]
    d1 = tasks[0]
    assert d1["data"]["id"] == "d1"
    by = {a["completed_by"]["email"]: a for a in d1["annotations"]}
    assert by["sara@reader.local"]["was_cancelled"] is False
    assert tasks[1]["annotations"][0]["was_cancelled"] is True  # skip
    # what Label Studio's server gives back (annotation meta dropped, users by id) still says who and what
    for a in (a for t in tasks for a in t["annotations"]):
        del a["meta"]
    stripped = tmp_path / "from-server.json"
    stripped.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    other = tmp_path / "o.json"
    assert main(["import", str(stripped), "--store", str(other)]) == 0
    got = records(other)
    assert set(got) == {("d1", "sara"), ("d1", "omar"), ("d 2", "sara")}
    assert got["d 2", "sara"][1] == "skip" and got["d1", "sara"][1] == "accept"


@pytest.mark.slow
def test_label_studio_converter_reads_the_export(corpus: Path, tmp_path: Path) -> None:
    # issue 9 item 6: label-studio-converter crashed with KeyError: 'id' (tasks had no top-level id)
    converter = pytest.importorskip("label_studio_converter")
    out = export(corpus, tmp_path / "ls.json", "label-studio")
    config = (
        '<View><Labels name="label" toName="text">'
        + "".join(f'<Label value="{x}"/>' for x in ("PERSON", "ORGANIZATION", "LOCATION", "QUOTE"))
        + '</Labels><Text name="text" value="$text"/></View>'
    )
    c = converter.Converter(config=config, project_dir=str(tmp_path))
    c.convert_to_json_min(str(out), str(tmp_path / "min"), is_dir=False)
    rows = json.loads((tmp_path / "min" / "result.json").read_text(encoding="utf-8"))
    got = {(r["id"], r["annotator"]): sorted((x["text"], x["labels"][0]) for x in r.get("label", [])) for r in rows}
    # the skipped record ("d 2") is a cancelled annotation, which the converter leaves out by design
    assert got == {
        (1, "sara@reader.local"): sorted(
            [
                ("محمد", "PERSON"),
                ("حماس", "ORGANIZATION"),
                ("مصر", "LOCATION"),
                ("«لن نتراجع ومصر معنا»", "QUOTE"),
                ("القاهرةِ\u2028الجديدة", "LOCATION"),
            ]
        ),
        (1, "omar@reader.local"): [("لحماس", "ORGANIZATION"), ("محمد", "PERSON")],
    }


# ----------------------------------------------------------------------------------------------------
# Real files written by the tools


DATA = Path(__file__).parents[2] / "data" / "interop"


def test_real_prodigy_file_imports_with_spans_unchanged(tmp_path: Path) -> None:
    src = DATA / "prodigy_ner_tweets_sample.jsonl"
    store = tmp_path / "s.json"
    assert (
        main(["import", str(src), "--store", str(store), "--annotator", "p", "--labels", str(_labels(tmp_path))]) == 0
    )
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    with Store.open(store, readonly=True) as s:
        for r in rows:
            doc = next(d for d in s.iter_documents() if d.text == r["text"])
            ann = s.get_annotation(doc.id, "p")
            want = sorted((x["start"], x["end"], x["label"]) for x in r["spans"])
            assert sorted(x.key for x in (ann.spans if ann else [])) == want
    # and after export, the spans are where they were (issue 9: "John" moved from 78..82 to 77..81)
    out = export(store, tmp_path / "again.jsonl", "prodigy")
    again = {json.loads(line)["text"]: json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()}
    for r in rows:
        assert [(x["start"], x["end"], x["label"]) for x in again[r["text"]]["spans"]] == [
            (x["start"], x["end"], x["label"]) for x in r["spans"]
        ]
        toks = again[r["text"]]["tokens"]
        assert "".join(t["text"] + (" " if t["ws"] else "") for t in toks) == r["text"]


def _labels(tmp_path: Path) -> Path:
    p = tmp_path / "labels.toml"
    names = ("PERSON", "ORG", "LOC", "PRODUCT", "GPE", "NORP", "FAC", "EVENT", "PER", "MISC", "DATE")
    p.write_text(
        "".join(
            f'[[label]]\nname = "{n}"\nkey = "{k}"\ncolor = "#123456"\ngroup = "entity"\nscope = "span"\n'
            for n, k in zip(names, "pol1234567e", strict=True)
        ),
        encoding="utf-8",
    )
    return p


def test_real_doccano_files_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.json"
    labels = str(_labels(tmp_path))
    rel = DATA / "doccano_import_example_relation_extraction.jsonl"
    assert main(["import", str(rel), "--store", str(store), "--labels", labels, "--annotator", "d"]) == 0
    err = capsys.readouterr().err
    assert "doccano relations are not imported" in err and "(3×)" in err  # said, not silently dropped
    with Store.open(store, readonly=True) as s:
        [doc] = list(s.iter_documents())
        ann = s.get_annotation(doc.id, "d")
        assert ann is not None
        assert [(doc.text[x.start : x.end], x.label) for x in sorted(ann.spans)] == [
            ("Google", "ORG"),
            ("September 4, 1998", "DATE"),
            ("Larry Page", "PERSON"),
            ("Sergey Brin", "PERSON"),
        ]
    seq = DATA / "doccano_test_sequence_labeling_example.jsonl"
    # its third line has no "text": reported with its line, and skipped on request
    assert main(["import", str(seq), "--store", str(store), "--labels", labels]) == 2
    assert ':3: no "text" string' in capsys.readouterr().err
    assert main(["import", str(seq), "--store", str(store), "--labels", labels, "--skip-invalid"]) == 0


def test_conll_comment_lines_and_hash_tokens(tmp_path: Path) -> None:
    from annotations.formats.columns import read_columns

    # issue 9 item 7: no "# id" lines by default (spacy convert fails on them: E177); a "#" token stays a token
    store = tmp_path / "s.json"
    with Store.open(store) as s:
        s.add_documents([Document("h", "تظاهرة #غزة اليوم")])
        s.add_span("h", "a", Span(8, 11, "LOCATION"))
        s.set_answer("h", "a", "accept")
    out = export(store, tmp_path / "h.conll", "conll")
    assert out.read_text(encoding="utf-8") == "-DOCSTART- -X- O O\n\nتظاهرة\tO\n#\tO\nغزة\tB-LOCATION\nاليوم\tO\n\n"
    [doc] = read_columns(io.StringIO(out.read_text(encoding="utf-8")), columns="last")
    assert doc.text == "تظاهرة # غزة اليوم" and [(doc.text[s.start : s.end], s.label) for s in doc.spans] == [
        ("غزة", "LOCATION")
    ]


# ----------------------------------------------------------------------------------------------------
# spaCy DocBin and Parquet: what we export imports back


def _spacy_docs(path: Path) -> list[tuple[object, ...]]:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    docs = DocBin().from_disk(path).get_docs(spacy.blank("ar").vocab)
    return [
        (
            d.text,
            dict(d.user_data),
            [(e.start_char, e.end_char, e.label_) for e in d.ents],
            {k: [(s.start_char, s.end_char, s.label_) for s in g] for k, g in d.spans.items()},
        )
        for d in docs
    ]


def _parquet_rows(path: Path) -> list[dict[str, object]]:
    pq = pytest.importorskip("pyarrow.parquet")
    rows: list[dict[str, object]] = pq.read_table(path).to_pylist()
    return rows


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "read"), [("spacy", _spacy_docs), ("parquet", _parquet_rows)])
def test_spacy_and_parquet_exports_import_back_and_export_identically(
    corpus: Path, tmp_path: Path, fmt: str, read: object
) -> None:
    first = export(corpus, tmp_path / f"first.{fmt}", fmt, "--answers", "all")
    other = tmp_path / "other.json"
    assert main(["import", str(first), "--store", str(other), "--annotator", "nobody"]) == 0  # by its suffix
    with Store.open(corpus, readonly=True) as a, Store.open(other, readonly=True) as b:
        assert [(d.id, d.text, d.meta) for d in a.iter_documents()] == [
            (d.id, d.text, d.meta) for d in b.iter_documents()
        ]
    assert records(other) == records(corpus)  # documents, spans, annotators and answers
    second = export(other, tmp_path / f"second.{fmt}", fmt, "--answers", "all")
    assert callable(read)
    assert read(second) == read(first)


@pytest.mark.slow
def test_parquet_import_reads_the_offset_unit_the_file_was_written_in(corpus: Path, tmp_path: Path) -> None:
    first = export(corpus, tmp_path / "utf16.parquet", "parquet", "--offsets", "utf16", "--answers", "all")
    other = tmp_path / "other.json"
    assert main(["import", str(first), "--store", str(other)]) == 0
    assert records(other) == records(corpus)  # T1 has an emoji: code points would be off by one after it


def test_a_file_that_is_not_a_docbin_or_parquet_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("bad.spacy", "bad.parquet"):
        bad = tmp_path / name
        bad.write_bytes(b"\x00\x01 not this format")
        store = tmp_path / "s.json"
        assert main(["import", str(bad), "--store", str(store)]) == 2
        err = capsys.readouterr().err
        assert name in err and "damaged" in err and "Traceback" not in err
        assert not list(tmp_path.glob("s.json*"))


@pytest.mark.slow
def test_a_docbin_made_by_spacy_itself_imports_its_entities_and_span_groups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    nlp = spacy.blank("ar")
    doc = nlp.make_doc(T2)
    doc.ents = [doc.char_span(*at(T2, "وزارة الصحة"), label="ORGANIZATION")]
    doc.spans["sc"] = [
        doc.char_span(*at(T2, "غزة"), label="LOCATION"),
        doc.char_span(*at(T2, "وزارة الصحة"), label="ORGANIZATION"),
    ]
    doc.cats = {"health": 1.0}
    path = tmp_path / "made-by-spacy.spacy"
    DocBin(docs=[doc]).to_disk(path)
    store = tmp_path / "s.json"
    assert main(["import", str(path), "--store", str(store), "--annotator", "lina"]) == 0
    assert "doc.cats" in capsys.readouterr().err  # said, not silently dropped
    ((key, (text, answer, spans)),) = records(store).items()
    assert key[1] == "lina" and text == T2 and answer is None
    assert spans == sorted([(*at(T2, "وزارة الصحة"), "ORGANIZATION"), (*at(T2, "غزة"), "LOCATION")])
