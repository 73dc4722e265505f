"""Import 100,000 documents (~300 MB of JSONL) through the CLI; report wall time, peak RSS, open time.

Run: python benchmarks/import_bench.py [--docs 100000] [--size 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "قال", "الرئيس", "وزير", "الخارجية", "في", "مؤتمر", "صحفي", "اليوم", "إن", "المفاوضات", "مع",
    "الجانب", "حول", "وقف", "إطلاق", "النار", "مستمرة", "القاهرة", "غزة",
]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--size", type=int, default=3000, help="bytes of text per document")
    args = ap.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for i in range(args.docs):
                words: list[str] = []
                n = 0
                while n < args.size:
                    w = rng.choice(WORDS)
                    words.append(w)
                    n += len(w.encode()) + 1
                text = " ".join(words)
                f.write(
                    json.dumps(
                        {
                            "id": f"n{i}",
                            "text": text,
                            "meta": {"n": i},
                            "label": [[0, len(words[0]), "PERSON"]],
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        print(f"corpus: {args.docs} documents, {src.stat().st_size / 1e6:.0f} MB")
        store = Path(tmp) / "store.json"
        cmd = [
            sys.executable,
            "-m",
            "reader.cli",
            "import",
            str(src),
            "--store",
            str(store),
            "--annotator",
            "b",
            "--no-progress",
        ]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"import: {wall:.1f} s wall, peak RSS {peak:.0f} MB")
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
        print(f"re-import (all duplicates): {time.perf_counter() - t0:.1f} s")
        sys.path.insert(0, str(Path(__file__).parents[1]))
        from annotations.store import Store

        t0 = time.perf_counter()
        s = Store.open(store, readonly=True)
        opened = time.perf_counter() - t0
        t0 = time.perf_counter()
        s.get_document("n54321")
        one = time.perf_counter() - t0
        print(
            f"open (read-only) {len(s)} documents: {opened:.2f} s; one text read: {one * 1000:.2f} ms; "
            f"main file {store.stat().st_size / 1e6:.0f} MB, texts {s.texts_path.stat().st_size / 1e6:.0f} MB"
        )
        s.close()


if __name__ == "__main__":
    main()
