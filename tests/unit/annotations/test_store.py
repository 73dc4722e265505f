from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tinydb import TinyDB

import annotations.store.store as store_mod
from annotations.errors import StoreError, UserError
from annotations.model import Document, Span, derive_id
from annotations.store import AtomicJSONStorage, Store

TEXT_A = "قال الرئيس محمود عباس في رام الله اليوم إن المفاوضات مستمرة."
TEXT_B = "أعلنت وزارة الصحة في غزة عن ارتفاع عدد الضحايا إلى 100 شخص."


def test_documents(store: Store) -> None:
    assert len(store) == 2
    assert store.document_ids() == ["a", "b"]
    assert store.get_document("a").text == TEXT_A
    assert [d.id for d in store.iter_documents()] == ["a", "b"]
    with pytest.raises(KeyError):
        store.get_document("nope")


def test_add_documents_dedupes(store: Store) -> None:
    r = store.add_documents([Document("a", TEXT_A), Document(derive_id(TEXT_B), TEXT_B), Document("c", "نص")])
    assert (r.added, r.duplicates, r.updated_ids) == (1, 2, [])
    assert store.document_ids() == ["a", "b", "c"]
    r = store.add_documents([Document("c", "نص جديد")])
    assert r.updated_ids == ["c"] and store.get_document("c").text == "نص جديد"


def test_span_actions(store: Store) -> None:
    s = Span(4, 10, "PERSON")
    assert store.get_annotation("a", "me") is None
    assert store.add_span("a", "me", s)
    assert not store.add_span("a", "me", Span(4, 10, "PERSON", origin="suggested"))
    ann = store.get_annotation("a", "me")
    assert ann is not None and ann.spans == [s] and ann.created > 0 and ann.updated >= ann.created
    assert ann.text_hash == store.get_document("a").text_hash
    new = Span(4, 10, "ORGANIZATION")
    store.replace_span("a", "me", s, new)
    assert store.get_annotation("a", "me").spans == [new]  # type: ignore[union-attr]
    assert not store.remove_span("a", "me", s)
    assert store.remove_span("a", "me", new)
    assert store.get_annotation("a", "me").spans == []  # type: ignore[union-attr]
    with pytest.raises(KeyError):
        store.replace_span("a", "me", s, new)


def test_accept_suggestion(store: Store) -> None:
    sug = Span(0, 3, "PERSON", origin="suggested", pending=True)
    store.add_span("a", "me", sug)
    store.replace_span("a", "me", sug, sug.accepted())
    assert store.get_annotation("a", "me").spans == [sug.accepted()]  # type: ignore[union-attr]


def test_answers_time_and_copies(store: Store) -> None:
    store.set_answer("b", "me", "accept")
    store.add_time("b", "me", 2.5)
    store.add_time("b", "me", 1)
    assert store.answers("me") == {"a": None, "b": "accept"}
    ann = store.get_annotation("b", "me")
    assert ann is not None and ann.seconds_spent == 3.5
    ann.spans.append(Span(0, 1, "X"))  # a copy: the store is not changed
    assert store.get_annotation("b", "me").spans == []  # type: ignore[union-attr]
    store.set_answer("b", "me", None)
    assert store.answers("me")["b"] is None
    assert [a.doc_id for a in store.annotations(annotator="me")] == ["b"]
    assert list(store.annotations(annotator="other")) == []


@pytest.mark.parametrize(
    ("call", "exc"),
    [
        (lambda s: s.add_span("a", "me", Span(0, 10_000, "PERSON")), UserError),
        (lambda s: s.add_span("a", "me", Span(0, 1, 5)), ValueError),  # type: ignore[arg-type]
        (lambda s: s.add_span("zz", "me", Span(0, 1, "PERSON")), KeyError),
        (lambda s: s.add_span("a", "", Span(0, 1, "PERSON")), ValueError),
        (lambda s: s.set_answer("a", "me", "maybe"), ValueError),
        (lambda s: s.add_time("a", "me", -1), ValueError),
        (lambda s: s.add_time("a", "me", float("nan")), ValueError),
        (lambda s: s.replace_span("a", "me", Span(0, 1, "P"), Span(0, 999, "P")), UserError),
    ],
)
def test_bad_input_changes_nothing(store: Store, call, exc) -> None:  # type: ignore[no-untyped-def]
    before = store.journal_path.read_bytes()
    with pytest.raises(exc):
        call(store)
    assert store.get_annotation("a", "me") is None
    assert store.journal_path.read_bytes() == before


