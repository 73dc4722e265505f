"""What killed writers leave behind (an export's temporary file, a training run's scratch directory, a
half-written main file) is removed by the next run; a live writer's files are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.model import Document
from annotations.store import Store
from reader.cli import main


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.json"
    with Store.open(path) as s:
        s.add_documents([Document("a", "نص عربي"), Document("b", "نص آخر")])
    return path


def test_a_killed_exports_temporary_file_is_removed_by_the_next_export(store: Path, tmp_path: Path) -> None:
    dead, live = dead_pid(), os.getpid()
    stale = tmp_path / f".ex.jsonl.{dead}.k3j_x1.tmp"
    stale_dir = tmp_path / f".out.{dead}.q9z.tmp"
    running = tmp_path / f".ex.jsonl.{live}.a8b7.tmp"  # another export, still writing
    other = tmp_path / f".notes.jsonl.{dead}.zz.tmp"  # not ours to judge: another target
    for p in (stale, running, other):
        p.write_text("{}", encoding="utf-8")
    stale_dir.mkdir()
    (stale_dir / "a.ann").write_text("", encoding="utf-8")
    assert main(["export", "--store", str(store), "--out", str(tmp_path / "ex.jsonl"), "--no-progress"]) == 0
    assert not stale.exists() and running.exists() and other.exists()
    assert (tmp_path / "ex.jsonl").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ex.jsonl.") and p != running]
    out = tmp_path / "out"
    assert main(["export", "--store", str(store), "--format", "brat", "--out", str(out), "--no-progress"]) == 0
    assert not stale_dir.exists() and out.is_dir()


def test_training_scratch_goes_beside_the_model_and_a_killed_runs_is_removed(store: Path, tmp_path: Path) -> None:
    stale = tmp_path / f".model.{dead_pid()}.abc.tmp"
    stale.mkdir()
    (stale / "fold-1.crfsuite").write_bytes(b"x")
    # too little data: refused, but what the killed run left is gone
    assert main(["train", "--store", str(store), "--out", str(tmp_path / "model")]) == 2
    assert not stale.exists()
    assert main(["train", "--store", str(store), "--out", str(tmp_path / "missing" / "model")]) == 2


def test_a_killed_writers_half_written_main_file_is_removed_at_the_next_open(store: Path, tmp_path: Path) -> None:
    dead = dead_pid()
    stale = tmp_path / f".s.json.tmp-{dead}"
    stale_journal = tmp_path / f".s.json.journal.next.tmp-{dead}"
    running = tmp_path / f".s.json.tmp-{os.getpid()}"  # a live writer's
    for p in (stale, stale_journal, running):
        p.write_text("{", encoding="utf-8")
    with Store.open(store) as s:
        assert len(s.document_ids()) == 2
    assert not stale.exists() and not stale_journal.exists() and running.exists()
