"""`reader review` driven through Pilot: what a reviewer checks — agreed spans pre-accepted, every
span once with who has it, taking one annotator's version, undo, the gold record in the store, and
hostile names shown, never obeyed. The assertions read the store and the screen."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from test_hostile_strings import PAYLOAD, check, written_bytes  # the hostile-string harness (same directory)
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.model import Annotation, Document, Span
from annotations.store import ImportedAnnotation, Store
from reader.adjudicate import AdjudicationSession
from reader.app import ReaderApp
from reader.screens.help import HelpScreen
from reader.screens.review import ReviewScreen
from reader.screens.team import TeamScreen
from reader.widgets.article import ArticleView
from reader.widgets.candidates import CandidateList

SCHEMA = LabelSchema.default()
SIZE = (150, 40)
T1 = "قال محمد إن حماس وافقت على الهدنة في القاهرة"
T2 = "أعلنت وزارة الصحة في غزة عن ارتفاع عدد الضحايا"
PERSON, ORG, LOC, CAIRO = (
    Span(4, 8, "PERSON"),
    Span(12, 16, "ORGANIZATION"),
    Span(12, 16, "LOCATION"),
    Span(37, 44, "LOCATION"),
)


def build(path: Path, omar: str = "omar") -> Path:
    with Store.open(path) as s:
        s.import_items(
            [
                (
                    Document("d1", T1),
                    [
                        ImportedAnnotation("sara", [PERSON, ORG, CAIRO], "accept"),
                        ImportedAnnotation(omar, [PERSON, LOC], "accept"),
                    ],
                ),
                (
                    Document("d2", T2),
                    [
                        ImportedAnnotation("sara", [Span(6, 17, "ORGANIZATION")], "accept"),
                        ImportedAnnotation(omar, [Span(6, 17, "ORGANIZATION")], "accept"),
                    ],
                ),
            ]
        )
    return path


@contextmanager
def reviewing(path: Path) -> Iterator[tuple[ReaderApp, Store]]:
    store = Store.open(path, annotator="gold:rana")
    try:
        yield ReaderApp(AdjudicationSession.create(store, "rana", SCHEMA)), store
    finally:
        store.close()


def gold(store: Store, doc_id: str = "d1") -> Annotation | None:
    return store.get_annotation(doc_id, "gold:rana")


def keys(record: Annotation | None) -> list[tuple[int, int, str]]:
    return sorted(s.key for s in record.spans) if record is not None else []


def status(app: ReaderApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def panel(app: ReaderApp) -> str:
    """The review panel as text: annotators, then each candidate's two lines."""
    screen = app.screen
    head = str(screen.query_one("#review-annotators", Static).render())
    rows = screen.query_one(CandidateList)
    lines = [str(rows.render_line(y).text) for y in range(rows.size.height)]
    return head + "\n" + "\n".join(line.rstrip() for line in lines if line.strip())


async def test_agreed_spans_are_pre_accepted_and_every_span_is_shown_once_with_its_holders(tmp_path: Path) -> None:
    with reviewing(build(tmp_path / "s.json")) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            # saved as the document opened: the span both annotators have is in the gold record
            record = gold(store)
            assert record is not None and keys(record) == [PERSON.key] and record.answer is None
            assert [(s.origin, s.pending) for s in record.spans] == [("review", False)]
            shown = panel(app)
            assert "1 ✓ omar accept" in shown and "2 ✓ sara accept" in shown
            assert shown.count("PERSON") == 1 and "✓ PERSON" in shown
            assert shown.count("ORGANIZATION") == 1 and shown.count("LOCATION") == 2  # omar's and sara's
            assert "    all" in shown and "    omar" in shown and "    sara" in shown
            assert "pre-accepted 1 span(s)" in status(app)
            # the article draws the undecided spans as suggestions are drawn (pending), the agreed one accepted
            view = app.screen.query_one(ArticleView)
            assert {(s.key, s.pending) for s in view.spans} == {
                (PERSON.key, False),
                (ORG.key, True),
                (LOC.key, True),
                (CAIRO.key, True),
            }


