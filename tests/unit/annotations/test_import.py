from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annotations.errors import UserError
from annotations.importing import import_paths, parse_record, read_txt_document
from annotations.labels import LabelSchema
from annotations.model import Document, derive_id
from annotations.store import Store
from reader.cli import main

TEXT = "قال محمد إن حماس وافقت على الهدنة في القاهرة."


def line(**kw: object) -> str:
    return json.dumps(kw, ensure_ascii=False) + "\n"


def fingerprint(store_path: Path) -> dict[str, str]:
    out = {}
    for p in sorted(store_path.parent.glob(store_path.name + "*")):
        if not p.name.endswith(".lock"):
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document("seed", "نص موجود من قبل")])
    return path


def test_txt_and_directory(tmp_path: Path) -> None:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "b.txt").write_text(TEXT, encoding="utf-8")
    (d / "sub" / "a.txt").write_bytes(b"\xef\xbb\xbf" + "مقال آخر".encode())
    (d / "c.jsonl").write_text(line(id="j1", text="نص"), encoding="utf-8")
    (d / "ignored.md").write_text("x", encoding="utf-8")
    store = tmp_path / "s.json"
    assert main(["import", str(d), "--store", str(store)]) == 0
    with Store.open(store) as s:
        assert s.document_ids() == [derive_id(TEXT), "j1", derive_id("مقال آخر")]
        doc = s.get_document(derive_id(TEXT))
        assert doc.source == str(d / "b.txt") and doc.text == TEXT
    # same content under another name is the same document
    (tmp_path / "copy.txt").write_text(TEXT, encoding="utf-8")
    assert main(["import", str(d), str(tmp_path / "copy.txt"), "--store", str(store)]) == 0
    with Store.open(store) as s:
        assert len(s) == 3


