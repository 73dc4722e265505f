"""Quality and training time of the entity tagger on Wojood (outer layer, 21 entity types).

    python benchmarks/train_bench.py [--wojood DIR] [--seeds N] [--spacy] [--no-plain]

Two splits, both scored as entity-level exact match (seqeval's strict IOB2 micro-F1 over the
whole-word tags: spans cover whole Wojood tokens):

1. ``train.txt`` -> ``val.txt``: trained on Wojood's train split, scored on its validation split,
   which it never sees (different source documents: the hard split).
2. pooled: the sentences of train.txt and val.txt shuffled (seeds 0..N-1), 20 % held out as the test
   split, trained on the other 80 % (sentences of one source document can land on both sides, as
   in the baselines measured before on this machine: plain CRF 0.693, spaCy blank("ar") 0.717).

Each beside a plain CRF trained and scored the same way (the word, its last 2-3 letters, case and
digit flags, the neighbouring words: the usual sklearn-crfsuite recipe) and, with ``--spacy``, the
``spacy`` backend (minutes). The default CRF is ``annotations.tagger`` as ``reader train`` runs it
(Arabic features, the project's word cut). The Wojood files are not part of the project (MIT,
SinaLab/ArabicNER); the default path is the shared data folder beside the repository.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from wojood import Sentence, documents, read_sentences  # noqa: E402

from annotations.tagger.training import evaluate, fit  # noqa: E402
from annotations.tagger.words import entities  # noqa: E402

# the shared data folder beside the repository (or beside the folder of work trees)
DEFAULT_WOJOOD = next(
    (p / "shared" / "data" / "wojood" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared" / "data" / "wojood",
)
ISSUE_BASELINES = "baselines measured before (other split): plain CRF 0.693, spaCy blank('ar') 0.717; target >= 0.72"


def plain_crf(train: list[Sentence], test: list[Sentence], workdir: Path) -> tuple[float, float]:
    """(micro-F1, training seconds) of the textbook CRF on Wojood's own tokens."""
    import pycrfsuite

    def feats(s: Sentence, i: int) -> list[str]:
        w = s[i][0]
        f = ["bias", "w=" + w.lower(), "s3=" + w[-3:], "s2=" + w[-2:], f"up={w.isupper()}", f"dg={w.isdigit()}"]
        f += ["-1w=" + s[i - 1][0].lower()] if i > 0 else ["BOS"]
        f += ["+1w=" + s[i + 1][0].lower()] if i < len(s) - 1 else ["EOS"]
        return f

    trainer = pycrfsuite.Trainer(verbose=False)
    for s in train:
        trainer.append([feats(s, i) for i in range(len(s))], [t for _, t in s])
    trainer.set_params({"c1": 0.1, "c2": 0.1, "max_iterations": 100, "feature.possible_transitions": True})
    t0 = time.perf_counter()
    trainer.train(str(workdir / "plain.crf"))
    seconds = time.perf_counter() - t0
    tagger = pycrfsuite.Tagger()
    tagger.open(str(workdir / "plain.crf"))
    gold: set[tuple[int, int, int, str]] = set()
    pred: set[tuple[int, int, int, str]] = set()
    for k, s in enumerate(test):
        gold.update((k, *e) for e in entities([t for _, t in s]))
        pred.update((k, *e) for e in entities(tagger.tag([feats(s, i) for i in range(len(s))])))
    correct = len(gold & pred)
    p = correct / len(pred) if pred else 0.0
    r = correct / len(gold) if gold else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wojood", type=Path, default=DEFAULT_WOJOOD, help="folder with train.txt and val.txt")
    parser.add_argument("--spacy", action="store_true", help="also train the spacy backend (minutes)")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain CRF baseline")
    parser.add_argument("--seeds", type=int, default=3, help="shuffles of the pooled split (default 3; 0: skip it)")
    args = parser.parse_args(argv)
    if not (args.wojood / "train.txt").is_file():
        print(f"no Wojood files in {args.wojood}", file=sys.stderr)
        return 1
    train_s = read_sentences(args.wojood / "train.txt")
    test_s = read_sentences(args.wojood / "val.txt")
    train = documents(train_s, "train")
    test = documents(test_s, "val")
    n_ents = sum(len(e.spans) for e in train)
    print(
        f"Wojood outer layer: train.txt {len(train_s)} sentences, {n_ents} entities -> {len(train)} documents; "
        f"scored on val.txt {len(test_s)} sentences, {sum(len(e.spans) for e in test)} entities (never trained on)"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    print(ISSUE_BASELINES)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0, c0 = time.perf_counter(), time.process_time()
        fitted = fit("crf", train, work / "crf")
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        scores = evaluate(fitted.tagger, test)
        print(
            f"\n1. train.txt -> val.txt: default CRF micro-F1 {scores.micro.f1:.3f}, "
            f"trained in {seconds:.1f} s ({cpu:.1f} s of CPU)"
        )
        print(scores.table())
        if not args.no_plain:
            f1, secs = plain_crf(train_s, test_s, work)
            print(f"   plain CRF, same split: micro-F1 {f1:.3f}, trained in {secs:.1f} s")
        if args.spacy:
            t0 = time.perf_counter()
            sp = fit("spacy", train, work / "spacy")
            secs = time.perf_counter() - t0
            sp_scores = evaluate(sp.tagger, test)
            print(f"   spacy backend: micro-F1 {sp_scores.micro.f1:.3f}, trained in {secs:.1f} s")

        ours: list[float] = []
        plain: list[float] = []
        times: list[float] = []
        cpus: list[float] = []
        pooled = train_s + test_s
        for seed in range(args.seeds):
            shuffled = list(pooled)
            random.Random(seed).shuffle(shuffled)
            k = len(shuffled) // 5
            held, rest = shuffled[:k], shuffled[k:]
            t0, c0 = time.perf_counter(), time.process_time()
            fitted = fit("crf", documents(rest, "pool"), work / f"pool-{seed}")
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            ours.append(evaluate(fitted.tagger, documents(held, "held")).micro.f1)
            line = f"   seed {seed}: {len(rest)} sentences -> {len(held)} held out: default CRF {ours[-1]:.3f}"
            if not args.no_plain:
                plain.append(plain_crf(rest, held, work)[0])
                line += f", plain CRF {plain[-1]:.3f}"
            print(line + f" (trained in {times[-1]:.1f} s, {cpus[-1]:.1f} s of CPU)", flush=True)
        if ours:
            print(
                f"\n2. pooled, 20 % held out, {len(ours)} seeds: default CRF micro-F1 {statistics.mean(ours):.3f} "
                f"(min {min(ours):.3f}), trained in {statistics.mean(times):.1f} s on average "
                f"({statistics.mean(cpus):.1f} s of CPU)"
                + (f"; plain CRF {statistics.mean(plain):.3f}" if plain else "")
            )
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
