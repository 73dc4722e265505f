"""Suggestions `reader suggest` adds while an annotator's app is open: the app shows them (spans,
pending count, document list) within the follow interval, on the open document too, and `a` decides
on the store's latest state, so it never accepts a document over suggestions the annotator was not
shown. The suggester is a second Store on the same files, as the `reader suggest` process would be;
the same for the review screen's `a` and an annotator's record that changes under it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.store import ImportedAnnotation, Store
from reader.adjudicate import AdjudicationSession
from reader.app import ReaderApp
from reader.options import PendingPolicy
from reader.screens.annotate import AnnotateScreen
from reader.screens.pending import PendingScreen
from reader.screens.review import ReviewScreen
from reader.session import Session
from reader.widgets.article import ArticleView
from reader.widgets.doclist import DocumentList

SCHEMA = LabelSchema.default()
SIZE = (150, 40)
TEXT = "قال محمد إن حماس وافقت على الهدنة"
MOHAMMED = Span(4, 8, "PERSON", "suggested", pending=True, rule="gazetteer")
HAMAS = Span(12, 16, "ORGANIZATION", "suggested", pending=True, rule="gazetteer")
NEVER = 3600.0  # a follow interval that never comes during a test: `a` has to look by itself


def build(path: Path) -> Path:
    with Store.open(path) as s:
        s.add_documents([Document(f"d{i}", f"الخبر {letter}\n{TEXT}") for i, letter in enumerate("أب")])
    return path


def shifted(span: Span) -> Span:
    """The span in a document built above (its first line, the title, is 8 code points)."""
    return Span(span.start + 8, span.end + 8, span.label, span.origin, pending=span.pending, rule=span.rule)


def suggest(path: Path, spans: dict[str, list[Span]]) -> None:
    """What `reader suggest` does, from another Store (another process): commit new shards."""
    with Store.open(path) as suggester:
        added = suggester.add_suggestions([(d, [shifted(s) for s in ss]) for d, ss in spans.items()])
    assert added.total == sum(len(ss) for ss in spans.values())


@contextmanager
def annotating(path: Path, on_pending: PendingPolicy = "ask") -> Iterator[tuple[ReaderApp, Store]]:
    store = Store.open(path, annotator="ali")
    try:
        yield ReaderApp(Session(store, "ali", SCHEMA), on_pending=on_pending), store
    finally:
        store.close()


def status(app: ReaderApp) -> str:
    screen = app.screen_stack[1]
    return str(screen.query_one("#status", Static).render())


def rows(app: ReaderApp) -> list[str]:
    doclist = app.screen_stack[1].query_one(DocumentList)
    return [str(doclist.render_line(y).text).rstrip() for y in range(len(doclist.ids))]


def drawn_pending(app: ReaderApp) -> set[tuple[int, int, str]]:
    return {s.key for s in app.screen_stack[1].query_one(ArticleView).spans if s.pending}


def screen_text(app: ReaderApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def on_disk(path: Path, doc_id: str = "d0", annotator: str = "ali") -> tuple[str | None, list[Span]]:
    """The answer and the pending spans of a record as another process (an export) reads them."""
    with Store.open(path, readonly=True) as ro:
        record = ro.get_annotation(doc_id, annotator)
    if record is None:
        return None, []
    return record.answer, sorted((s for s in record.spans if s.pending), key=lambda s: s.start)


async def test_suggestions_added_by_another_process_show_within_the_follow_interval(tmp_path: Path) -> None:
    path = build(tmp_path / "s.json")
    with annotating(path) as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert " 1/2 " in status(app) and " 0 pending " in status(app)
            assert not any(row[-1].isdigit() for row in rows(app))  # no pending badge yet
            suggest(path, {"d0": [MOHAMMED, HAMAS], "d1": [HAMAS]})
            await pilot.pause(AnnotateScreen.FOLLOW_SECONDS + 0.8)
            shown = status(app)
            assert " 2 pending " in shown, shown
            assert "2 new suggestion(s) in this document" in shown
            assert drawn_pending(app) == {shifted(MOHAMMED).key, shifted(HAMAS).key}  # the open document
            assert [row[-2:] for row in rows(app)] == [" 2", " 1"]  # the document list's badges
            await pilot.press("j")
            await pilot.pause()
            assert " 2/2 " in status(app) and " 1 pending " in status(app)
            await pilot.press("k")
            await pilot.pause()
            assert " 1/2 " in status(app) and " 2 pending " in status(app)


@pytest.mark.parametrize("policy", ["ask", "accept", "reject"])
async def test_accept_right_after_suggestions_land_asks_instead_of_accepting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: PendingPolicy
) -> None:
    """Before the follow tick: `a` looks at the store itself. New suggestions are always asked about,
    also under --on-pending accept/reject (which is for suggestions the annotator had in front of them)."""
    monkeypatch.setattr(AnnotateScreen, "FOLLOW_SECONDS", NEVER)
    path = build(tmp_path / "s.json")
    with annotating(path, on_pending=policy) as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert " 0 pending " in status(app)
            suggest(path, {"d0": [MOHAMMED, HAMAS]})
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, PendingScreen), status(app)
            question = screen_text(app)
            assert "2 suggestions still pending" in question
            assert "2 of them just arrived" in question
            assert drawn_pending(app) == {shifted(MOHAMMED).key, shifted(HAMAS).key}  # shown behind the question
            assert on_disk(path) == (None, [shifted(MOHAMMED), shifted(HAMAS)])  # nothing accepted yet
            await pilot.press("escape")
            await pilot.pause()
            assert "not answered" in status(app) and " 2 pending " in status(app)
            assert on_disk(path)[0] is None


async def test_accept_under_refuse_names_the_new_suggestions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AnnotateScreen, "FOLLOW_SECONDS", NEVER)
    path = build(tmp_path / "s.json")
    with annotating(path, on_pending="refuse") as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            suggest(path, {"d0": [HAMAS]})
            await pilot.press("a")
            await pilot.pause()
            assert "1 new suggestion(s) arrived; 1 pending: decide them first" in status(app)
            assert on_disk(path) == (None, [shifted(HAMAS)])


async def test_suggestions_landing_while_the_question_is_open_are_not_accepted_unseen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The annotator answers "accept them all" about one suggestion; a second one landed meanwhile:
    nothing is saved, the question comes back with both."""
    monkeypatch.setattr(AnnotateScreen, "FOLLOW_SECONDS", NEVER)
    path = build(tmp_path / "s.json")
    suggest(path, {"d0": [MOHAMMED]})
    with annotating(path) as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert " 1 pending " in status(app)
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, PendingScreen)
            assert "1 suggestion still pending" in screen_text(app)
            suggest(path, {"d0": [HAMAS]})
            await pilot.press("a")  # accept them all (the one asked about)
            await pilot.pause()
            assert isinstance(app.screen, PendingScreen), status(app)
            question = screen_text(app)
            assert "2 suggestions still pending" in question and "1 of them just arrived" in question
            assert on_disk(path) == (None, [shifted(MOHAMMED), shifted(HAMAS)])
            await pilot.press("a")  # now with both in front of them
            await pilot.pause()
            assert not isinstance(app.screen, PendingScreen)
            answer, pending = on_disk(path)
            assert answer == "accept" and pending == []
            with Store.open(path, readonly=True) as ro:
                record = ro.get_annotation("d0", "ali")
            assert record is not None
            assert {s.key for s in record.spans} == {shifted(MOHAMMED).key, shifted(HAMAS).key}


