"""What the screen says after keys whose effect is easy to miss: edge keys, routine review messages
on the status line (toasts only for what must be read in full)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.store import Store
from reader.app import ReaderApp
from reader.cli import main as reader_main
from reader.commands.app import open_paths
from reader.screens.annotate import AnnotateScreen
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
