"""`reader merge` takes records as they are: the shared suggestions stay in the shared layer (not
frozen into each record), the undo history comes along, and merging again reports nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main
from reader.session import Session

SCHEMA = LabelSchema.default()
T1 = "قال محمد إن حماس وافقت على الهدنة"
T2 = "أعلنت وزارة الصحة في غزة"
T3 = "نص جديد أضيف على الحاسوب الأول"


def copy_store(src: Path, dst: Path) -> Path:
    for p in src.parent.glob(src.name + "*"):
        target = dst.parent / (dst.name + p.name[len(src.name) :])
        shutil.copytree(p, target) if p.is_dir() else shutil.copy(p, target)
    return dst


def stored(path: Path) -> dict[tuple[str, str], dict[str, object]]:
    with Store.open(path, readonly=True) as s:
        return {(a.doc_id, a.annotator): a.to_dict() for a in s.annotations(layer=False)}


@pytest.fixture
def stores(tmp_path: Path) -> tuple[Path, Path]:
    master = tmp_path / "master.json"
    with Store.open(master) as s:
        s.add_documents([Document("d1", T1), Document("d2", T2)])
        s.add_suggestions([("d1", [Span(4, 8, "PERSON", "suggested"), Span(12, 16, "ORGANIZATION", "suggested")])])
        s.add_suggestions([("d2", [Span(6, 11, "ORGANIZATION", "suggested")])])
    copy = copy_store(master, tmp_path / "copy.json")
    with Store.open(copy) as s:
        s.add_documents([Document("d3", T3)])
        s.add_suggestions([("d3", [Span(0, 2, "MISC", "suggested")])])
        session = Session(s, "sara", SCHEMA)
        person = SCHEMA.get("PERSON")
        assert person is not None
        session.label(person, 0, 3)  # d1: a span of her own, pending suggestions left alone
        session.go(1)
        session.answer("accept")  # d2: an answer, its suggestion still pending
        session.go(2)
        session.answer("skip")  # d3 (new on this copy): the same
    return master, copy


def test_records_come_home_as_they_are(stores: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    master, copy = stores
    assert main(["merge", str(copy), "--into", str(master)]) == 0
    before, after = stored(copy), stored(master)
    assert after == before  # every record exactly as in the copy: spans, answer, times, undo history
    for rec in after.values():
        assert rec.get("undo"), "the undo history came along"
        assert not any(sp.get("pending") for sp in rec["spans"]), "no suggestion frozen into a record"
    with Store.open(master, readonly=True) as s:
        # the suggestions are the shared layer's, for everyone, in the new document too
        assert [sp.key for sp in s.suggestions("d3")] == [(0, 2, "MISC")]
        omar = s.get_annotation("d3", "omar")
        assert omar is not None and [sp.key for sp in omar.spans if sp.pending] == [(0, 2, "MISC")]
        sara = s.get_annotation("d1", "sara")
        assert sara is not None
        assert sorted((sp.key, sp.pending) for sp in sara.spans) == [
            ((0, 3, "PERSON"), False),
            ((4, 8, "PERSON"), True),
            ((12, 16, "ORGANIZATION"), True),
        ]


def test_merging_again_reports_nothing(stores: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    master, copy = stores
    assert main(["merge", str(copy), "--into", str(master)]) == 0
    capsys.readouterr()
    assert main(["merge", str(copy), "--into", str(master)]) == 0
    out = capsys.readouterr().out
    assert "Nothing to do" in out
    assert "Newer versions kept" not in out and "same time" not in out
    assert main(["merge", str(master), "--into", str(copy)]) == 0  # and the other way round
    out = capsys.readouterr().out
    assert "Nothing to do" in out and "Newer versions kept" not in out


def test_new_records_with_a_history_are_reported_as_added(
    stores: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, copy = stores
    assert main(["merge", str(copy), "--into", str(master)]) == 0
    out = capsys.readouterr().out
    assert "records: 3 added, 0 replaced or updated" in out  # written whole (undo history), still new
