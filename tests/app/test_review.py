"""Review you can trust: the annotation screen driven through Pilot on the seed article with the
suggestions `reader suggest` makes for it. Each test is one thing an annotator checks; the
assertions read the store (what is exported) and what the screen says."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.model import Span
from annotations.store import Store
from reader.app import ReaderApp
from reader.cli import main as reader_main
from reader.commands.app import open_paths
from reader.options import PendingPolicy, ViewOptions
from reader.screens.annotate import AnnotateScreen
from reader.screens.pending import PendingScreen
from reader.session import Session
from reader.widgets.article import ArticleView
from reader.widgets.doclist import DocumentList

ROOT = Path(__file__).parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
ENGLISH = ROOT / "samples" / "007_en_security_council.txt"
TEXT = SEED.read_text(encoding="utf-8")
ANNOTATOR = "pilot"
SCHEMA = LabelSchema.default()
SIZE = (140, 40)


def suggest(store_path: Path) -> None:
    """Run the real `reader suggest` on the store (closed while it runs)."""
    assert reader_main(["suggest", "--store", str(store_path), "--annotator", ANNOTATOR, "--no-progress"]) == 0


def build(store_path: Path, *paths: Path, suggested: bool = False) -> None:
    store = Store.open(store_path)
    try:
        open_paths(store, [str(p) for p in paths], ANNOTATOR, SCHEMA)
    finally:
        store.close()
    if suggested:
        suggest(store_path)


@contextmanager
def opened(
    store_path: Path, *, on_pending: PendingPolicy = "ask", options: ViewOptions | None = None
) -> Iterator[tuple[ReaderApp, Store]]:
    store = Store.open(store_path)
    try:
        yield ReaderApp(Session(store, ANNOTATOR, SCHEMA), options, on_pending=on_pending), store
    finally:
        store.close()


def view_of(app: ReaderApp) -> ArticleView:
    return app.screen.query_one(ArticleView)


def status(app: ReaderApp) -> str:
    screen = app.screen if isinstance(app.screen, AnnotateScreen) else app.screen_stack[1]
    return str(screen.query_one("#status", Static).render())


def record_spans(store: Store, doc_id: str) -> list[Span]:
    annotation = store.get_annotation(doc_id, ANNOTATOR)
    return list(annotation.spans) if annotation else []


def pending_of(store: Store, doc_id: str) -> list[Span]:
    return sorted((s for s in record_spans(store, doc_id) if s.pending), key=lambda s: (s.start, -s.end, s.label))


# -- 1. the walk visits every pending suggestion once, nested or not ---------------------------------
async def test_walk_visits_every_suggestion_once_in_reading_order(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED, suggested=True)
    with opened(tmp_path / "s.json") as (app, store):
        doc = app.session.doc_id
        expected = pending_of(store, doc)
        quote_start = TEXT.index("قطر ومصر")
        # the seed has an outer and an inner suggestion starting together: a quote and قطر in it
        assert {s.label for s in expected if s.start == quote_start} == {"QUOTE", "LOCATION"}
        async with app.run_test(size=SIZE) as pilot:
            view = view_of(app)
            visited: list[tuple[int, int]] = []
            for _ in range(len(expected) + 3):
                before = view.selection
                await pilot.press("full_stop")
                if view.selection == before:
                    break
                assert view.selection is not None
                visited.append(view.selection)
            assert visited == [(s.start, s.end) for s in expected]
            assert "no pending suggestion after" in status(app)
            # and back with , in the reverse order
            back: list[tuple[int, int]] = []
            for _ in range(len(expected) - 1):
                await pilot.press("comma")
                assert view.selection is not None
                back.append(view.selection)
            assert back == [(s.start, s.end) for s in reversed(expected[:-1])]


async def test_seed_review_with_walk_and_accept_ends_with_nothing_pending(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED, suggested=True)
    with opened(tmp_path / "s.json") as (app, store):
        doc = app.session.doc_id
        total = len(pending_of(store, doc))
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(total):
                await pilot.press("full_stop", "c")
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, AnnotateScreen)  # nothing was pending: no question
        assert pending_of(store, doc) == []
        annotation = store.get_annotation(doc, ANNOTATOR)
        assert annotation is not None and annotation.answer == "accept" and len(annotation.spans) == total


# -- 2. a label key on a pending suggestion of that label accepts it ---------------------------------
async def test_label_key_on_a_pending_suggestion_accepts_it(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED, suggested=True)
    with opened(tmp_path / "s.json") as (app, store):
        doc = app.session.doc_id
        qatar = TEXT.index("قطر ومصر")
        async with app.run_test(size=SIZE) as pilot:
            view = view_of(app)
            view.move_to(qatar + 1)  # on قطر, inside the pending quote: no selection
            await pilot.press("l")
            await pilot.pause()
            location = next(s for s in record_spans(store, doc) if s.key == (qatar, qatar + 3, "LOCATION"))
            assert not location.pending and location.origin == "suggested"
            assert "accepted suggestion LOCATION" in status(app)
            # back to the quote around it: the walk selects it, and its label key accepts the whole quote
            await pilot.press("comma")
            quote = next(s for s in pending_of(store, doc) if s.start == qatar)
            await pilot.press("q")
            await pilot.pause()
            assert not next(s for s in record_spans(store, doc) if s.key == quote.key).pending


# -- 3. pending always visible; accepting the document never passes over them silently --------------------
async def test_pending_count_is_shown_and_accept_asks(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED, ENGLISH, suggested=True)
    with opened(tmp_path / "s.json") as (app, store):
        doc = app.session.doc_id
        total = len(pending_of(store, doc))
        assert total > 2
        async with app.run_test(size=SIZE) as pilot:
            assert f"{total} pending" in status(app)
            row = app.screen.query_one(DocumentList).render_line(0)
            assert row.text.rstrip().endswith(str(total))  # the document list shows it too
            await pilot.press("full_stop", "c")
            assert f"{total - 1} pending" in status(app)
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, PendingScreen)
            await pilot.press("escape")  # go back: nothing answered
            await pilot.pause()
            assert isinstance(app.screen, AnnotateScreen)
            assert store.answers(ANNOTATOR)[doc] is None and "not answered" in status(app)
            await pilot.press("a")
            await pilot.pause()
            await pilot.press("r")  # reject them all, accept the document
            await pilot.pause()
            assert app.session.doc_id != doc
        annotation = store.get_annotation(doc, ANNOTATOR)
        assert annotation is not None and annotation.answer == "accept"
        assert [s for s in annotation.spans if s.pending] == []
        assert len(annotation.spans) == 1 and len(annotation.rejected) == total - 1


@pytest.mark.parametrize("policy", ["accept", "reject", "refuse"])
async def test_pending_policy_for_teams(tmp_path: Path, policy: PendingPolicy) -> None:
    build(tmp_path / "s.json", SEED, ENGLISH, suggested=True)
    with opened(tmp_path / "s.json", on_pending=policy) as (app, store):
        doc = app.session.doc_id
        total = len(pending_of(store, doc))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, AnnotateScreen)
            if policy == "refuse":
                assert "decide them first" in status(app)
        annotation = store.get_annotation(doc, ANNOTATOR)
        assert annotation is not None
        if policy == "refuse":
            assert annotation.answer is None and len(pending_of(store, doc)) == total
        else:
            assert annotation.answer == "accept" and pending_of(store, doc) == []
            kept = len(annotation.spans)
            assert kept == (total if policy == "accept" else 0)


# -- 4. a decision is part of the record: suggesting again adds only what was never decided ------------
async def test_rejected_and_deleted_suggestions_do_not_come_back(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED, suggested=True)
    with opened(tmp_path / "s.json") as (app, store):
        doc = app.session.doc_id
        first, second = pending_of(store, doc)[:2]
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("full_stop", "x")  # reject the first
            await pilot.press("full_stop", "c")  # accept the second ...
            view_of(app).move_to(second.start)
            await pilot.press("delete")  # ... and delete it
            await pilot.pause()
        before = len(pending_of(store, doc))
    suggest(tmp_path / "s.json")
    with Store.open(tmp_path / "s.json") as store:
        keys = {s.key for s in record_spans(store, doc)}
        assert first.key not in keys and second.key not in keys
        assert len(pending_of(store, doc)) == before
        annotation = store.get_annotation(doc, ANNOTATOR)
        assert annotation is not None and {s.key for s in annotation.rejected} >= {first.key, second.key}


# -- 5. origin and state are two facts in the span list ---------------------------------------------------
async def test_span_list_shows_origin_and_state(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED, suggested=True)
    with opened(tmp_path / "s.json") as (app, _):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("full_stop", "c")  # accept the first suggestion
            view_of(app).move_to(0)
            await pilot.press("p")  # a manual label on the first word
            await pilot.pause()
            span_list = app.screen.query_one("#span-list")
            shown = "\n".join(span_list.render_line(y).text for y in range(span_list.size.height))
            assert "accepted suggestion" in shown
            assert "pending suggestion" in shown
            assert "manual" in shown
            assert "  suggested" not in shown


# -- 6, 7. words: selection by whole words from the word under the cursor; word moves stop at starts ---------
async def test_word_wise_selection_takes_one_word_per_press(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED)
    with opened(tmp_path / "s.json") as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            view = view_of(app)
            start = TEXT.index("يوآف")
            view.move_to(start)
            await pilot.press("ctrl+shift+left")  # forward in right-to-left text
            assert view.selection is not None and TEXT[slice(*view.selection)] == "يوآف"
            await pilot.press("ctrl+shift+left")
            assert view.selection is not None and TEXT[slice(*view.selection)] == "يوآف غالانت"
            await pilot.press("ctrl+shift+right")  # the other way gives the last word back
            assert view.selection is not None and TEXT[slice(*view.selection)] == "يوآف"
            await pilot.press("ctrl+shift+left", "p")
            await pilot.pause()
            (span,) = record_spans(store, app.session.doc_id)
            assert TEXT[span.start : span.end] == "يوآف غالانت"


async def test_word_move_goes_to_the_start_of_the_current_word_first(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED)
    with opened(tmp_path / "s.json") as (app, _):
        async with app.run_test(size=SIZE) as pilot:
            view = view_of(app)
            await pilot.press("end")  # the last character of the first line: inside its last word
            last = view.layout_engine.line(0)
            assert last is not None
            inside = view.cursor
            word_start = TEXT.rfind(" ", 0, inside) + 1
            assert word_start < inside
            await pilot.press("ctrl+right")  # back in reading order: to this word's start
            assert view.cursor == word_start
            await pilot.press("ctrl+right")  # then to the previous word's start
            assert view.cursor == TEXT.rfind(" ", 0, word_start - 1) + 1


# -- 8. at a search hit inside a word, a label key labels the hit -----------------------------------------
async def test_label_at_a_search_hit_inside_a_word_labels_the_hit(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED)
    with opened(tmp_path / "s.json") as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("slash", *"أوستن", "enter")
            await pilot.pause()
            view = view_of(app)
            while not TEXT[: view.cursor].endswith("ل"):  # the hit inside لأوستن
                await pilot.press("n")
            await pilot.press("p")
            await pilot.pause()
            (span,) = record_spans(store, app.session.doc_id)
            assert TEXT[span.start : span.end] == "أوستن" and TEXT[span.start - 1] == "ل"


# -- 10. every answer and every key that does nothing says so ---------------------------------------------
async def test_answers_and_dead_keys_say_what_happened(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED, ENGLISH)
    with opened(tmp_path / "s.json") as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            first = app.session.doc_id
            await pilot.press("r")
            await pilot.pause()
            assert "rejected doc 1/2 — z undoes" in status(app)
            await pilot.press("z")
            await pilot.pause()
            assert store.answers(ANNOTATOR)[first] is None and app.session.doc_id == first
            await pilot.press("ح")  # p on an Arabic keyboard layout
            assert "no key ح" in status(app) and "switch the keyboard layout" in status(app)
            await pilot.press("P")  # Caps Lock
            assert "no key P" in status(app) and "Caps Lock" in status(app)
            assert record_spans(store, first) == []


# -- 12. messages are never cut off; the article keeps 60% of the width ------------------------------------
@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 30)])
async def test_messages_visible_and_article_keeps_its_share(tmp_path: Path, size: tuple[int, int]) -> None:
    build(tmp_path / "s.json", SEED, suggested=True)
    with opened(tmp_path / "s.json") as (app, _):
        async with app.run_test(size=size) as pilot:
            view = view_of(app)
            assert view.outer_size.width >= 0.6 * size[0]
            await pilot.press("full_stop")
            await pilot.pause()
            note = "suggestion 1/"
            shown = status(app)
            line = shown[: size[0]]
            toasts = [str(n.message) for n in app._notifications]
            assert note in line or any(note in t for t in toasts)
            whole = next(t for t in [shown, *toasts] if note in t)
            assert "c accepts" in whole  # the message is there in full somewhere on screen


# -- 13. the legend, a triple click and ctrl+c do not crash -----------------------------------------------
async def test_triple_click_on_legend_then_ctrl_c(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED)
    with opened(tmp_path / "s.json") as (app, _):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.click("#legend", times=3)
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, AnnotateScreen)


# -- 14. one owner for the cursor and selection; what is painted is the state ---------------------------------
async def test_selection_drawn_is_the_selection_held(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED)
    with opened(tmp_path / "s.json") as (app, _):
        async with app.run_test(size=SIZE) as pilot:
            view = view_of(app)
            with pytest.raises(AttributeError):
                view.selection = None  # type: ignore[misc]  # nobody else assigns it
            redrawn: list[int] = []
            refresh_lines = view.refresh_lines

            def spy(y: int, count: int = 1) -> object:
                redrawn.extend(range(y, y + count))
                return refresh_lines(y, count)

            view.refresh_lines = spy  # type: ignore[method-assign]
            await pilot.press("w", "p")  # label the first word
            await pilot.press("w")
            assert view.selection is not None
            redrawn.clear()
            await pilot.press("p")  # the same word again: already there
            await pilot.pause()
            assert view.selection is None
            assert 0 in redrawn  # the line that showed the selection was drawn again without it
            assert "already there" in status(app)


# -- 17. undo history survives a restart; nothing to undo is said ---------------------------------------------
async def test_undo_history_survives_a_restart(tmp_path: Path) -> None:
    build(tmp_path / "s.json", SEED)
    with opened(tmp_path / "s.json") as (app, store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("z")
            assert "nothing to undo" in status(app)
            await pilot.press("p")  # label the first word
            view_of(app).move_to(TEXT.index("وزير"))
            await pilot.press("o")
            await pilot.pause()
            assert len(record_spans(store, app.session.doc_id)) == 2
    with opened(tmp_path / "s.json") as (app, store):
        doc = app.session.doc_id
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("z")
            await pilot.pause()
            assert [s.label for s in record_spans(store, doc)] == ["PERSON"]
            await pilot.press("z")
            await pilot.pause()
            assert record_spans(store, doc) == []
            await pilot.press("z")
            assert "nothing to undo" in status(app)
            await pilot.press("Z")
            await pilot.pause()
            assert [s.label for s in record_spans(store, doc)] == ["PERSON"]


# -- 15. a refused write (a damaged or full store) is a clear message, never a traceback ---------------------
async def test_a_store_error_during_an_action_is_shown_and_the_app_goes_on(tmp_path: Path) -> None:
    from annotations.errors import StoreError

    build(tmp_path / "s.json", SEED, ENGLISH)
    with opened(tmp_path / "s.json") as (app, store):
        async with app.run_test(size=SIZE) as pilot:

            def refuse(*_args: object, **_kwargs: object) -> bool:
                raise StoreError("no space left on device", path="/tmp/s\x1b]0;x\x07.json.journal")

            store.update = refuse  # type: ignore[method-assign]
            await pilot.press("r")
            await pilot.pause()
            assert app.is_running and app.session.index == 0
            messages = [str(n.message) for n in app._notifications]
            assert any("not done" in m and "no space left" in m and "␛]0;x␇" in m for m in messages), messages
