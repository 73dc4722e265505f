"""The team screen's figures: followed change by change they equal the figures read afresh; blind
shows only one's own; bars draw what they say."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from annotations.agreement import compute
from annotations.model import Document, Span
from annotations.progress import progress
from annotations.store import Store
from annotations.teamdata import Collected, TeamData, agreement_items, figures
from reader.screens.team import bar

TEXT = "قال محمد إن حماس وافقت على الهدنة في القاهرة يوم الأحد"
SPANS = [Span(4, 8, "PERSON"), Span(12, 16, "ORGANIZATION"), Span(12, 16, "LOCATION"), Span(38, 45, "LOCATION")]
NAMES = ["sara", "omar", "lina"]


def fresh(store: Store) -> tuple[dict[str, Any], dict[str, Any]]:
    names = store.annotators()
    rows = progress(store.annotations())
    report = compute(agreement_items(store, names, None, Collected()))
    return {n: (p.records, +p.answers, +p.labels, p.pending, round(p.seconds, 6)) for n, p in rows.items()}, same_order(
        report.as_dict()
    )


def same_order(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its documents in id order (ties in agreement keep the order items came in)."""
    return {**report, "documents": sorted(report["documents"], key=lambda d: d["doc_id"])}


def test_followed_figures_equal_the_figures_read_afresh(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    rnd = random.Random(7)
    with Store.open(path) as s:
        s.add_documents([Document(f"d{i}", TEXT) for i in range(12)])
    with Store.open(path, annotator="viewer") as viewer:
        data = TeamData(viewer)
        data.load()
        writers = {n: Store.open(path, annotator=n) for n in NAMES}
        try:
            for step in range(150):
                name = rnd.choice(NAMES)
                w = writers[name]
                doc = f"d{rnd.randrange(12)}"
                what = rnd.random()
                if what < 0.5:
                    w.add_span(doc, name, rnd.choice(SPANS))
                elif what < 0.8:
                    w.set_answer(doc, name, rnd.choice(["accept", "accept", "reject", "skip", None]))
                else:
                    w.add_time(doc, name, rnd.random() * 60)
                if step % 10 == 0:
                    data.follow(viewer.refresh())
                    got = figures(data, data.sync())
                    want_rows, want_report = fresh(viewer)
                    assert {
                        p.annotator: (p.records, p.answers, p.labels, p.pending, round(p.seconds, 6))
                        for p in got.progress
                    } == {
                        n: r
                        for n, r in want_rows.items()
                        if r[0]  # type: ignore[index]
                    }
                    assert same_order(got.report.as_dict() if got.report else compute([]).as_dict()) == want_report
        finally:
            for w in writers.values():
                w.close()


def test_blind_figures_hold_only_the_viewers_own(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with Store.open(path) as s:
        s.add_documents([Document("d1", TEXT)])
        for n in NAMES:
            s.add_span("d1", n, SPANS[0])
            s.set_answer("d1", n, "accept")
    with Store.open(path, readonly=True) as s:
        data = TeamData(s)
        data.load()
        blind = figures(data, data.sync(), viewer="omar", blind=True)
        assert [p.annotator for p in blind.progress] == ["omar"] and blind.report is None
        seen = figures(data, data.sync(), viewer="omar")
        assert [p.annotator for p in seen.progress] == ["lina", "omar", "sara"]
        assert seen.report is not None and seen.report.overall[0].spans.f1_exact == 1.0


def test_bars() -> None:
    assert bar(None, 10, 4) == "    "
    assert bar(0, 10, 4) == "    "
    assert bar(10, 10, 4) == "████"
    assert bar(20, 10, 4) == "████"  # never past its width
    assert bar(5, 10, 4) == "██  "
    assert bar(7, 8, 1) == "▉"  # a part of a cell is drawn in eighths
    assert bar(1, 64, 8) == "▏" + " " * 7
    assert bar(-0.2, 1, 3) == "   "  # κ below zero: no bar (the figure says it)
