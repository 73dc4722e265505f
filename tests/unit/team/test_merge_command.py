"""`reader merge` on real stores: copies come home, sources stay untouched, re-running changes
nothing, conflicts stop it with a clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotations.model import Annotation, Document, Span, derive_id
from annotations.store import ImportedAnnotation, Store
from reader.cli import main

T1 = "قال محمد إن حماس وافقت على الهدنة"
T2 = "أعلنت وزارة الصحة في غزة"
T3 = "نص جديد أضيف على الحاسوب الأول"


def files(path: Path) -> dict[str, bytes]:
    """Every file of a store, for checking that nothing changed."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")) if not p.name.endswith(".lock")}


def copy_store(src: Path, dst: Path) -> Path:
    for p in src.parent.glob(src.name + "*"):
        shutil.copy(p, dst.parent / (dst.name + p.name[len(src.name) :]))
    return dst


def put(store: Store, doc: Document, annotator: str, spans: list[Span], answer: str | None, updated: float) -> None:
    """A record with a chosen time (import keeps the times it is given)."""
    store.import_items([(doc, [ImportedAnnotation(annotator, spans, answer, updated - 10, updated, 5.0)])])


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path, Path]:
    master = tmp_path / "master.json"
    with Store.open(master) as s:
        s.add_documents([Document("d1", T1), Document("d2", T2)])
    a = copy_store(master, tmp_path / "laptop-a.json")
    b = copy_store(master, tmp_path / "laptop-b.json")
    with Store.open(a) as s:
        put(s, Document("d1", T1), "sara", [Span(4, 8, "PERSON")], "accept", 1000.0)
        put(s, Document("d3", T3), "sara", [Span(0, 2, "MISC")], None, 1001.0)
    with Store.open(b) as s:
        put(s, Document("d1", T1), "sara", [Span(4, 8, "LOCATION")], "accept", 2000.0)  # newer
        put(s, Document("d2", T2), "omar", [Span(6, 11, "ORGANIZATION")], "accept", 1500.0)
    return master, a, b


def merge_cmd(*args: str | Path) -> int:
    return main(["merge", *map(str, args)])


def records(path: Path) -> dict[tuple[str, str], tuple[object, ...]]:
    with Store.open(path, readonly=True) as s:
        return {
            (a.doc_id, a.annotator): (tuple(sp.key for sp in a.spans), a.answer, a.updated, a.text_hash)
            for a in s.annotations()
        }


