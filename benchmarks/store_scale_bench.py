"""A store of 1,000,000 documents: import, open to first frame, per-action latency (with the journal
folded in the background), export and suggest — wall time and peak memory of each step.

Run: python benchmarks/store_scale_bench.py [--docs 1000000] [--size 300] [--dir DIR] [--actions 6000]
     [--suggest]
The corpus and the store are generated in DIR (default: a temporary directory, removed at the end);
with --dir they are kept and reused by the next run. Each step runs in its own process, so each
peak RSS is that step's own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
WORDS = [
    "قال", "الرئيس", "وزير", "الخارجية", "في", "مؤتمر", "صحفي", "اليوم", "إن", "المفاوضات", "مع",
    "الجانب", "حول", "وقف", "إطلاق", "النار", "مستمرة", "القاهرة", "غزة", "عمان", "بيروت",
]  # fmt: skip

FIRST_FRAME = r"""
import gc, sys, time
t0 = time.perf_counter()
from annotations.labels import LabelSchema
from annotations.store import Store
from reader.session import Session
t1 = time.perf_counter()
store = Store.open(sys.argv[1])
t2 = time.perf_counter()
session = Session(store, "b", LabelSchema.default(), ids=store.document_ids())
t3 = time.perf_counter()
titles = [session.title(i) for i in session.ids[:50]]          # the document list's first screen
doc = session.document(); spans = session.spans()              # the article and its spans
gc.freeze()
t4 = time.perf_counter()
print(f"first frame's data: imports {t1 - t0:.2f} s, Store.open {t2 - t1:.2f} s, Session {t3 - t2:.2f} s, "
      f"list head + article {t4 - t3:.3f} s; total {t4 - t0:.2f} s ({len(store)} documents, "
      f"{session.answered} answered by b)")
store.close()
"""

ACTIONS = r"""
import gc, random, statistics, sys, time
from annotations.model import Span
from annotations.store import Store
path, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
store = Store.open(path)
ids = store.document_ids()
gc.freeze()
rng = random.Random(5)
times = []
start = rng.randrange(len(ids) - n)
for i in range(n):
    doc = ids[rng.randrange(len(ids))] if mode == "random" else ids[start + i // 4]
    t0 = time.perf_counter()
    if i % 3 == 0:
        store.set_answer(doc, "b", rng.choice(["accept", "reject", "skip"]))
    else:
        store.add_span(doc, "b", Span(i % 40, i % 40 + 3, "PERSON"))
    times.append(time.perf_counter() - t0)
t0 = time.perf_counter()
store.close()
closing = time.perf_counter() - t0
times.sort()
q = lambda p: times[min(len(times) - 1, int(p * len(times)))] * 1000
print(f"{n} actions on {mode} documents (each fsynced; folds in the background every 2,000): "
      f"median {statistics.median(times) * 1000:.2f} ms, p99 {q(0.99):.2f} ms, p99.9 {q(0.999):.2f} ms, "
      f"max {times[-1] * 1000:.2f} ms; close (last fold) {closing:.2f} s")
"""


def run(args: list[str], label: str) -> str:
    """Run a step in its own process; print its wall time and peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = "", ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{label} failed ({code}):\n{err}")
    print(f"{label}: {wall:.1f} s wall, peak RSS {usage.ru_maxrss / 1024:.0f} MB")
    for line in (out + err).splitlines():
        if line.strip():
            print("   ", line)
    return out


def make_corpus(path: Path, docs: int, size: int) -> None:
    rng = random.Random(3)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(docs):
            words: list[str] = []
            n = 0
            while n < size:
                w = rng.choice(WORDS)
                words.append(w)
                n += len(w.encode()) + 1
            line: dict[str, object] = {"id": f"n{i}", "text": " ".join(words), "meta": {"n": i}}
            if i % 10 == 0:  # a tenth of the corpus comes labelled
                line["label"] = [[0, len(words[0]), "PERSON"]]
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--size", type=int, default=300, help="bytes of text per document")
    ap.add_argument("--dir", default=None, help="keep the corpus and the store here")
    ap.add_argument("--actions", type=int, default=6000)
    ap.add_argument("--suggest", action="store_true", help="also time `reader suggest` (slow: ~2,000 docs/s)")
    args = ap.parse_args()
    tmp = None if args.dir else tempfile.TemporaryDirectory()
    work = Path(args.dir or tmp.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{args.docs}.jsonl"
    store = work / f"store-{args.docs}.json"
    if not corpus.exists():
        t0 = time.perf_counter()
        make_corpus(corpus, args.docs, args.size)
        print(f"corpus: {args.docs} documents, {corpus.stat().st_size / 1e6:.0f} MB ({time.perf_counter() - t0:.0f} s)")
    py = sys.executable
    if not store.exists():
        run([py, "-m", "reader.cli", "import", str(corpus), "--store", str(store), "--annotator", "b",
             "--no-progress"], "import")  # fmt: skip
    run([py, "-c", FIRST_FRAME, str(store)], "open to first frame")
    run([py, "-c", FIRST_FRAME, str(store)], "open to first frame (again, warm cache)")
    run([py, "-c", ACTIONS, str(store), str(args.actions), "sequential"], "actions")
    run([py, "-c", ACTIONS, str(store), str(args.actions), "random"], "actions")
    out = work / "export.jsonl"
    run([py, "-m", "reader.cli", "export", "--store", str(store), "--out", str(out), "--no-progress"], "export")
    print(f"    export: {out.stat().st_size / 1e6:.0f} MB")
    out.unlink()
    if args.suggest:
        run([py, "-m", "reader.cli", "suggest", "--store", str(store), "--annotator", "s", "--no-progress"], "suggest")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
