"""Per-action latency with 8 annotator processes writing one store of 10,000 documents at once
(each action fsynced; journal rotations and background folds included).

Run: python benchmarks/store_concurrency_bench.py [--writers 8] [--docs 10000] [--actions 1000] [--pace MS]
--pace: think time between one writer's actions (0: as fast as they can, the worst case).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]

WORKER = r"""
import json, random, sys, time
from pathlib import Path
from annotations.model import Span
from annotations.store import Store
path, name, n, pace, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), Path(sys.argv[5])
store = Store.open(path, annotator=name)
ids = store.document_ids()
rng = random.Random(name)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
times = []
for i in range(n):
    doc = ids[rng.randrange(len(ids))]
    t0 = time.perf_counter()
    if i % 3 == 0:
        store.set_answer(doc, name, rng.choice(["accept", "reject", "skip"]))
    elif i % 3 == 1:
        store.add_span(doc, name, Span(i % 40, i % 40 + 3, "PERSON"))
    else:
        store.claim(doc, name, 2)
    times.append(time.perf_counter() - t0)
    if pace:
        time.sleep(pace)
store.close()
print(json.dumps(times))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--actions", type=int, default=1000, help="per writer")
    ap.add_argument("--pace", type=float, default=0.0, help="milliseconds between one writer's actions")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from annotations.model import Document
    from annotations.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.json"
        with Store.open(path) as s:
            s.add_documents(
                Document(f"d{i}", "قال الرئيس في مؤتمر صحفي اليوم إن المفاوضات مستمرة " * 6) for i in range(args.docs)
            )
        go = Path(tmp) / "go"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(path), f"w{i}", str(args.actions), str(args.pace / 1000), str(go)],
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            for i in range(args.writers)
        ]
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        t0 = time.perf_counter()
        go.touch()
        times: list[float] = []
        for p in procs:
            out, _ = p.communicate()
            times.extend(json.loads(out.strip().splitlines()[-1]))
        wall = time.perf_counter() - t0
        with Store.open(path, readonly=True) as s:
            folds = json.loads(path.read_text(encoding="utf-8"))["meta"]["1"]["generation"] - 1
            assert all(len(s.answered(f"w{i}")) > 0 for i in range(args.writers))
    times.sort()
    q = lambda p: times[min(len(times) - 1, int(p * len(times)))] * 1000  # noqa: E731
    print(
        f"{args.writers} writers x {args.actions} actions on {args.docs} documents "
        f"({'flat out' if not args.pace else f'{args.pace:g} ms between actions'}; {folds} folds): "
        f"median {statistics.median(times) * 1000:.2f} ms, p99 {q(0.99):.2f} ms, p99.9 {q(0.999):.2f} ms, "
        f"max {times[-1] * 1000:.2f} ms; {len(times) / wall:.0f} actions/s in all"
    )


if __name__ == "__main__":
    main()
