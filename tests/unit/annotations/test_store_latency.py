"""What keeps work off an action's path: background folds in a process of their own, shard reads
that do not set off the cyclic garbage collector."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

import annotations.store.store as store_mod
from annotations.model import Document, Span
from annotations.store import ImportedAnnotation, Store, folding


def _generation(path: Path) -> tuple[int, str]:
    meta = json.loads(path.read_text(encoding="utf-8"))["meta"]["1"]
    return meta["generation"], meta.get("commit", "")


def test_background_fold_runs_in_a_child_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "SHARD_SIZE", 2)
    monkeypatch.setattr(store_mod, "JOURNAL_LIMIT", 5)
    monkeypatch.setattr(store_mod, "FOLD_PROCESS_SHARDS", 0)  # this small store folds like a large one
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.add_documents([Document(f"d{k}", "نص للتعليق " * 5) for k in range(6)])
    ran: list[bool] = []
    real = folding.fold_in_child

    def spy(p: Path, fd: int) -> bool:
        ran.append(real(p, fd))
        return ran[-1]

    in_process: list[bool] = []
    real_fold = Store._fold_sealed

    def no_fold_here(self: Store, *, blocking: bool = True) -> None:
        in_process.append(blocking)
        real_fold(self, blocking=blocking)

    monkeypatch.setattr(folding, "fold_in_child", spy)
    monkeypatch.setattr(Store, "_fold_sealed", no_fold_here)
    store = Store.open(path, annotator="a")
    before, _ = _generation(path)
    for i in range(12):  # two segments sealed: two background folds
        store.add_span(f"d{i % 6}", "a", Span(i, i + 1, "PERSON"))
    store._stop_folder()  # waits for a fold under way
    assert ran and all(ran), "the fold process did not run, or failed"
    assert in_process == [], "a background fold ran in the writer's own process"
    generation, commit = _generation(path)
    assert generation > before and commit == "fold"
    # the writer took up the new manifest when its fold process finished, not in its next action
    assert store._manifest.generation == generation
    assert not [p for p in store.shards_dir.iterdir() if ".tmp-" in p.name]
    store._release()
    with Store.open(path, readonly=True) as ro:
        spans = set()
        for d in ro.document_ids():
            a = ro.get_annotation(d, "a")
            spans |= {(d, sp.start) for sp in (a.spans if a is not None else [])}
        assert spans == {(f"d{i % 6}", i) for i in range(12)}


def test_a_failed_fold_process_is_kept_quiet_and_reported(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    lock = tmp_path / "x.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        with pytest.raises(folding.ChildFailed, match="no store"):
            folding.fold_in_child(tmp_path / "missing.json", fd)
    finally:
        os.close(fd)
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # nothing reaches the terminal the app draws on


def test_reading_a_shard_does_not_set_off_the_garbage_collector(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    with Store.open(path) as s:
        s.import_items(
            (Document(f"d{k}", "قال الرئيس في مؤتمر صحفي " * 3), [ImportedAnnotation("a", [Span(0, 3, "PERSON")])])
            for k in range(store_mod.SHARD_SIZE)
        )
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    with Store.open(path, readonly=True) as s:
        s._cache.clear()
        gc.collect()
        gc.callbacks.append(count)
        try:
            shard = s._shard(0)
        finally:
            gc.callbacks.remove(count)
        assert len(shard.docs) == store_mod.SHARD_SIZE and len(shard.records["a"]) == store_mod.SHARD_SIZE
    # at most the one pass over the young objects that comes due when the collector is back on
    assert collections in ([], [0]), f"collections during a shard read (by generation): {collections}"