def test_copies_come_home_newest_record_wins_and_it_is_reported(
    copies: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, a, b = copies
    before = {p: files(p) for p in (a, b)}
    assert merge_cmd(a, b, "--into", master) == 0
    out = capsys.readouterr().out
    assert "d1 by sara: kept laptop-b.json" in out.replace(str(b.parent) + "/", "")
    recs = records(master)
    assert recs[("d1", "sara")] == (((4, 8, "LOCATION"),), "accept", 2000.0, Document("d1", T1).text_hash)
    assert recs[("d2", "omar")][2] == 1500.0  # times kept exactly
    assert ("d3", "sara") in recs
    with Store.open(master, readonly=True) as s:
        assert s.document_ids() == ["d1", "d2", "d3"]
    assert {p: files(p) for p in (a, b)} == before  # the copies are only read


def test_merging_again_in_any_order_writes_nothing(
    copies: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, a, b = copies
    other = copy_store(master, master.with_name("other.json"))
    assert merge_cmd(a, b, "--into", master) == 0
    assert merge_cmd(b, a, "--into", other) == 0
    assert records(master) == records(other)  # commutative on real stores
    snapshot = files(master)
    capsys.readouterr()
    assert merge_cmd(b, a, "--into", master) == 0
    assert "Nothing to do" in capsys.readouterr().out
    assert files(master) == snapshot  # idempotent: not a byte written


def test_a_newer_version_replaces_the_targets_and_keeps_decisions_and_stale_records(tmp_path: Path) -> None:
    target, copy = tmp_path / "t.json", tmp_path / "c.json"
    suggestion = Span(12, 16, "ORGANIZATION", origin="suggested")
    with Store.open(target) as s:
        put(s, Document("d1", T1), "sara", [Span(4, 8, "PERSON")], None, 1000.0)
    copy_store(target, copy)
    with Store.open(copy) as s:

        def work(a: Annotation) -> bool:
            a.spans.append(Span(27, 33, "EVENT"))
            a.rejected.append(suggestion)
            a.answer = "accept"
            return True

        s.update("d1", "sara", work)
    assert merge_cmd(copy, "--into", target) == 0
    with Store.open(target, readonly=True) as s:
        got = s.get_annotation("d1", "sara")
    assert got is not None
    assert [sp.key for sp in sorted(got.spans)] == [(4, 8, "PERSON"), (27, 33, "EVENT")]
    assert [sp.key for sp in got.rejected] == [suggestion.key]
    assert got.answer == "accept"
    assert got.created == 990.0


def test_a_document_imported_without_an_id_joins_the_target_document_with_its_text(tmp_path: Path) -> None:
    target, copy = tmp_path / "t.json", tmp_path / "c.json"
    with Store.open(target) as s:
        s.add_documents([Document("art-7", T1)])
    with Store.open(copy) as s:  # the same article, imported from a .txt file on a laptop
        put(s, Document(derive_id(T1), T1), "sara", [Span(4, 8, "PERSON")], "accept", 1000.0)
    assert merge_cmd(copy, "--into", target) == 0
    with Store.open(target, readonly=True) as s:
        assert s.document_ids() == ["art-7"]
        got = s.get_annotation("art-7", "sara")
        assert got is not None and got.answer == "accept"


def test_different_texts_under_one_id_stop_the_merge(
    copies: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    master, a, b = copies
    hostile = "d\x1b[2J9"
    with Store.open(b) as s:
        s.add_documents([Document("d2", T2 + " (نسخة معدلة)"), Document(hostile, T1)])
    with Store.open(a) as s:
        s.add_documents([Document(hostile, T2)])
    before = files(master)
    assert merge_cmd(a, b, "--into", master) == 2
    err = capsys.readouterr().err
    assert "2 document id(s) have different texts" in err
    assert "d2: text" in err and "laptop-b.json" in err
    assert "nothing was written" in err
    assert "\x1b" not in err and "d␛[2J9" in err
    assert files(master) == before
    assert merge_cmd(a, b, "--into", master, "--skip-conflicts") == 0
    out = capsys.readouterr().out
    assert "Left out (--skip-conflicts)" in out
    with Store.open(master, readonly=True) as s:
        assert s.get_document("d2").text == T2  # the target's text, untouched
        assert s.get_annotation("d2", "omar") is None  # records on the conflicting text are not merged
        assert hostile not in s
        assert s.get_annotation("d1", "sara") is not None


def test_dry_run_writes_nothing(copies: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    master, a, b = copies
    before = files(master)
    assert merge_cmd(a, b, "--into", master, "--dry-run") == 0
    assert "Would merge 2 store(s)" in capsys.readouterr().out
    assert files(master) == before
    fresh = master.with_name("fresh.json")
    assert merge_cmd(a, "--into", fresh, "--dry-run") == 0
    assert not fresh.exists()


def test_refusals_are_clear(copies: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    master, a, _b = copies
    assert merge_cmd(master, "--into", master) == 2
    assert "is the store merged into" in capsys.readouterr().err
    missing = master.with_name("missing.json")
    new = master.with_name("new.json")
    assert merge_cmd(missing, "--into", new) == 2
    assert "no store at" in capsys.readouterr().err
    assert not new.exists()
    with Store.open(master):  # someone is annotating in the target
        assert merge_cmd(a, "--into", master) == 2
        assert "in use by process" in capsys.readouterr().err


def test_the_report_shows_hostile_ids_and_names_without_obeying_or_breaking_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, copy = tmp_path / "t.json", tmp_path / "c.json"
    doc = Document("d\x1b[2J\n  records: 99 added", T1)  # would clear the screen and forge a report line
    who = "sa\x9bra"  # a C1 CSI in a name
    with Store.open(target) as s:
        put(s, doc, who, [Span(4, 8, "PERSON")], None, 1000.0)
    copy_store(target, copy)
    with Store.open(copy) as s:
        s.set_answer(doc.id, who, "accept")
    assert merge_cmd(copy, "--into", target) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    assert not any(line.startswith("  records: 99") for line in out.splitlines())
    assert "d␛[2J␊  records: 99 added by sa" in out
