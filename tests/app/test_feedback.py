"""What the screen says after keys whose effect is easy to miss: edge keys, routine review messages
on the status line (toasts only for what must be read in full)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_review_mode import build, reviewing  # the review-mode fixtures (same directory)
from test_review_mode import status as review_status
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.model import Span
from annotations.store import Changes, Store
from reader.app import ReaderApp
from reader.cli import main as reader_main
from reader.commands.app import open_paths
from reader.screens.annotate import AnnotateScreen
from reader.screens.review import ReviewScreen
from reader.session import Session
from reader.widgets.article import ArticleView

ROOT = Path(__file__).parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
TEXT = SEED.read_text(encoding="utf-8")
SCHEMA = LabelSchema.default()


@contextmanager
def opened(tmp_path: Path, *, suggested: bool = False) -> Iterator[tuple[ReaderApp, Store]]:
    path = tmp_path / "s.json"
    with Store.open(path) as store:
        open_paths(store, [str(SEED)], "pilot", SCHEMA)
    if suggested:
        assert reader_main(["suggest", "--store", str(path), "--annotator", "pilot", "--no-progress"]) == 0
    with Store.open(path) as store:
        yield ReaderApp(Session(store, "pilot", SCHEMA)), store


def status(app: ReaderApp) -> str:
    screen = app.screen
    assert isinstance(screen, AnnotateScreen)
    return str(screen.query_one("#status", Static).render())


async def test_edge_keys_say_what_the_selection_is_now(tmp_path: Path) -> None:
    with opened(tmp_path) as (app, _store):
        async with app.run_test(size=(120, 32)) as pilot:
            view = app.screen.query_one(ArticleView)
            space = TEXT.index(" ")
            view.move_to(space)  # between words: nothing to trim
            await pilot.press("left_square_bracket")
            await pilot.pause()
            assert "no selection: [ ] { } trim a selection's edges" in status(app)
            word = TEXT.index("غالانت")
            view.select(word, word + 6)
            await pilot.press("right_square_bracket")  # the start one letter later
            await pilot.pause()
            assert view.selection == (word + 1, word + 6)
            assert f"selection {word + 1}–{word + 6}:" in status(app)


async def test_review_says_records_changed_only_when_they_did(tmp_path: Path) -> None:
    path = build(tmp_path / "team.json")
    with reviewing(path) as (app, store):
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            real_refresh = store.refresh
            store.refresh = lambda: Changes(reloaded=True)  # type: ignore[method-assign]  # a fold elsewhere
            screen._follow_store()
            store.refresh = real_refresh  # type: ignore[method-assign]
            assert "records changed" not in review_status(app)
            with Store.open(path, annotator="sara") as sara:  # sara only reads d1 for a while
                sara.add_time("d1", "sara", 30.0)
            screen._follow_store()
            assert "records changed" not in review_status(app)
            with Store.open(path, annotator="sara") as sara:  # now she really changes it
                sara.add_span("d1", "sara", Span(0, 3, "PERSON"))
            screen._follow_store()
            assert "the annotators' records changed" in review_status(app)


async def test_time_spent_is_saved_while_the_document_stays_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AnnotateScreen, "TIME_SAVE_SECONDS", 0.4)
    with opened(tmp_path, suggested=True) as (app, store):  # suggestions: the document has a record view
        async with app.run_test(size=(120, 32)) as pilot:
            doc = app.session.doc_id
            record = None
            for _ in range(50):  # 1.5 s on a quiet machine; timers run late on a loaded one
                await pilot.pause(0.3)
                record = store.get_annotation(doc, "pilot")
                if record is not None and record.seconds_spent > 0.5:
                    break
            assert record is not None and record.seconds_spent > 0.5  # without leaving the document
            assert record.updated == 0.0  # reading is not an edit


@pytest.mark.parametrize("size", [(120, 32), (80, 24)])
async def test_routine_review_messages_fit_the_status_line_without_toasts(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    with opened(tmp_path, suggested=True) as (app, _store):
        async with app.run_test(size=size) as pilot:
            for keys in (["full_stop"], ["full_stop"], ["c"], ["full_stop"], ["x"]):
                await pilot.press(*keys)
                await pilot.pause()
                line = status(app)[: size[0]]
                assert app.screen._note and app.screen._note in line  # type: ignore[attr-defined]
                assert "pending" in line and "answer:" in line  # the counters stay in view
                assert list(app._notifications) == []  # nothing covers the status line


async def test_a_toast_for_a_long_note_is_replaced_not_stacked(tmp_path: Path) -> None:
    with opened(tmp_path, suggested=True) as (app, _store):
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.press("full_stop")
            await pilot.pause()
            await pilot.press("full_stop")
            await pilot.pause()
            toasts = [str(n.message) for n in app._notifications]
            assert len(toasts) == 1 and toasts[0].startswith("suggestion 2/")
            await pilot.press("c")  # a short note fits: the stale toast goes
            await pilot.pause()
            assert list(app._notifications) == []


@pytest.mark.parametrize("size", [(120, 32), (80, 24)])
async def test_arabic_in_the_help_is_shaped_and_in_visual_order(tmp_path: Path, size: tuple[int, int]) -> None:
    from reader.screens.help import HelpScreen
    from reader.text.snippet import visual_snippet

    with opened(tmp_path) as (app, _store):
        async with app.run_test(size=size) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
            assert "الشيخ، الرئيس" not in shown  # logical order, unjoined: what the terminal would garble
            assert visual_snippet("الشيخ، الرئيس", 40) in shown  # as the article draws it


async def test_an_arabic_annotator_name_on_the_status_line_is_shaped(tmp_path: Path) -> None:
    from reader.text.snippet import visual_snippet

    path = tmp_path / "s.json"
    with Store.open(path) as store:
        open_paths(store, [str(SEED)], "سارة", SCHEMA)
        app = ReaderApp(Session(store, "سارة", SCHEMA))
        async with app.run_test(size=(160, 32)) as pilot:
            await pilot.pause()
            line = status(app)
            assert "annotator: " + visual_snippet("سارة", 10) in line and "سارة" not in line


@pytest.mark.parametrize("width", [160, 120, 80, 60])
async def test_the_label_bar_never_splits_an_entry(tmp_path: Path, width: int) -> None:
    with opened(tmp_path) as (app, _store):
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.pause()
            legend = app.screen.query_one("#legend", Static)
            lines = [strip.text.rstrip() for strip in legend.render_lines(legend.region.reset_offset)]
            lines = [line for line in lines if line]
            shown = "\n".join(lines)
            assert " b  Boilerplate" in shown  # whole, never "b  Boilerplate" / "(line)" on two lines
            assert all(not line.endswith(f" {key} ") for line in lines for key in "polde12mqb")
            if width >= 120:
                assert len(lines) == 1
            if width >= 160:
                assert "Boilerplate (line)" in shown
