"""A full disk during a key: the key is either done (and durable, and said so) or not done (and
nothing of it on disk). Every write of the key fails in turn (ENOSPC injected into os.write and
os.fsync for the store's files)."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotations.labels import LabelSchema
from annotations.store import Store
from reader.app import ReaderApp
from reader.commands.app import open_paths
from reader.session import Session

ROOT = Path(__file__).parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
ENGLISH = ROOT / "samples" / "007_en_security_council.txt"
ANNOTATOR = "pilot"


class DiskFull:
    """Fail the ``fail_at``-th write or fsync (counted from ``arm()``) of a file under ``root``."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = str(root)
        self.count = 0
        self.fail_at: int | None = None
        self.failed = False
        for name in ("write", "fsync"):
            real = getattr(os, name)
            monkeypatch.setattr(os, name, self._wrap(real))

    def _ours(self, fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(self.root)
        except OSError:
            return False

    def _wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(fd: int, *args: Any) -> Any:
            if self.fail_at is not None and self._ours(fd):
                self.count += 1
                if self.count == self.fail_at:
                    self.failed = True
                    raise OSError(errno.ENOSPC, "No space left on device")
            return real(fd, *args)

        return call

    def arm(self, fail_at: int) -> None:
        self.count, self.fail_at, self.failed = 0, fail_at, False

    def disarm(self) -> None:
        self.fail_at = None


def on_disk(path: Path, doc_id: str) -> str | None:
    with Store.open(path, readonly=True) as other:
        return other.answers(ANNOTATOR)[doc_id]


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5, 6])
async def test_answer_on_a_full_disk_is_done_or_not_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    path = tmp_path / "s.json"
    store = Store.open(path)
    try:
        ids = open_paths(store, [str(SEED), str(ENGLISH)], ANNOTATOR, LabelSchema.default())
        app = ReaderApp(Session(store, ANNOTATOR, LabelSchema.default(), ids=ids))
        disk = DiskFull(tmp_path, monkeypatch)
        notes: list[str] = []
        async with app.run_test(size=(140, 40)) as pilot:
            screen: Any = app.screen
            real_notify = screen._notify
            monkeypatch.setattr(screen, "_notify", lambda m, *a, **k: (notes.append(m), real_notify(m, *a, **k)))
            first = app.session.doc_id
            app.session._opened_at = time.monotonic() - 30  # time spent on the document is recorded too
            disk.arm(fail_at)
            await pilot.press("a")
            await pilot.pause()
            disk.disarm()
            refused = any(n.startswith("not done") for n in notes)
            saved = on_disk(path, first)
            # what the screen shows is what is on disk, and "not done" means nothing reached it
            assert app.session.answers.get(first) == saved
            assert store.answers(ANNOTATOR)[first] == saved
            if refused:
                assert saved is None, f"reported not done, but the answer is on disk ({notes})"
            else:
                assert saved == "accept", notes
            # the key again, with room on the disk: it does what the screen showed
            if app.session.doc_id != first:
                await pilot.press("k")
            await pilot.press("a")
            await pilot.pause()
            assert on_disk(path, first) == (None if saved == "accept" else "accept")
    finally:
        store.close()
