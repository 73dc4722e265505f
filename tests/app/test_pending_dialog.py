"""The question `a` asks when suggestions are pending is readable: its words are on the screen (the
dialog once collapsed to an empty box, and `a` pressed again then accepted every suggestion unseen)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.labels import LabelSchema
from annotations.store import Store
from reader.app import ReaderApp
from reader.cli import main as reader_main
from reader.commands.app import open_paths
from reader.screens.pending import PendingScreen
from reader.session import Session

ROOT = Path(__file__).parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
SCHEMA = LabelSchema.default()


def screen_text(app: ReaderApp) -> str:
    """What the terminal shows of the active screen, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", [(120, 32), (80, 24)])
async def test_the_pending_question_is_readable(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "s.json"
    with Store.open(path) as store:
        open_paths(store, [str(SEED)], "pilot", SCHEMA)
    assert reader_main(["suggest", "--store", str(path), "--annotator", "pilot", "--no-progress"]) == 0
    with Store.open(path) as store:
        app = ReaderApp(Session(store, "pilot", SCHEMA))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, PendingScreen)
            shown = screen_text(app)
            assert "still pending in this document" in shown
            for words in ("accept them all", "reject them all", "go back"):
                assert words in shown, f"{words!r} not on the screen:\n{shown}"
