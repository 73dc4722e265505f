"""Agreement and merge on a team-sized store.

Builds a store of N documents (about 230 words each) annotated by 4 annotators with the routing a team
would use (overlap 1, a 10% agreement sample that everyone labels), then times:

* ``reader agreement`` (summary) on it, in process: open read-only, read records and texts, compute;
* ``reader merge`` of two offline copies (each annotator's work split between them) into a copy of
  the unlabelled store.

Run: python benchmarks/team_bench.py [--docs 100000] [--share 0.1] [--dir DIR]

With ``--dir`` the stores are built there once and kept (reused by the next run with the same
``--docs``), so the commands can also be timed on their own as whole processes, e.g.
``reader agreement --store DIR/team.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from annotations.model import Document, Span
from annotations.routing import RoutingPolicy, for_agreement
from annotations.store import ImportedAnnotation, Store
from reader.cli import main as reader_main

WORDS = [
    "قال", "الرئيس", "وزير", "الخارجية", "في", "مؤتمر", "صحفي", "اليوم", "إن", "المفاوضات", "مع",
    "الجانب", "حول", "وقف", "إطلاق", "النار", "مستمرة", "القاهرة", "غزة", "«", "»", ".",
]  # fmt: skip
LABELS = ["PERSON", "ORGANIZATION", "LOCATION", "QUOTE"]
TEAM = ["sara", "omar", "lina", "huda"]


def make_text(rng: random.Random, words: int = 230) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def spans_for(rng: random.Random, text: str, base: list[Span]) -> list[Span]:
    """An annotator's spans: the document's 'true' spans, each kept, moved or relabelled now and then."""
    out: dict[tuple[int, int, str], Span] = {}
    for s in base:
        r = rng.random()
        if r < 0.08:
            continue
        if r < 0.14:
            s = Span(s.start, s.end, rng.choice(LABELS))
        elif r < 0.2:
            s = Span(max(0, s.start - 1), s.end, s.label)
        out[s.key] = s
    return list(out.values())


def build(path: Path, docs: int, policy: RoutingPolicy, split: int | None = None) -> None:
    """The store at ``path``: every document, with records (all of them, or copy ``split`` of two)."""

    def items() -> Iterator[tuple[Document, list[ImportedAnnotation]]]:
        for i in range(docs):
            rng = random.Random(i)  # per document: every copy of the store holds the same texts
            text = make_text(rng)
            doc = Document(f"art-{i:06d}", text)
            base = []
            for _ in range(6):
                start = rng.randrange(0, len(text) - 20)
                base.append(Span(start, start + rng.randrange(3, 20), rng.choice(LABELS)))
            who = TEAM if for_agreement(policy, doc.id) else [TEAM[i % len(TEAM)]]
            anns = []
            for n, name in enumerate(who):
                if split is not None and (i + n) % 2 != split:
                    continue
                t = 1_700_000_000.0 + i
                anns.append(ImportedAnnotation(name, spans_for(rng, text, base), "accept", t, t + 60, 60.0))
            yield doc, anns

    with Store.open(path) as s:
        s.import_items(items())


def timed(label: str, fn: object) -> float:
    t0 = time.perf_counter()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = fn()  # type: ignore[operator]
    dt = time.perf_counter() - t0
    print(f"{label}: {dt:.2f} s (exit {code})")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--share", type=float, default=0.1)
    ap.add_argument("--dir", default=None, help="build the stores here and keep them")
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()
    policy = RoutingPolicy(overlap=1, agreement_share=args.share, seed="bench")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.dir) if args.dir else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        for name, split in (("team.json", None), ("a.json", 0), ("b.json", 1), ("master-empty.json", 2)):
            if not (root / name).exists():
                build(root / name, args.docs, policy if split != 2 else RoutingPolicy(overlap=1), split)
        took = time.perf_counter() - t0
        print(f"{args.docs} documents, 4 annotators, {args.share:.0%} agreement sample: built in {took:.1f} s")
        if args.build_only:
            return
        for suffix in ("", ".texts", ".journal"):
            if (root / ("master-empty.json" + suffix)).exists():
                shutil.copy(root / ("master-empty.json" + suffix), root / ("master.json" + suffix))
        timed("reader agreement (summary)", lambda: reader_main(["agreement", "--store", str(root / "team.json")]))
        timed(
            "reader agreement --by annotator",
            lambda: reader_main(["agreement", "--store", str(root / "team.json"), "--by", "annotator"]),
        )
        # two offline copies, merged into the unlabelled master
        timed(
            "reader merge a b --into master (first time)",
            lambda: reader_main(
                ["merge", str(root / "a.json"), str(root / "b.json"), "--into", str(root / "master.json")]
            ),
        )
        timed(
            "reader merge a b --into master (again: nothing to do)",
            lambda: reader_main(
                ["merge", str(root / "a.json"), str(root / "b.json"), "--into", str(root / "master.json")]
            ),
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
