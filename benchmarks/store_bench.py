"""Per-action latency of the store with 10,000 annotated documents (one writer, random documents,
background folds included), versus naive TinyDB.

Run: python benchmarks/store_bench.py [--docs 10000] [--actions 1000] [--naive 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from tinydb import Query, TinyDB

from annotations.model import Document, Span
from annotations.store import ImportedAnnotation, Store

WORDS = [
    "قال", "الرئيس", "وزير", "الخارجية", "في", "مؤتمر", "صحفي", "اليوم", "إن", "المفاوضات", "مع",
    "الجانب", "حول", "وقف", "إطلاق", "النار", "مستمرة", "القاهرة", "غزة",
]  # fmt: skip


def make_text(rng: random.Random, size: int = 1400) -> str:
    out: list[str] = []
    n = 0
    while n < size:
        w = rng.choice(WORDS)
        out.append(w)
        n += len(w.encode()) + 1
    return " ".join(out)


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--actions", type=int, default=1000)
    ap.add_argument("--naive", type=int, default=50)
    args = ap.parse_args()
    rng = random.Random(7)
    texts = [make_text(rng) for _ in range(args.docs)]
    spans = [[Span(0, 3, "PERSON"), Span(4, 10, "LOCATION"), Span(11, 20, "ORGANIZATION")] for _ in texts]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.json"
        t0 = time.perf_counter()
        with Store.open(path) as s:
            s.import_items(
                (Document(f"d{i}", t), [ImportedAnnotation("bench", spans[i], "accept")]) for i, t in enumerate(texts)
            )
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        s = Store.open(path)
        opened = time.perf_counter() - t0
        times: list[float] = []
        for i in range(args.actions):
            doc = f"d{rng.randrange(args.docs)}"
            t0 = time.perf_counter()
            if i % 2:
                s.add_span(doc, "bench", Span(30 + i % 50, 40 + i % 50, "PERSON"))
            else:
                s.set_answer(doc, "bench", rng.choice(["accept", "reject", "skip"]))
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        s.close()
        closing = time.perf_counter() - t0
        size = path.stat().st_size + sum(f.stat().st_size for f in path.with_name(path.name + ".shards").iterdir())
        print(
            f"store: {args.docs} annotated docs, manifest and shards {size / 1e6:.1f} MB, built in {build:.2f} s, "
            f"opened in {opened * 1000:.0f} ms, close (fold journal) {closing * 1000:.0f} ms"
        )
        print(
            f"store: {args.actions} actions (add_span/set_answer, each fsynced): "
            f"median {statistics.median(times) * 1000:.2f} ms, p99 {pct(times, 0.99) * 1000:.2f} ms, "
            f"max {max(times) * 1000:.2f} ms"
        )

        naive_path = Path(tmp) / "naive.json"
        db = TinyDB(naive_path, ensure_ascii=False)
        db.table("documents").insert_multiple({"id": f"d{i}", "text": t} for i, t in enumerate(texts))
        db.table("annotations").insert_multiple(
            {
                "doc_id": f"d{i}",
                "annotator": "bench",
                "spans": [x.to_dict() for x in spans[i]],
                "answer": None,
            }
            for i in range(args.docs)
        )
        table = db.table("annotations")
        q = Query()
        naive: list[float] = []
        for _ in range(args.naive):
            doc = f"d{rng.randrange(args.docs)}"
            t0 = time.perf_counter()
            table.update({"answer": "accept"}, (q.doc_id == doc) & (q.annotator == "bench"))
            naive.append(time.perf_counter() - t0)
        db.close()
        print(
            f"naive TinyDB (JSONStorage, one update per action, not fsynced): {args.naive} actions: "
            f"median {statistics.median(naive) * 1000:.1f} ms, p99 {pct(naive, 0.99) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
