"""Time spent is bookkeeping: it never makes a record newer, so a copy that was only opened never
wins a merge over real work, and the merged record keeps the larger figure."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.labels import LabelSchema
from annotations.merge import DocEntry, Snapshot, merge, record_content
from annotations.model import Annotation, Document, Span
from annotations.store import Store
from reader.cli import main
from reader.session import Session

SCHEMA = LabelSchema.default()
TEXT = "قال محمد إن حماس وافقت على الهدنة"


def copy_store(src: Path, dst: Path) -> Path:
    for p in src.parent.glob(src.name + "*"):
        target = dst.parent / (dst.name + p.name[len(src.name) :])
        shutil.copytree(p, target) if p.is_dir() else shutil.copy(p, target)
    return dst


def test_adding_time_does_not_touch_the_records_updated_time(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.json") as s:
        s.add_documents([Document("d1", TEXT)])
        s.add_span("d1", "sara", Span(4, 8, "PERSON"))
        before = s.get_annotation("d1", "sara")
        assert before is not None
        time.sleep(0.01)
        s.add_time("d1", "sara", 30.0)
        after = s.get_annotation("d1", "sara")
    assert after is not None
    assert after.seconds_spent == before.seconds_spent + 30.0
    assert after.updated == before.updated  # what merge compares changes only with the content


def _open_and_leave(session: Session) -> None:
    """What the app does when the annotator opens a document, reads it and goes on (or quits)."""
    session._opened_at -= 42.0  # forty seconds of reading
    session.record_time()


def test_a_copy_that_was_only_opened_never_wins_over_real_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = tmp_path / "s.json"
    with Store.open(master) as s:
        s.add_documents([Document("d1", TEXT), Document("d2", "نص آخر")])
        s.add_span("d1", "sara", Span(4, 8, "PERSON"))
        s.add_span("d1", "sara", Span(12, 16, "ORGANIZATION"))
    (tmp_path / "mM").mkdir()
    (tmp_path / "mL").mkdir()
    m_path = copy_store(master, tmp_path / "mM" / "s.json")
    l_path = copy_store(master, tmp_path / "mL" / "s.json")
    time.sleep(0.01)
    with Store.open(m_path) as s:  # real work: a span deleted
        session = Session(s, "sara", SCHEMA)
        (org,) = [sp for sp in session.spans() if sp.label == "ORGANIZATION"]
        assert session.delete(org)
        _open_and_leave(session)
    time.sleep(0.01)
    with Store.open(l_path) as s:  # later, on the other copy: opened, read, left
        session = Session(s, "sara", SCHEMA)
        _open_and_leave(session)
        session.go(1)
        _open_and_leave(session)  # a document with no record before: opened only
    assert main(["merge", str(l_path), "--into", str(m_path)]) == 0
    out = capsys.readouterr().out
    assert "kept mL" not in out
    with Store.open(m_path, readonly=True) as s:
        got = s.get_annotation("d1", "sara")
    assert got is not None
    assert [sp.key for sp in got.spans] == [(4, 8, "PERSON")]  # the deletion stands
    assert got.seconds_spent >= 42.0  # the reading time is kept (the larger figure)


def test_a_record_merely_opened_never_overrides_another_annotators_copy() -> None:
    """Team merge: omar's copy holds sara's finished record; sara's own copy only had it opened
    after a restore (a new, empty record at a later time)."""
    docs = (DocEntry("d", "h"),)
    work = Annotation("d", "sara", "h", [Span(0, 2, "PERSON")], "accept", 10.0, 20.0, 60.0)
    opened = Annotation("d", "sara", "h", [], None, 30.0, 0.0, 5.0)  # created by time spent alone
    result = merge([Snapshot("A", docs, (work,)), Snapshot("B", docs, (opened,))])
    kept = result.records[("d", "sara")]
    assert record_content(kept) == record_content(work)
    assert kept.seconds_spent == 60.0


SECONDS = st.floats(0, 1000, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([(), (Span(0, 2, "PERSON"),), (Span(1, 3, "PLACE"),)]),
            st.sampled_from([None, "accept"]),
            st.integers(1, 3),
            SECONDS,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_time_spent_never_decides_which_version_wins(
    versions: list[tuple[tuple[Span, ...], str | None, int, float]],
) -> None:
    docs = (DocEntry("d", "h"),)

    def snaps(with_time: bool) -> list[Snapshot]:
        return [
            Snapshot(
                f"s{i}",
                docs,
                (Annotation("d", "sara", "h", list(spans), answer, 0.0, float(u), secs if with_time else 0.0),),  # type: ignore[arg-type]
            )
            for i, (spans, answer, u, secs) in enumerate(versions)
        ]

    timed, untimed = merge(snaps(True)), merge(snaps(False))
    kept = timed.records[("d", "sara")]
    assert record_content(kept) == record_content(untimed.records[("d", "sara")])
    assert kept.updated == untimed.records[("d", "sara")].updated
    assert kept.seconds_spent == max(v[3] for v in versions)
    # and a merge of the result with any input is the result again
    again = merge([timed.snapshot("R"), *snaps(True)]).records[("d", "sara")]
    assert (record_content(again), again.seconds_spent, again.updated) == (
        record_content(kept),
        kept.seconds_spent,
        kept.updated,
    )
