"""Following the others: what `Store.refresh()` reports, also when this process's own actions have
already read the others' entries (every action first catches up, to act on the latest state)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.model import Document, Span
from annotations.store import Store


def test_refresh_reports_the_others_work_read_on_the_way_to_an_own_action(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", "نص أول"), Document("d2", "نص ثان")])
    with Store.open(path, annotator="sara") as sara, Store.open(path, annotator="omar") as omar:
        omar.add_span("d1", "omar", Span(0, 2, "PERSON"))
        omar.claim("d2", "omar", 1)
        sara.set_answer("d2", "sara", "accept")  # catches up with omar's entries first
        changes = sara.refresh()
        assert changes.records == {("d1", "omar")}  # sara's own write is not news to her
        assert changes.claims == {"d2"}
        assert not sara.refresh()  # reported once


def test_all_claims_reads_the_claims_of_every_shard_and_of_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    # a document whose meta holds what looks like the claims table: the fast read must not be fooled
    docs = [
        Document(f"d{i}", f"نص {i}", meta={"claims": {"1": {"doc_id": "x", "annotators": ["evil"]}}})
        for i in range(1200)
    ]
    with Store.open(path) as s:
        s.add_documents(docs)
        for i in range(0, 1200, 7):
            s.claim(f"d{i}", "sara", 2)
        s.compact()  # into the shards
        for i in range(0, 1200, 11):
            s.claim(f"d{i}", "omar", 2)  # still in the journal
    with Store.open(path, readonly=True) as s:
        with monkeypatch.context() as m:  # the claims tables alone are read, not the shards whole
            m.setattr(Store, "_shard", lambda *_: pytest.fail("a whole shard was read"))
            got = s.all_claims()
        assert got == {d: s.claims(d) for d in s.document_ids() if s.claims(d)}
        assert got["d77"] == ["sara", "omar"] and got["d7"] == ["sara"] and got["d11"] == ["omar"]
        assert "x" not in got
