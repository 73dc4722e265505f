"""Keys typed fast (or arriving in one read over SSH) take effect in the order they were typed: a
label key right after a command key acts on what that command made, never before it. Each test
queues all its keys at once, as a terminal delivers them, without waiting for one to be handled
before the next arrives; the assertions read the store and the status line."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from test_app import ANNOTATOR, BLINKEN, SEED, opened, stored_spans  # same directory
from test_review_mode import LOC, ORG, PERSON, build, gold, keys, reviewing
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from annotations.model import Span
from reader.app import ReaderApp
from reader.widgets.article import ArticleView

TEXT = SEED.read_text(encoding="utf-8")
SIZE = (140, 40)


async def type_together(pilot: Pilot[None], *names: str) -> None:
    """Queue the keys all at once (as the terminal's driver does with one read holding several),
    then wait until the app has handled them: until the app's queue and every queue of the screen's
    nodes stay empty (a key travels only through those). Pilot's own pause waits for the process to
    look idle, which a loaded machine fakes."""
    app = pilot.app
    for name in names:
        app.post_message(events.Key(name, name if len(name) == 1 else None))
    quiet = 0
    deadline = time.monotonic() + 30
    while quiet < 5 and time.monotonic() < deadline:
        nodes = [app, *app.screen.walk_children(with_self=True)]
        quiet = 0 if any(node.message_queue_size for node in nodes) else quiet + 1
        await asyncio.sleep(0.01)
    await pilot.pause()


def status(app: ReaderApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def labelled(app: ReaderApp, store_spans: list[Span]) -> list[tuple[str, str]]:
    text = app.screen.query_one(ArticleView).text
    return sorted((text[s.start : s.end], s.label) for s in store_spans)


async def test_relabel_typed_together_relabels(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("p")  # PERSON on the first word
            assert labelled(app, stored_spans(store, app)) == [("شدّد", "PERSON")]
            await type_together(pilot, "t", "o")
            assert labelled(app, stored_spans(store, app)) == [("شدّد", "ORGANIZATION")]
            assert "relabelled PERSON -> ORGANIZATION" in status(app)
            # the prompt is over: the next label key labels, it is not taken as the prompt's answer
            assert "press a label key" not in status(app)


async def test_accept_all_typed_together_accepts_that_label(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        doc = app.session.doc_id
        for word in ("غزة", "رفح"):
            at = TEXT.index(word)
            store.add_span(doc, ANNOTATOR, Span(at, at + len(word), "LOCATION", "suggested", pending=True, rule="t"))
        async with app.run_test(size=SIZE) as pilot:
            await type_together(pilot, "C", "l")
            got = sorted((TEXT[s.start : s.end], s.label, s.pending) for s in stored_spans(store, app))
            # both suggestions accepted; the word under the cursor (offset 0) is not labelled LOCATION
            assert got == [("رفح", "LOCATION", False), ("غزة", "LOCATION", False)]
            assert "accepted 2 LOCATION suggestion(s)" in status(app)


async def test_a_movement_then_a_label_labels_the_new_position(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            view = app.screen.query_one(ArticleView)
            assert view.cursor == 0
            await type_together(pilot, "ctrl+left", "p")  # one word on (right to left), then PERSON
            assert view.cursor == TEXT.index("وزير")
            assert labelled(app, stored_spans(store, app)) == [("وزير", "PERSON")]


async def test_many_moves_and_labels_typed_together_apply_in_order(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await type_together(pilot, "p", "ctrl+left", "o", "ctrl+left", "l", "ctrl+right", "t", "e")
            assert labelled(app, stored_spans(store, app)) == sorted(
                [("شدّد", "PERSON"), ("وزير", "EVENT"), ("الأمن", "LOCATION")]
            )


async def test_a_command_key_while_a_label_is_awaited_cancels_the_prompt_in_order(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED, BLINKEN) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("p")
            first = app.session.doc_id
            await type_together(pilot, "t", "j", "o")
            # j answered the prompt (cancelling it) instead of opening the next document; o then labels
            assert app.session.doc_id == first
            assert "j is not a label key: relabel cancelled" not in status(app)  # o's note followed it
            assert labelled(app, stored_spans(store, app)) == [("شدّد", "ORGANIZATION"), ("شدّد", "PERSON")]
            await type_together(pilot, "t", "escape", "o")
            assert "relabel" not in status(app)
            assert labelled(app, stored_spans(store, app)) == [("شدّد", "ORGANIZATION"), ("شدّد", "PERSON")]


async def test_review_version_key_then_its_number_typed_together(tmp_path: Path) -> None:
    with reviewing(build(tmp_path / "s.json")) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await type_together(pilot, "v", "1")  # omar's version
            assert keys(gold(store)) == sorted([PERSON.key, LOC.key])
            assert "took omar's version" in status(app)
            await type_together(pilot, "v", "2")  # sara's
            assert keys(gold(store)) == sorted([PERSON.key, ORG.key, (37, 44, "LOCATION")])


async def test_review_walk_then_a_label_key_labels_what_the_walk_selected(tmp_path: Path) -> None:
    with reviewing(build(tmp_path / "s.json")) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await type_together(pilot, "full_stop", "o")  # walk to حماس (12-16), then the reviewer's ORGANIZATION
            assert ORG.key in keys(gold(store))
            assert (0, 3, "ORGANIZATION") not in keys(gold(store))


async def test_relabel_from_the_span_list_typed_together(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            view = app.screen.query_one(ArticleView)
            view.move_to(TEXT.index("واشنطن"))
            await pilot.press("l")
            view.move_to(0)
            await pilot.press("p")
            app.screen.query_one("#span-list").focus()
            # the list's second span in text order is واشنطن: down, relabel it, ORGANIZATION
            await type_together(pilot, "down", "t", "o")
            assert labelled(app, stored_spans(store, app)) == [("شدّد", "PERSON"), ("واشنطن", "ORGANIZATION")]
            assert "relabelled LOCATION -> ORGANIZATION" in status(app)


async def test_a_document_chosen_in_the_list_then_a_label_labels_that_document(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED, BLINKEN) as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            first = app.session.doc_id
            app.screen.query_one("#documents").focus()
            await type_together(pilot, "down", "enter", "p")
            assert app.session.doc_id != first
            second = BLINKEN.read_text(encoding="utf-8")
            assert [(second[s.start : s.end], s.label) for s in stored_spans(store, app)] == [
                (second.split()[0], "PERSON")
            ]
            untouched = store.get_annotation(first, ANNOTATOR)
            assert untouched is None or not untouched.spans  # nothing labelled in the document left