T2 = "أعلنت وزارة الصحة في غزة عن ارتفاع عدد الضحايا"
MINISTRY, GAZA = Span(6, 17, "ORGANIZATION"), Span(21, 24, "LOCATION")


async def test_review_accept_looks_at_the_annotators_latest_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reviewer sees nothing undecided; an annotator adds a span a moment later: `a` says so and
    asks again instead of making the gold record final without it."""
    monkeypatch.setattr(ReviewScreen, "FOLLOW_SECONDS", NEVER)
    path = tmp_path / "s.json"
    with Store.open(path) as s:
        s.import_items(
            [
                (Document("d2", T2), [ImportedAnnotation(n, [MINISTRY], "accept") for n in ("sara", "omar")]),
            ]
        )
    store = Store.open(path, annotator="gold:rana")
    try:
        app = ReaderApp(AdjudicationSession.create(store, "rana", SCHEMA))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            assert " 0 undecided " in str(screen.query_one("#status", Static).render())
            with Store.open(path, annotator="sara") as sara:
                assert sara.add_span("d2", "sara", GAZA)
            await pilot.press("a")
            await pilot.pause()
            shown = str(screen.query_one("#status", Static).render())
            assert "1 new from the annotators' records; 1 span(s) still undecided" in shown, shown
            assert store.get_annotation("d2", "gold:rana").answer is None  # type: ignore[union-attr]
            await pilot.press("a")  # asked, and confirmed
            await pilot.pause()
            assert store.get_annotation("d2", "gold:rana").answer == "accept"  # type: ignore[union-attr]
    finally:
        store.close()
