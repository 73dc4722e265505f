"""Working as a team in the annotation app, through Pilot: the document list as the annotator's queue
under a routing policy (claims on opening, the others' claims followed), the others' progress shown
live, the team screen (progress, throughput, labels, agreement; refreshed as the others work), and
what a blind policy hides. Another annotator is a second Store opened on the same files, as a
second process would be."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.routing import RoutingPolicy, policy_path, policy_to_toml
from annotations.store import Store
from reader.app import ReaderApp
from reader.commands.app import routed_session
from reader.screens.team import TeamScreen
from reader.widgets.doclist import DocumentList

SCHEMA = LabelSchema.default()
SIZE = (150, 40)
TEXT = "قال محمد إن حماس وافقت على الهدنة"


def build(path: Path, n: int = 4, policy: RoutingPolicy | None = None) -> Path:
    with Store.open(path) as s:
        s.add_documents([Document(f"d{i}", f"الخبر {i}\n{TEXT}") for i in range(n)])
    if policy is not None:
        policy_path(path).write_text(policy_to_toml(policy), encoding="utf-8")
    return path


@contextmanager
def annotating(path: Path, name: str = "sara") -> Iterator[tuple[ReaderApp, Store]]:
    store = Store.open(path, annotator=name)
    try:
        session = routed_session(store, name, SCHEMA, store.document_ids())
        assert session is not None
        yield ReaderApp(session), store
    finally:
        store.close()


def status(app: ReaderApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def rows(app: ReaderApp) -> list[str]:
    doclist = app.screen.query_one(DocumentList)
    return [str(doclist.render_line(y).text) for y in range(len(doclist.ids))]


def team_text(app: ReaderApp) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#team-figures", Static).content)
    return console.export_text()


def answer(store: Store, doc: str, name: str, spans: list[Span], verdict: str = "accept") -> None:
    for s in spans:
        store.add_span(doc, name, s)
    store.set_answer(doc, name, verdict)


async def wait_until(pilot: object, condition: object, seconds: float = 5.0) -> None:
    """Let the app run until ``condition()`` holds (the store is looked at every second; the allowance
    is wider than the 2 s promise so a loaded CI machine does not fail it)."""
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        await pilot.pause(0.1)  # type: ignore[attr-defined]
    assert condition(), "not within the time allowed"  # type: ignore[operator]


async def test_the_document_list_is_the_queue_and_follows_the_others_claims(tmp_path: Path) -> None:
    path = build(tmp_path / "s.json", 5, RoutingPolicy(overlap=1))
    with Store.open(path, annotator="omar") as omar:
        omar.claim("d0", "omar", 1)
        with annotating(path) as (app, store):
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                assert app.session.ids == ["d1", "d2", "d3", "d4"]  # omar holds d0
                assert store.claims("d1") == ["sara"]  # opened, so claimed
                assert len(rows(app)) == 4 and " 1/4 " in status(app)
                await pilot.press("j")
                assert store.claims("d2") == ["sara"]
                omar.claim("d3", "omar", 1)  # omar takes d3 meanwhile
                await wait_until(pilot, lambda: app.session.ids == ["d1", "d2", "d4"])
                assert app.session.doc_id == "d2" and " 2/3 " in status(app)
                omar.claim("d4", "omar", 1)  # and d4, before sara's app has seen it
                await pilot.press("j")  # d4 cannot be claimed any more: sara stays, and is told
                assert store.claims("d4") == ["omar"]
                assert app.session.doc_id == "d2" and app.session.ids == ["d1", "d2"]
                assert "taken by others" in status(app)


async def test_others_progress_is_shown_live_without_blind(tmp_path: Path) -> None:
    path = build(tmp_path / "s.json")
    with Store.open(path, annotator="omar") as omar, annotating(path) as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "others:" not in status(app)
            answer(omar, "d1", "omar", [Span(10, 14, "PERSON")])
            await wait_until(pilot, lambda: "others: omar 1" in status(app))
            assert rows(app)[1].startswith("·¹")  # one other annotator answered d1
            answer(omar, "d2", "omar", [], "reject")
            await wait_until(pilot, lambda: "others: omar 2" in status(app))


async def test_the_team_screen_shows_everyone_and_follows_the_others(tmp_path: Path) -> None:
    path = build(tmp_path / "s.json")
    with Store.open(path, annotator="omar") as omar:
        answer(omar, "d0", "omar", [Span(10, 14, "PERSON")])
        omar.add_time("d0", "omar", 360.0)
        with annotating(path) as (app, _store):
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await pilot.press("p", "a")  # sara labels and accepts d0
                await pilot.press("T")
                assert isinstance(app.screen, TeamScreen)
                await wait_until(pilot, lambda: "Agreement" in team_text(app))
                shown = team_text(app)
                assert "omar" in shown and "sara" in shown
                assert "1/4" in shown  # each answered one of four documents
                assert "10.0" in shown  # omar: one document in six minutes
                assert "PERSON" in shown and "all annotators" in shown and "omar – sara" in shown
                answer(omar, "d1", "omar", [], "reject")  # omar goes on while sara looks
                await wait_until(pilot, lambda: "2/4" in team_text(app), seconds=3)
                await pilot.press("escape")
                assert not isinstance(app.screen, TeamScreen)


async def test_blind_hides_the_others(tmp_path: Path) -> None:
    path = build(tmp_path / "s.json", 4, RoutingPolicy(overlap=2, blind=True))
    with Store.open(path, annotator="omar") as omar:
        omar.claim("d0", "omar", 2)
        answer(omar, "d0", "omar", [Span(10, 14, "PERSON")])
        with annotating(path) as (app, _store):
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                assert app.session.doc_id == "d0"  # overlap 2: d0 still has a slot for sara
                await pilot.press("p", "a")
                answer(omar, "d1", "omar", [], "reject")
                await pilot.pause(1.5)
                assert "others" not in status(app)
                assert not any(r[1] in "¹²³" for r in rows(app))
                await pilot.press("T")
                await wait_until(pilot, lambda: "Progress" in team_text(app))
                shown = team_text(app)
                assert "sara" in shown and "omar" not in shown
                assert "Blind routing" in shown and "Agreement" not in shown


async def test_hostile_names_of_the_others_are_shown_not_obeyed(tmp_path: Path) -> None:
    from test_hostile_strings import PAYLOAD, check, written_bytes  # the harness (same directory)

    path = build(tmp_path / "s.json")
    evil = f"omar{PAYLOAD}"
    with Store.open(path, annotator=evil) as omar:
        answer(omar, "d0", evil, [Span(10, 14, "PERSON")])
        with annotating(path) as (app, _store):
            frames = written_bytes(app)
            async with app.run_test(size=SIZE) as pilot:
                app.console.width, app.console.height = SIZE
                await pilot.pause()
                assert "others: omar␛]0;pwned␇" in status(app)
                await pilot.press("T")
                await wait_until(pilot, lambda: "Progress" in team_text(app) and "omar" in team_text(app))
                await pilot.pause(0.3)
                assert app.is_running  # no markup action ran
    data = check(frames)
    assert "omar␛]0;pwned␇" in data and "[b]bold[/b]" in data


async def test_a_policy_changed_while_working_is_followed(tmp_path: Path) -> None:
    path = build(tmp_path / "s.json", 4, RoutingPolicy(overlap=2))
    with Store.open(path, annotator="omar") as omar:
        omar.claim("d0", "omar", 2)
        answer(omar, "d0", "omar", [])
        with annotating(path) as (app, _store):
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                assert "others: omar 1" in status(app)
                policy_path(path).write_text(policy_to_toml(RoutingPolicy(overlap=1, blind=True)), encoding="utf-8")
                await wait_until(pilot, lambda: "others" not in status(app))
                assert app.session.ids == ["d0", "d1", "d2", "d3"]  # sara holds d0; the rest are free
                policy_path(path).write_text("[routing]\noverlap = 0\n", encoding="utf-8")
                await pilot.pause(1.5)
                assert app.session.queue is not None and app.session.queue.policy.blind  # the last good one stays
                assert any("damaged" in str(n.message) for n in app._notifications)
