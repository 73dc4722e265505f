"""SIGKILL the first import into a new store at random moments: what is left is either no store or a
store that opens, and running the import again completes it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.errors import StoreError
from annotations.model import Document
from annotations.store import Store

IMPORTER = r"""
import sys
import annotations.store.store as store_mod
from annotations.model import Document
store_mod.SHARD_SIZE = 20  # many shard files: kills land between them too
path, n = sys.argv[1], int(sys.argv[2])
s = store_mod.Store.open(path)
print("open", flush=True)
s.add_documents([Document(f"d{k}", "نص عربي للتجربة " * 40 + str(k)) for k in range(n)])
s.close()
print("done", flush=True)
"""

N = 2000


def reopen(path: Path) -> int | None:
    """The number of documents of the store at ``path`` (None: no store there)."""
    if not path.exists():
        leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and ".lock" not in p.name]
        assert not [n for n in leftovers if n != path.name + ".texts"], f"no main file, but {leftovers}"
        return None
    try:
        with Store.open(path, readonly=True) as s:
            return len(s.document_ids())
    except StoreError as exc:
        raise AssertionError(f"a killed first import left a store that is refused: {exc}") from None


@pytest.mark.slow
def test_a_killed_first_import_leaves_no_store_or_one_that_opens(tmp_path: Path) -> None:
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER, encoding="utf-8")
    rng = random.Random(4321)
    for round_ in range(12):
        path = tmp_path / f"r{round_}" / "store.json"
        path.parent.mkdir()
        proc = subprocess.Popen([sys.executable, str(script), str(path), str(N)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        count = reopen(path)
        assert count in (None, 0, N) or "done" in out, count
        # run again: it completes what the killed one began
        with Store.open(path) as s:
            s.add_documents([Document(f"d{k}", "نص عربي للتجربة " * 40 + str(k)) for k in range(N)])
        with Store.open(path, readonly=True) as s:
            assert s.document_ids() == [f"d{k}" for k in range(N)]
            assert s.get_document(f"d{N - 1}").text.endswith(str(N - 1))


def test_a_failed_first_import_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.json"

    def items() -> object:
        yield Document("a", "نص"), []
        raise ValueError("bad input on line 2")

    with Store.open(path) as s, pytest.raises(ValueError):
        s.import_items(items())  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    with Store.open(path) as s:
        s.add_documents([])
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_import_completes_a_first_import_killed_before_its_shards_directory(tmp_path: Path) -> None:
    """A first import writes the main file (a store of no documents), then makes the shards directory
    and the journal. Killed in between, it leaves the main file alone: the next import completes the
    store instead of failing on the missing directory."""
    first = tmp_path / "first"
    first.mkdir()
    with Store.open(first / "store.json") as s:  # what the killed import left: a main file of no documents
        s._manifest.write(s.path)
        s._release()
    assert sorted(p.name for p in first.iterdir() if ".lock" not in p.name) == ["store.json"]
    with Store.open(first / "store.json") as s:
        s.add_documents([Document("a", "نص")])
    with Store.open(first / "store.json", readonly=True) as s:
        assert s.document_ids() == ["a"]
