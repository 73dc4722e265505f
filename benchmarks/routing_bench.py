"""Routing, live progress, the team screen and review at scale: what an annotator or a reviewer
waits for.

Builds (once per size, kept with ``--dir``) a store of N short documents under a routing policy
(overlap 2, a 10% agreement sample) where four annotators have claimed and answered a share of the
documents, then times, in this process:

* opening a routed session as a fifth annotator: ``Store.open``, reading every claim, the queue, the
  first claim (the app's start path without drawing anything);
* opening the next document (``j``): a claim, fsynced, per document;
* following the others: ``refresh()`` plus the queue and the others' progress taking in 50 claims and
  answers of other processes (what the app does every second);
* the team screen's first figures (every record read once, agreement computed) and after 50 changes;
* ``reader review``'s start: the documents two or more answered.

* with ``--frames N``: the real app's start to first frame in tmux (benchmarks/app_bench.py's
  clock), with the policy and without it, in turn.

Run: python benchmarks/routing_bench.py [--docs 100000] [--claimed 0.3] [--dir DIR] [--frames 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.routing import RoutingPolicy, capacity, policy_path, policy_to_toml
from annotations.store import ImportedAnnotation, Store
from annotations.teamdata import TeamData, figures
from reader.adjudicate import AdjudicationSession
from reader.commands.app import routed_session
from reader.teamwatch import TeamWatch

TEAM = ["sara", "omar", "lina", "huda"]
WORDS = ["قال", "الرئيس", "وزير", "في", "مؤتمر", "القاهرة", "غزة", "اليوم", "إن", "المفاوضات"]


def build(path: Path, docs: int, claimed: float, seed: int = 1) -> None:
    rng = random.Random(seed)
    policy = RoutingPolicy(overlap=2, agreement_share=0.1, seed="bench")
    texts = [" ".join(rng.choice(WORDS) for _ in range(40)) for _ in range(docs)]

    def items() -> Iterator[tuple[Document, list[ImportedAnnotation]]]:
        for i, text in enumerate(texts):
            anns = []
            if rng.random() < claimed:
                who = TEAM if capacity(policy, f"d{i}") > 2 else rng.sample(TEAM, 2)
                for name in who:
                    spans = [Span(0, 3, "PERSON")] if rng.random() < 0.8 else [Span(0, 3, "LOCATION")]
                    anns.append(ImportedAnnotation(name, spans, "accept", 1.0, 2.0, 30.0))
            yield Document(f"d{i}", text), anns

    with Store.open(path) as s:
        s.import_items(items())
        # claims for the records, as the annotators' apps made them
        for rec in s.annotations():
            s.claim(rec.doc_id, rec.annotator, 99)
        s.compact()


def ms(xs: list[float]) -> str:
    xs = sorted(xs)
    p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))]
    return f"median {statistics.median(xs) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {xs[-1] * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--claimed", type=float, default=0.3)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--frames", type=int, default=0, help="also time the app's first frame in tmux (runs)")
    args = parser.parse_args()
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp())
    path = root / f"routing-{args.docs}.json"
    if not path.exists():
        t = time.perf_counter()
        build(path, args.docs, args.claimed)
        print(f"built {args.docs} documents in {time.perf_counter() - t:.0f} s")
    schema = LabelSchema.default()
    policy = RoutingPolicy(overlap=2, agreement_share=0.1, seed="bench")  # (as built)
    policy_path(path).write_text(policy_to_toml(policy), encoding="utf-8")
    me = f"newcomer-{os.getpid()}"  # a fresh annotator each run: nothing held yet

    t = time.perf_counter()
    store = Store.open(path, annotator=me)
    opened = time.perf_counter() - t
    session = routed_session(store, me, schema, store.document_ids())
    assert session is not None and session.queue is not None
    started = time.perf_counter() - t
    print(f"open a routed session ({args.docs} documents, {len(session.queue.claims)} claimed): {started:.2f} s")
    print(f"  of which Store.open {opened:.2f} s; queue of {len(session.ids)} documents")

    nexts = []
    for _ in range(200):
        t = time.perf_counter()
        session.take(session.index + 1)
        nexts.append(time.perf_counter() - t)
    print(f"next document (a claim, fsynced), 200 times: {ms(nexts)}")

    t = time.perf_counter()
    watch = TeamWatch(store, me)
    print(f"the others' progress, first read: {time.perf_counter() - t:.2f} s")

    board = TeamData(store)
    t = time.perf_counter()
    board.load()
    items = board.sync()
    first = figures(board, items)
    f1 = first.report.overall[0].spans.f1_exact if first.report else None
    print(
        f"team screen, first figures: {time.perf_counter() - t:.2f} s ({len(items)} answered by two or more; F1 {f1})"
    )

    others = {name: Store.open(path, annotator=name) for name in TEAM[:2]}
    follows: list[float] = []
    progress_updates: list[float] = []
    team_updates: list[float] = []
    rng = random.Random(2)
    ids = store.document_ids()
    try:
        for _round in range(10):
            for _ in range(5):
                for name, other in others.items():
                    d = rng.choice(ids)
                    other.claim(d, name, 99)
                    other.set_answer(d, name, "accept")
            t = time.perf_counter()
            changes = store.refresh()
            session.follow_claims(changes.claims, everything=changes.reloaded)
            watch.follow(changes)
            follows.append(time.perf_counter() - t)
            t = time.perf_counter()
            board.follow(changes)
            board.rows()
            progress_updates.append(time.perf_counter() - t)
            t = time.perf_counter()
            figures(board, board.sync())
            team_updates.append(time.perf_counter() - t)
    finally:
        for other in others.values():
            other.close()
    print(f"follow the others (refresh + queue + progress, 10 claims and answers a second): {ms(follows)}")
    print(f"team screen, progress after those changes (on the screen's thread): {ms(progress_updates)}")
    print(f"team screen, agreement report again (in a worker thread): {ms(team_updates)}")
    store.close()

    t = time.perf_counter()
    with Store.open(path, annotator="gold:rana") as s:
        review = AdjudicationSession.create(s, "rana", schema)
        print(f"reader review start: {time.perf_counter() - t:.2f} s ({len(review.ids)} documents to review)")

    if args.frames:
        # the app in a real terminal, start to first frame, with and without the policy, in turn
        from app_bench import first_frame  # benchmarks/app_bench.py (same directory)

        routed, plain = [], []
        for _ in range(args.frames):
            policy_path(path).write_text(policy_to_toml(policy), encoding="utf-8")
            routed += first_frame(path, 1)
            policy_path(path).unlink()
            plain += first_frame(path, 1)
        policy_path(path).write_text(policy_to_toml(policy), encoding="utf-8")
        print(
            f"start to first frame in tmux, {args.frames} runs each in turn: routed median "
            f"{statistics.median(routed):.2f} s (min {min(routed):.2f}, max {max(routed):.2f}); without a policy "
            f"{statistics.median(plain):.2f} s (min {min(plain):.2f}, max {max(plain):.2f})"
        )


if __name__ == "__main__":
    main()
