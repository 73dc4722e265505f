"""Stores written by earlier versions open as they are read-only, and are upgraded by a writable open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinydb import TinyDB

from annotations.model import Annotation, Span, text_hash
from annotations.store import AtomicJSONStorage, Store
from annotations.store.journal import encode_entry

TEXTS = {"a": "قال الرئيس محمود عباس", "b": "أعلنت وزارة الصحة"}


def old_store(path: Path, version: int) -> None:
    """A store as format 1 (journal lines without header or checksum) or 2 (checksummed journal) wrote it."""
    texts = b""
    docs = {}
    for i, (doc_id, text) in enumerate(TEXTS.items(), 1):
        line = (json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n").encode()
        docs[str(i)] = {
            "id": doc_id, "source": None, "line": None, "meta": {"n": i}, "text_hash": text_hash(text),
            "chars": len(text), "offset": len(texts), "length": len(line),
        }  # fmt: skip
        texts += line
    suggested = Span(4, 10, "PERSON", "suggested", pending=True, rule="gazetteer")
    folded = Annotation("a", "me", text_hash(TEXTS["a"]), [Span(0, 3, "PERSON"), suggested], "accept", 1.0, 2.0)
    journaled = Annotation("b", "me", text_hash(TEXTS["b"]), [Span(0, 5, "ORGANIZATION")], None, 3.0, 4.0)
    meta = {"format": version, "generation": 3, "app": "reader", **({"texts_end": len(texts)} if version == 2 else {})}
    main = {"meta": {"1": meta}, "documents": docs, "annotations": {"1": folded.to_dict()}}
    path.write_text(json.dumps(main, ensure_ascii=False), encoding="utf-8")
    path.with_name(path.name + ".texts").write_bytes(texts)
    journal = path.with_name(path.name + ".journal")
    if version == 1:
        lines = [{"g": 2, "op": "ann", "rec": {**folded.to_dict(), "answer": "reject"}}]  # folded long ago
        lines.append({"g": 3, "op": "ann", "rec": journaled.to_dict()})
        journal.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines), encoding="utf-8")
    else:
        journal.write_bytes(
            encode_entry({"op": "journal", "g": 3}) + encode_entry({"op": "ann", "rec": journaled.to_dict()})
        )


def check(s: Store) -> None:
    assert s.document_ids() == ["a", "b"]
    # the pending suggestion shows in the record either way (inside it, or from the shared layer)
    assert Span(4, 10, "PERSON", "suggested", pending=True, rule="gazetteer") in s.get_annotation("a", "me").spans  # type: ignore[union-attr]
    assert s.get_document("b").text == TEXTS["b"] and s.get_document("b").meta == {"n": 2}
    assert s.get_annotation("a", "me").answer == "accept"  # type: ignore[union-attr]
    assert s.get_annotation("b", "me").spans == [Span(0, 5, "ORGANIZATION")]  # type: ignore[union-attr]
    assert s.answered("me") == {"a": "accept"}


@pytest.mark.parametrize("version", [1, 2])
def test_old_store_read_as_is_then_upgraded(tmp_path: Path, version: int) -> None:
    path = tmp_path / "store.json"
    old_store(path, version)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with Store.open(path, readonly=True) as s:
        check(s)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # reading writes nothing
    with Store.open(path) as s:
        check(s)
        # format 4: pending suggestions live in the shared layer, not in one annotator's record
        assert s.suggestions("a") == [Span(4, 10, "PERSON", "suggested", pending=True, rule="gazetteer")]
        assert s.get_annotation("a", "other").spans == s.suggestions("a")  # type: ignore[union-attr]
        s.add_span("a", "me", Span(11, 15, "PERSON"))
    meta = TinyDB(path, storage=AtomicJSONStorage).table("meta").all()[0]
    assert meta["format"] == 4
    with Store.open(path, readonly=True) as s:
        assert len(s.get_annotation("a", "me").spans) == 3  # type: ignore[union-attr]
    with Store.open(path) as s:
        check(s)
