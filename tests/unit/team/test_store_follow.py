"""Following the others: what `Store.refresh()` reports, also when this process's own actions have
already read the others' entries (every action first catches up, to act on the latest state)."""

from __future__ import annotations

from pathlib import Path

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
