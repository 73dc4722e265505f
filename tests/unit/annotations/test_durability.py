"""SIGKILL a writer at random moments; every action it reported as returned must survive."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import annotations.store.store as store_mod
from annotations.model import Document, Span
from annotations.store import Store

WRITER = r"""
import sys
import annotations.store.store as store_mod
from annotations.model import Span
store_mod.JOURNAL_LIMIT = 40  # fold often, so kills also land in the middle of rewrites
path, start = sys.argv[1], int(sys.argv[2])
store_mod.FOLD_PROCESS_SHARDS = int(sys.argv[3])  # 0: every background fold runs in a process of its own
s = store_mod.Store.open(path)
print("open", flush=True)
i = start
while True:
    doc = f"d{i % 5}"
    s.add_span(doc, "w", Span(i, i + 1, "PERSON"))
    if i % 7 == 0:
        s.set_answer(doc, "w", "accept")
    print(i, flush=True)
    i += 1
"""

ROUNDS = 50


@pytest.mark.slow
@pytest.mark.parametrize("fold_in", ["thread", "process"])
def test_sigkill_at_random_moments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fold_in: str) -> None:
    """With ``process``, the writer's background folds run in child processes, and each kill takes
    the writer and its fold process at once (a power cut): kills land in a child's fold too."""
    path = tmp_path / "store.json"
    monkeypatch.setattr(store_mod, "SHARD_SIZE", 2)  # three shards: a fold rewrites some of them
    with Store.open(path) as s:
        s.add_documents([Document(f"d{k}", "ن" * 20_000) for k in range(5)])
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    rng = random.Random(1234)
    returned: set[int] = set()
    start = 0
    deadline = time.monotonic() + 60
    for round_ in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(path), str(start), "0" if fold_in == "process" else "1000"],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, with any fold process it starts
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"  # kill while acting, not while importing Python
        time.sleep(rng.uniform(0.0, 0.08))
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        done = [int(x) for x in out.split()]
        returned.update(done)
        if done:
            start = max(done) + 1
        # alternate read-only checks and writable opens (which also fold the journal on close)
        with Store.open(path, readonly=round_ % 2 == 0) as s:
            records = [s.get_annotation(f"d{k}", "w") for k in range(5)]  # None: not reached before a kill
            have = {sp.start for r in records if r is not None for sp in r.spans}
            missing = returned - have
            assert not missing, f"round {round_}: lost actions {sorted(missing)[:10]}"
            for i in returned:
                if i % 7 == 0:
                    assert s.answers("w")[f"d{i % 5}"] == "accept"
        assert time.monotonic() < deadline
    assert len(returned) > 100
    with Store.open(path) as s:
        assert s.add_span("d0", "w", Span(19_999, 20_000, "PERSON")) in (True, False)
    # after a clean close, nothing a kill left behind remains: only the files the manifest names
    shards = {p.name for p in path.with_name("store.json.shards").iterdir()}
    assert len([n for n in shards if not n.startswith(("ids.", "order."))]) == 3, shards
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("store.json")) == [
        "store.json", "store.json.commit.lock", "store.json.journal", "store.json.lock", "store.json.shards",
        "store.json.texts",
    ]  # fmt: skip