def test_formats_detected_per_line(tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_text(
        line(
            id="n",
            text=TEXT,
            spans=[{"start": 4, "end": 8, "label": "PERSON", "origin": "manual"}],
            answer="accept",
            annotator="sara",
        )
        + line(
            text=TEXT + " ٢",
            spans=[{"start": 12, "end": 16, "label": "ORGANIZATION"}],
            _input_hash=5,
            answer="ignore",
        )
        + line(id=7, text=TEXT + " ٣", label=[[37, 44, "LOCATION"]], meta={"src": "x"}),
        encoding="utf-8",
    )
    store = tmp_path / "s.json"
    assert main(["import", str(f), "--store", str(store), "--annotator", "imp"]) == 0
    with Store.open(store) as s:
        a = s.get_annotation("n", "sara")
        assert a is not None and a.answer == "accept" and a.spans[0].origin == "manual"
        p = s.get_annotation(derive_id(TEXT + " ٢"), "imp")
        assert p is not None and p.answer == "skip" and p.spans[0].origin == "imported"
        d = s.get_annotation("7", "imp")
        assert d is not None and s.get_document("7").text[37:44] == "القاهرة"
        assert s.get_document("7").meta == {"src": "x"}


def test_reimport_is_idempotent(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(line(id="x", text=TEXT, label=[[4, 8, "PERSON"]]), encoding="utf-8")
    store = tmp_path / "s.json"
    for _ in range(2):
        assert main(["import", str(f), "--store", str(store), "--annotator", "a"]) == 0
    with Store.open(store) as s:
        assert len(s) == 1 and len(s.get_annotation("x", "a").spans) == 1  # type: ignore[union-attr]


BAD = [
    (b'{"text": "ok"}\n{"text": "\xd8\xa7\xff"}\n', 2, "invalid UTF-8 at byte 27"),
    (b'{"text": "ok"}\n{"text": "x",\n', 2, "invalid JSON"),
    (b'{"id": "x"}\n', 1, 'no "text"'),
    (b"[1, 2]\n", 1, "expected a JSON object"),
    (line(text="abc", spans=[{"start": 1, "end": 9, "label": "PERSON"}]).encode(), 1, "outside the text"),
    (line(text="abc", spans=[{"start": 2, "end": 2, "label": "PERSON"}]).encode(), 1, "empty span"),
    (line(text="abc", label=[[0, 2, "WEAPON"]]).encode(), 1, 'unknown label "WEAPON"'),
    (
        line(text="abc", spans=[{"start": 0, "end": 2, "label": "PERSON", "text": "zz"}]).encode(),
        1,
        "is not the text",
    ),
    (line(text="abc", answer="maybe").encode(), 1, 'unknown "answer"'),
    (line(text="abc", label=[[0, 2]]).encode(), 1, "expected [start, end, label]"),
    (line(text="abc", id=[1]).encode(), 1, '"id" must be'),
]


@pytest.mark.parametrize(("data", "lineno", "message"), BAD)
def test_bad_input(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, lineno: int, message: str
) -> None:
    good = tmp_path / "a_good.jsonl"
    good.write_text(line(text="وثيقة جيدة") * 3, encoding="utf-8")
    bad = tmp_path / "b_bad.jsonl"
    bad.write_bytes(data)
    before = fingerprint(seeded)
    assert main(["import", str(good), str(bad), "--store", str(seeded)]) == 2
    err = capsys.readouterr().err
    assert f"reader: error: {bad}:{lineno}: " in err and message in err
    assert fingerprint(seeded) == before
    with Store.open(seeded) as s:
        assert s.document_ids() == ["seed"]


def test_bad_txt(seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("سلام".encode() + b"\xc3\x28")
    assert main(["import", str(bad), "--store", str(seeded)]) == 2
    assert f"{bad}:1: invalid UTF-8 at byte 8 (0xc3)" in capsys.readouterr().err


def test_skip_invalid(seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.jsonl"
    f.write_bytes(
        line(text="واحد").encode()
        + b"not json\n"
        + line(text="اثنان", label=[[0, 2, "NOPE"]]).encode()
        + line(text="ثلاثة").encode()
    )
    assert main(["import", str(f), "--store", str(seeded), "--skip-invalid"]) == 0
    err = capsys.readouterr().err
    assert f"{f}:2: invalid JSON" in err and f"{f}:3: " in err and "2 invalid skipped" in err
    with Store.open(seeded) as s:
        assert [s.get_document(i).text for i in s.document_ids()] == ["نص موجود من قبل", "واحد", "ثلاثة"]


def test_forced_format_and_labels_file(tmp_path: Path) -> None:
    labels = tmp_path / "labels.toml"
    labels.write_text(
        '[[label]]\nname="WEAPON"\nkey="y"\ncolor="#112233"\ngroup="entity"\nscope="span"\n', encoding="utf-8"
    )
    f = tmp_path / "in.jsonl"
    f.write_text(line(text="صاروخ", spans=[{"start": 0, "end": 5, "label": "WEAPON"}]), encoding="utf-8")
    store = tmp_path / "s.json"
    assert (
        main(
            [
                "import",
                str(f),
                "--store",
                str(store),
                "--labels",
                str(labels),
                "--format",
                "prodigy",
                "--annotator",
                "z",
            ]
        )
        == 0
    )
    with Store.open(store) as s:
        assert s.get_annotation(derive_id("صاروخ"), "z").spans[0].origin == "imported"  # type: ignore[union-attr]
    assert main(["import", str(f), "--store", str(store), "--format", "doccano"]) == 0  # no "label": no spans


def test_interrupted_import_leaves_store_unchanged(seeded: Path) -> None:
    def items():  # type: ignore[no-untyped-def]
        yield Document("n1", "نص جديد"), []
        raise KeyboardInterrupt

    before = fingerprint(seeded)
    with Store.open(seeded) as s:
        with pytest.raises(KeyboardInterrupt):
            s.import_items(items())
        assert s.document_ids() == ["seed"]
    assert fingerprint(seeded) == before


def test_parse_record_and_txt(tmp_path: Path) -> None:
    schema = LabelSchema.default()
    doc, anns = parse_record({"text": "abc"}, annotator="a", schema=schema)
    assert doc.id == derive_id("abc") and anns == []
    with pytest.raises(UserError, match='"meta" must be an object'):
        parse_record({"text": "abc", "meta": 3}, annotator="a", schema=schema)
    p = tmp_path / "x.txt"
    p.write_text("  ", encoding="utf-8")
    with pytest.raises(UserError, match="empty"):
        read_txt_document(p)
    with Store.open(tmp_path / "s.json") as s, pytest.raises(UserError, match="no such file"):
        import_paths(s, [tmp_path / "missing.jsonl"], annotator="a")


def test_prodigy_sessions_stay_separate_records(tmp_path: Path) -> None:
    # issue 9 item 3: a text answered by two Prodigy sessions became one record (union of spans, last answer)
    f = tmp_path / "p.jsonl"
    f.write_text(
        line(text=TEXT, spans=[{"start": 4, "end": 8, "label": "PERSON"}], answer="accept", _session_id="news-sara")
        + line(
            text=TEXT,
            spans=[{"start": 12, "end": 16, "label": "ORGANIZATION"}],
            answer="reject",
            _session_id="news-omar",
        )
        + line(text=TEXT, spans=[], answer="accept", _annotator_id="news-lina", _session_id="other", _flagged=True),
        encoding="utf-8",
    )
    store = tmp_path / "s.json"
    assert main(["import", str(f), "--store", str(store), "--annotator", "me"]) == 0
    with Store.open(store) as s:
        doc_id = s.document_ids()[0]
        sara, omar = s.get_annotation(doc_id, "news-sara"), s.get_annotation(doc_id, "news-omar")
        assert sara is not None and omar is not None and s.get_annotation(doc_id, "me") is None
        assert [x.key for x in sara.spans] == [(4, 8, "PERSON")] and sara.answer == "accept"
        assert [x.key for x in omar.spans] == [(12, 16, "ORGANIZATION")] and omar.answer == "reject"
        # issue 9 item 4: _flagged was written, never read
        assert s.get_annotation(doc_id, "news-lina").answer == "flag"  # type: ignore[union-attr]


def test_what_is_not_imported_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 9 item 8: doccano relations were dropped without a word
    f = tmp_path / "rel.jsonl"
    f.write_text(
        line(
            text=TEXT,
            entities=[{"id": 0, "start_offset": 4, "end_offset": 8, "label": "PERSON"}],
            relations=[{"from_id": 0, "to_id": 0, "type": "self"}],
        ),
        encoding="utf-8",
    )
    assert main(["import", str(f), "--store", str(tmp_path / "s.json")]) == 0
    assert "rel.jsonl: doccano relations are not imported" in capsys.readouterr().err


def test_label_studio_json_and_brat_directories_import(tmp_path: Path) -> None:
    # issue 9 item 8: our own Label Studio export was "invalid JSON"; .ann files in a directory were ignored
    ls = tmp_path / "ls.json"
    ls.write_text(
        json.dumps(
            [
                {
                    "id": 7,
                    "data": {"text": TEXT},
                    "annotations": [
                        {
                            "completed_by": 3,
                            "result": [
                                {
                                    "type": "labels",
                                    "value": {"start": 4, "end": 8, "text": "محمد", "labels": ["PERSON"]},
                                }
                            ],
                        }
                    ],
                }
            ],
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "a1.txt").write_text("بيان من غزة", encoding="utf-8")
    (brat / "a1.ann").write_text("T1\tLOCATION 8 11\tغزة\nR1\tRel Arg1:T1 Arg2:T1\n", encoding="utf-8")
    store = tmp_path / "s.json"
    assert main(["import", str(ls), str(brat), "--store", str(store)]) == 0
    with Store.open(store) as s:
        assert s.document_ids() == ["7", "a1"]
        assert [x.key for x in s.get_annotation("7", "label-studio-user-3").spans] == [(4, 8, "PERSON")]  # type: ignore[union-attr]
        assert s.get_document("a1").text == "بيان من غزة"
        brat_records = [a for a in s.annotations() if a.doc_id == "a1"]
        assert [[x.key for x in a.spans] for a in brat_records] == [[(8, 11, "LOCATION")]]
