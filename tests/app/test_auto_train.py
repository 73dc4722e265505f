"""`reader --auto-train N`: the model is retrained in the background; key presses go on meanwhile."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from annotations.labels import LabelSchema
from annotations.store import Store
from reader.app import ReaderApp
from reader.autotrain import AutoTrain
from reader.cli import main
from reader.session import Session

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "wojood_tiny" / "documents.jsonl"  # see SOURCE.md beside it


def status_text(app: ReaderApp) -> str:
    return str(app.screen.query_one("#status").render())


async def test_accepting_documents_retrains_in_the_background(tmp_path: Path) -> None:
    store_path = tmp_path / "s.json"
    assert main(["import", "--store", str(store_path), str(FIXTURE)]) == 0
    with Store.open(store_path) as store:
        # the fixture's documents come accepted by "wojood"; the last two are answered again here
        ids = store.document_ids()
        for doc_id in ids[5:]:
            store.set_answer(doc_id, "wojood", None)
        session = Session(store, "wojood", LabelSchema.default(), ids=ids, index=5)
        auto = AutoTrain(store_path, 2, tmp_path / "model")
        app = ReaderApp(session, auto_train=auto)
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.press("a")
            await pilot.pause()
            assert "model" not in status_text(app)  # one accepted: not yet
            await pilot.press("a")  # the second: training starts
            await pilot.pause()
            assert "model: training" in status_text(app)
            # the app answers keys while the model trains
            started = time.monotonic()
            await pilot.press("k")
            assert time.monotonic() - started < 2
            deadline = time.monotonic() + 120
            while "model F1" not in status_text(app) and "model: " not in status_text(app).replace(
                "model: training", ""
            ):
                assert time.monotonic() < deadline, status_text(app)
                await asyncio.sleep(0.5)
            assert "model F1" in status_text(app)
        assert (tmp_path / "model" / "model.json").is_file()
        # the next session starts with the model's F1 on the status line
        again = ReaderApp(Session(store, "wojood", LabelSchema.default()), auto_train=auto)
        async with again.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            assert "model F1" in status_text(again)


def test_too_little_data_is_shown_not_raised(tmp_path: Path) -> None:
    store_path = tmp_path / "s.json"
    assert main(["import", "--store", str(store_path), str(ROOT / "samples" / "corpus.jsonl")]) == 0
    trained = AutoTrain(store_path, 1, tmp_path / "m").run()
    assert trained.f1 is None and "too little data" in trained.status
