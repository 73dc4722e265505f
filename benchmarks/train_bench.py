"""Quality and training time of the entity tagger on Wojood (outer layer, 21 entity types).

    python benchmarks/train_bench.py [--wojood DIR] [--spacy] [--no-plain]

Trains the default CRF (``annotations.tagger``: Arabic features, the project's word cut) on Wojood's
``train.txt`` and scores it on ``val.txt``, which it never sees: entity-level exact match, which is
seqeval's strict IOB2 micro-F1 over the whole-word tags (spans cover whole Wojood tokens). Prints
the figures beside a plain CRF trained and scored the same way (the word, its last 2-3 letters,
case and digit flags, the neighbouring words: the usual sklearn-crfsuite recipe) and, with
``--spacy``, the ``spacy`` backend (minutes). The Wojood files are not part of the project (MIT,
SinaLab/ArabicNER); the default path is the shared data folder beside the repository.
"""

from __future__ import annotations

import argparse
import os
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
        t0 = time.perf_counter()
        fitted = fit("crf", train, work / "crf")
        seconds = time.perf_counter() - t0
        scores = evaluate(fitted.tagger, test)
        print(f"\ndefault CRF (reader train): micro-F1 {scores.micro.f1:.3f} on val, trained in {seconds:.1f} s")
        print(scores.table())
        if not args.no_plain:
            f1, secs = plain_crf(train_s, test_s, work)
            print(f"\nplain CRF, same split: micro-F1 {f1:.3f}, trained in {secs:.1f} s")
        if args.spacy:
            t0 = time.perf_counter()
            sp = fit("spacy", train, work / "spacy")
            secs = time.perf_counter() - t0
            sp_scores = evaluate(sp.tagger, test)
            print(
                f"\nspacy backend (blank('ar') NER): micro-F1 {sp_scores.micro.f1:.3f} on val, trained in {secs:.1f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