def test_persisted_and_reopened(store: Store, store_path: Path) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON", note="ملاحظة"))
    store.set_answer("a", "me", "flag")
    store.close()
    with Store.open(store_path) as s:
        ann = s.get_annotation("a", "me")
        assert ann is not None and ann.answer == "flag" and ann.spans[0].note == "ملاحظة"
    (shard,) = store_path.with_name("store.json.shards").glob("0.*.json")
    raw = shard.read_text(encoding="utf-8")
    assert "ملاحظة" in raw and "\\u" not in raw  # real Arabic, not escapes
    journal = store_path.with_name("store.json.journal").read_bytes()
    assert journal.count(b"\n") == 1 and b'"op":"journal"' in journal  # folded on close: only its header


def test_main_file_and_shards_are_tinydb(store: Store, store_path: Path) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON"))
    store.close()
    db = TinyDB(store_path, storage=AtomicJSONStorage)
    assert {"meta", "shards"} <= db.tables()
    (row,) = db.table("shards").all()
    assert row["answers"] == {"me": ".-"}  # a record without an answer, no record
    shard = TinyDB(store_path.with_name("store.json.shards") / row["file"], storage=AtomicJSONStorage)
    assert [d["id"] for d in shard.table("documents").all()] == ["a", "b"]
    assert shard.table("annotations").all()[0]["annotator"] == "me"


def test_journal_replay_and_torn_line(store: Store, store_path: Path) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON"))
    store.add_span("a", "me", Span(4, 10, "PERSON"))
    journal = store.journal_path
    store._release()  # like a crash: no compaction
    with open(journal, "ab") as f:
        f.write(b'{"g":1,"op":"ann","rec":{"doc_id":"a","annot')  # torn write
    with Store.open(store_path) as s:
        assert len(s.get_annotation("a", "me").spans) == 2  # type: ignore[union-attr]
        s.add_span("a", "me", Span(12, 15, "PERSON"))
        s._release()
    with Store.open(store_path) as s:
        assert len(s.get_annotation("a", "me").spans) == 3  # type: ignore[union-attr]


def test_corrupt_journal_middle_line_is_reported(store: Store, store_path: Path) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON"))
    store.add_span("a", "me", Span(4, 10, "PERSON"))
    journal = store.journal_path
    store._release()
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[0] + lines[1][:20] + b"\n" + lines[2])
    with pytest.raises(StoreError, match="journal line 2 is corrupt"):
        Store.open(store_path)


def test_stale_generation_not_replayed(store: Store, store_path: Path) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON"))
    old_journal = store.journal_path.read_bytes()
    store.compact()
    store.remove_span("a", "me", Span(0, 3, "PERSON"))
    store.compact()
    store._release()
    store.journal_path.write_bytes(old_journal)  # crash between rewrite and truncation
    with Store.open(store_path) as s:
        assert s.get_annotation("a", "me").spans == []  # type: ignore[union-attr]


