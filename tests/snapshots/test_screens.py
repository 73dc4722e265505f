"""Screenshot (SVG) tests of the reader with pytest-textual-snapshot.

The app runs on a fresh store in a temp directory holding the seed article and one English sample,
with a fixed annotator name; nothing on screen depends on the temp path or the clock (document ids
are content hashes). Regenerate the baselines after an intended change of the UI with
`pytest tests/snapshots --snapshot-update`, and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.store import Store
from reader.app import ReaderApp
from reader.commands.app import open_paths
from reader.session import Session
from reader.widgets.article import ArticleView

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
ENGLISH = ROOT / "samples" / "007_en_security_council.txt"
ANNOTATOR = "snapshot"

SnapCompare = Callable[..., bool]


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[[], ReaderApp]]:
    """A factory of apps on a temp store with the seed article first, then the English sample."""
    stores: list[Store] = []

    def build() -> ReaderApp:
        schema = LabelSchema.default()
        store = Store.open(tmp_path / f"store{len(stores)}.json")
        stores.append(store)
        ids = open_paths(store, [str(SEED), str(ENGLISH)], ANNOTATOR, schema)
        return ReaderApp(Session(store, ANNOTATOR, schema, ids=ids))

    try:
        yield build
    finally:
        for store in stores:
            store.close()


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def test_initial_screen(snap_compare: SnapCompare, make_app: Callable[[], ReaderApp], tmp_path: Path) -> None:
    seen: list[str] = []

    async def read_status(pilot: Pilot[None]) -> None:
        await settle(pilot)
        seen.append(str(pilot.app.screen.query_one("#status", Static).render()))

    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=read_status)
    # The status bar is all fixed text: no temp path, no time.
    assert "annotator: snapshot" in seen[0] and "offset 0" in seen[0], seen
    assert tmp_path.name not in seen[0], seen


def test_after_labelling_a_word(snap_compare: SnapCompare, make_app: Callable[[], ReaderApp]) -> None:
    app = make_app()

    async def label_second_word(pilot: Pilot[None]) -> None:
        await settle(pilot)
        view = pilot.app.screen.query_one(ArticleView)
        # Left moves forward in right-to-left text: onto وزير, the second word (offsets 5-9).
        for _ in range(8):
            if 5 <= view.cursor < 9:
                break
            await pilot.press("left")
        assert 5 <= view.cursor < 9, view.cursor
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 30), run_before=label_second_word)
    spans = app.session.spans()
    assert [(s.start, s.end, s.label) for s in spans] == [(5, 9, "PERSON")]


def test_help_screen(snap_compare: SnapCompare, make_app: Callable[[], ReaderApp]) -> None:
    assert snap_compare(make_app(), press=["question_mark"], terminal_size=(120, 30), run_before=settle)


def test_small_terminal(snap_compare: SnapCompare, make_app: Callable[[], ReaderApp]) -> None:
    shown: list[bool] = []

    async def read_layout(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        shown.extend([screen.query_one("#documents").display, screen.query_one("#panel").display])

    assert snap_compare(make_app(), terminal_size=(60, 20), run_before=read_layout)
    # Below 100 and 80 columns the document list and the span panel give their room to the article.
    assert shown == [False, False]
