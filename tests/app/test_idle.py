"""An app nobody touches sends nothing to the terminal: the once-a-second look at the store redraws
only what the others changed (an annotator over SSH pays for every byte, every second)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from annotations.labels import LabelSchema
from annotations.model import Document
from annotations.store import Store
from reader.app import ReaderApp
from reader.session import Session
from reader.widgets.doclist import DocumentList

SCHEMA = LabelSchema.default()
ARTICLE = "قال وزير الخارجية إن المفاوضات مستمرة في الدوحة.\n\n" * 6_000  # line count not settled when opened


def written(app: ReaderApp) -> list[str]:
    """What the app would write to a terminal, frame by frame (headless apps write nothing)."""
    out: list[str] = []
    display = app._display

    def capture(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and hasattr(renderable, "render_segments"):
            out.append(renderable.render_segments(app.console))

    app._display = capture  # type: ignore[method-assign]
    return out


def other_labels(path: Path, doc_id: str) -> None:
    """Another annotator, in a store of their own, answers a document."""
    store = Store.open(path)
    try:
        other = Session(store, "other", SCHEMA)
        other.take(other.ids.index(doc_id))
        other.answer("accept")
    finally:
        store.close()


async def test_idle_app_writes_nothing_and_others_work_redraws_only_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    docs = [Document("big", ARTICLE)] + [Document(f"d{i:02}", f"news item {i}\n") for i in range(60)]
    store = Store.open(path)
    store.add_documents(docs)
    store.close()
    other_labels(path, "d01")  # the others work on this store: their progress is followed live
    store = Store.open(path)
    try:
        app = ReaderApp(Session(store, "me", SCHEMA, ids=[d.id for d in docs]))
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await asyncio.sleep(1.5)  # first frames, the first look at the store
            await pilot.pause()
            frames = written(app)
            await asyncio.sleep(3.5)  # three looks at an unchanged store
            await pilot.pause()
            assert sum(map(len, frames)) == 0, "an idle app wrote to the terminal"

            doclist = app.screen.query_one(DocumentList)
            rows = doclist.scrollable_content_region.height
            assert rows < 55  # d55 is below the end of the list on screen
            other_labels(path, "d55")
            await asyncio.sleep(1.5)
            await pilot.pause()
            data = "".join(frames)
            assert "other 2" in data  # the status line follows the others' progress...
            assert "news item" not in data  # ...and no row of the document list was sent again
            frames.clear()
            await asyncio.sleep(2.5)
            await pilot.pause()
            assert sum(map(len, frames)) == 0
    finally:
        store.close()