async def test_walk_decide_take_a_version_undo_and_finish(tmp_path: Path) -> None:
    with reviewing(build(tmp_path / "s.json")) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            await pilot.press("full_stop")  # the first disagreement: omar's LOCATION on حماس
            assert view.selection == (12, 16) and "LOCATION" in status(app) and "omar" in status(app)
            await pilot.press("x")
            record = gold(store)
            assert record is not None and [s.key for s in record.rejected] == [LOC.key]
            await pilot.press("full_stop", "c")  # sara's ORGANIZATION on the same word
            assert keys(gold(store)) == sorted([PERSON.key, ORG.key])
            await pilot.press("v", "1")  # omar's version after all
            assert keys(gold(store)) == sorted([PERSON.key, LOC.key])
            assert "took omar's version" in status(app)
            await pilot.press("z")
            assert keys(gold(store)) == sorted([PERSON.key, ORG.key])
            assert "undo: take omar's version" in status(app)
            await pilot.press("a")  # CAIRO is still undecided: asked first
            assert "1 span(s) still undecided" in status(app)
            record = gold(store)
            assert record is not None and record.answer is None
            await pilot.press("a")
            record = gold(store)
            assert record is not None and record.answer == "accept"  # final: the document's gold
            assert app.screen.session.doc_id == "d2"  # type: ignore[attr-defined]
            # d2: the annotators agree on everything; it is pre-accepted, nothing undecided
            assert keys(gold(store, "d2")) == [(6, 17, "ORGANIZATION")]
            assert "0 undecided" in status(app)
    # a restart shows the same, and the undo history is still there
    with reviewing(tmp_path / "s.json") as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert keys(gold(store)) == sorted([PERSON.key, ORG.key])
            await pilot.press("z")  # the answer of d1, the last step in its gold record
            await pilot.pause()
            record = gold(store)
            assert record is not None and record.answer is None


async def test_the_reviewers_own_span_and_accepting_everything_agreed(tmp_path: Path) -> None:
    with reviewing(build(tmp_path / "s.json")) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("z")  # take back the pre-acceptance
            assert keys(gold(store)) == []
            await pilot.press("A")
            assert keys(gold(store)) == [PERSON.key]
            view = app.screen.query_one(ArticleView)
            view.select(17, 22)  # وافقت: nobody labelled it
            await pilot.press("e")
            assert (17, 22, "EVENT") in keys(gold(store))
            assert "added the reviewer's own EVENT" in status(app)
            assert "reviewer" in panel(app)


async def test_help_and_team_screens_from_review(tmp_path: Path) -> None:
    with reviewing(build(tmp_path / "s.json")) as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            console = Console(width=200, record=True, file=io.StringIO())
            for widget in app.screen.query(Static):
                console.print(widget.content)
            shown = console.export_text()
            assert "Take one annotator's version" in shown and "Accept every span all annotators agree on" in shown
            await pilot.press("escape", "T")
            await pilot.pause()
            assert isinstance(app.screen, TeamScreen)


async def test_hostile_annotator_names_in_review_are_shown_not_obeyed(tmp_path: Path) -> None:
    evil = f"omar{PAYLOAD}"
    with reviewing(build(tmp_path / "s.json", omar=evil)) as (app, _store):
        frames = written_bytes(app)
        async with app.run_test(size=SIZE) as pilot:
            app.console.width, app.console.height = SIZE
            await pilot.pause()
            await pilot.press("full_stop")
            await pilot.press("v")  # the prompt lists the names
            await pilot.pause()
            assert "omar␛]0;pwned␇" in status(app)
            await pilot.press("escape", "T")
            await pilot.pause()
            await pilot.pause(0.5)
            assert app.is_running
    data = check(frames)
    assert "␛]0;pwned␇" in data and "[b]bold[/b]" in data


async def test_a_quotation_with_guillemets_is_not_quoted_with_them_again(tmp_path: Path) -> None:
    text = "He said «stop the war now» on Monday."
    quote = Span(8, 26, "QUOTE")
    with Store.open(tmp_path / "q.json") as s:
        s.import_items(
            [
                (
                    Document("q", text),
                    [ImportedAnnotation("sara", [quote], "accept"), ImportedAnnotation("omar", [], "accept")],
                )
            ]
        )
    with reviewing(tmp_path / "q.json") as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("full_stop")  # the quotation only sara has
            shown = status(app)
            assert "QUOTE" in shown and "«stop the war now»" in shown
            assert "««" not in shown and "»»" not in shown


async def test_a_skipped_document_is_not_counted_adjudicated_and_J_finds_it(tmp_path: Path) -> None:
    with reviewing(build(tmp_path / "s.json")) as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("s")  # d1: come back later
            await pilot.pause()
            assert "adjudicated 0/2" in status(app)
            await pilot.press("a")  # d2: every span agreed, accepted
            await pilot.pause()
            assert "adjudicated 1/2" in status(app)
            await pilot.press("J")
            await pilot.pause()
            assert "every document has been adjudicated" not in status(app)
            assert status(app).rstrip().endswith("d1") and "gold: skip" in status(app)