def test_same_annotator_twice_is_refused(store_path: Path) -> None:
    with Store.open(store_path) as s:
        s.add_documents([Document("a", TEXT_A)])
    mine = Store.open(store_path, annotator="sara")
    code = (
        "import sys\nfrom annotations.store import Store\nfrom annotations.errors import StoreError\n"
        f"try:\n    Store.open({str(store_path)!r}, annotator='sara')\n"
        "except StoreError as e:\n    print(e); sys.exit(3)\n"
        f"with Store.open({str(store_path)!r}, annotator='omar') as s:\n    s.add_span('a', 'omar', "
        "__import__('annotations.model').model.Span(0, 3, 'PERSON'))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert r.returncode == 3, r.stderr
    assert f"annotator sara is already working on store {store_path} in process {os.getpid()}" in r.stdout
    with pytest.raises(StoreError, match="already working"):
        Store.open(store_path, annotator="sara")  # also within one process
    r = subprocess.run([sys.executable, "-c", code.replace("'sara'", "'other'")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr  # another annotator writes at the same time
    mine.refresh()
    assert mine.get_annotation("a", "omar") is not None
    mine.add_span("a", "sara", Span(4, 10, "PERSON"))
    mine.close()
    with Store.open(store_path, readonly=True) as ro:
        assert ro.annotators() == ["omar", "sara"]


def test_readonly(store: Store, store_path: Path) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON"))
    with Store.open(store_path, readonly=True) as ro:
        assert ro.get_annotation("a", "me") is not None  # sees the journal
        with pytest.raises(StoreError, match="read-only"):
            ro.add_span("a", "me", Span(4, 6, "PERSON"))
        with pytest.raises(StoreError):
            ro.add_documents([Document("z", "x")])
    with pytest.raises(StoreError, match="no store"):
        Store.open(store_path.with_name("other.json"), readonly=True)


def test_newer_format_refused(store: Store, store_path: Path) -> None:
    store.close()
    data = json.loads(store_path.read_text(encoding="utf-8"))
    data["meta"]["1"]["format"] = store_mod.FORMAT_VERSION + 1
    store_path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StoreError, match="newer than this reader supports"):
        Store.open(store_path)
    store_path.write_text("{}", encoding="utf-8")
    with pytest.raises(StoreError, match="not a reader store"):
        Store.open(store_path)


def test_failed_compaction_keeps_everything(store: Store, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON"))

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(StoreError, match="No space left"):
        store.compact()
    with pytest.raises(StoreError):
        store.add_documents([Document("c", "نص ثالث")])
    assert len(store) == 2
    store.add_span("a", "me", Span(4, 10, "PERSON"))  # actions still work (journal)
    monkeypatch.setattr(store_mod, "JOURNAL_LIMIT", 1)
    store.add_span("a", "me", Span(12, 15, "PERSON"))  # failed automatic fold is not an error
    store._release()
    monkeypatch.undo()
    assert not [p for p in store_path.parent.iterdir() if ".tmp-" in p.name]
    with Store.open(store_path) as s:
        assert len(s) == 2
        assert len(s.get_annotation("a", "me").spans) == 3  # type: ignore[union-attr]
        assert s.get_document("b").text == TEXT_B
        assert s.texts_path.stat().st_size == s._texts_end


def test_journal_write_failure(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(fd: int) -> None:
        raise OSError(5, "I/O error")

    before = store.journal_path.read_bytes()
    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(StoreError, match="I/O error"):
        store.add_span("a", "me", Span(0, 3, "PERSON"))
    monkeypatch.undo()
    assert store.get_annotation("a", "me") is None
    assert store.journal_path.read_bytes() == before


def test_automatic_compaction(store: Store, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "JOURNAL_LIMIT", 5)
    for i in range(12):
        store.add_span("a", "me", Span(i, i + 1, "PERSON"))
    assert store._jcount == 2
    store._release()
    with Store.open(store_path, readonly=True) as s:
        assert len(s.get_annotation("a", "me").spans) == 12  # type: ignore[union-attr]


def test_stale_annotations(store: Store) -> None:
    store.add_span("a", "me", Span(0, 3, "PERSON"))
    store.add_span("b", "me", Span(0, 3, "PERSON"))
    assert store.stale_annotations() == []
    store.add_documents([Document("a", TEXT_A + " تحديث")])
    assert store.stale_annotations() == [("a", "me")]


def test_corrupt_text_detected(store: Store, store_path: Path) -> None:
    store.close()
    texts = store_path.with_name("store.json.texts")
    raw = texts.read_bytes()
    texts.write_bytes(raw.replace("الرئيس".encode(), "الرئيش".encode()))
    with Store.open(store_path) as s, pytest.raises(StoreError, match="corrupt"):
        s.get_document("a")


def test_killed_import_tail_is_cut(store: Store, store_path: Path) -> None:
    store.close()
    texts = store_path.with_name("store.json.texts")
    size = texts.stat().st_size
    with open(texts, "ab") as f:
        f.write(b'{"id":"half","text":"...')
    with Store.open(store_path) as s:
        assert texts.stat().st_size > size  # nothing is cut at open
        s.add_documents([Document("c", "نص ثالث")])  # an import cuts the unreferenced tail first
        assert s.get_document("c").text == "نص ثالث"
        assert texts.read_bytes()[size:].startswith(b'{"id": "c"')
