"""Quality of the rule-based suggesters against the hand-made gold annotations of the samples.

    python benchmarks/suggest_quality.py [--min-repeat N] [--errors]

Prints, as a markdown table, per-label precision / recall / F1 of exact-match spans (same start, end
and label) of ``annotations.suggest.suggest_document`` over ``samples/corpus.jsonl`` against
``samples/gold/*.jsonl``, with ``samples/gazetteer.toml`` and repeated lines mined over the samples.
``--errors`` also lists the false positives and false negatives.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.model import Document  # noqa: E402
from annotations.suggest import Gazetteer, mine_repeated_lines, suggest_document  # noqa: E402

SAMPLES = ROOT / "samples"
LABELS = ("BOILERPLATE", "QUOTE", "PERSON", "ORGANIZATION", "LOCATION")


def load() -> tuple[list[Document], dict[str, set[tuple[int, int, str]]]]:
    docs = [
        Document.from_dict(json.loads(line))
        for line in (SAMPLES / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    gold: dict[str, set[tuple[int, int, str]]] = {}
    for path in sorted((SAMPLES / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                gold[rec["id"]] = {(s["start"], s["end"], s["label"]) for s in rec["spans"]}
    return docs, gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-repeat", type=int, default=3, help="documents a line must repeat in")
    parser.add_argument("--errors", action="store_true", help="list false positives and negatives")
    args = parser.parse_args(argv)

    docs, gold = load()
    missing = [d.id for d in docs if d.id not in gold]
    if missing:
        print(f"no gold for {missing}", file=sys.stderr)
        return 1
    gazetteer = Gazetteer.load(SAMPLES / "gazetteer.toml")
    repeated = mine_repeated_lines((d.text for d in docs), args.min_repeat)

    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    errors: list[str] = []
    for doc in docs:
        pred = {s.key for s in suggest_document(doc, gazetteer=gazetteer, repeated_lines=repeated)}
        ref = gold[doc.id]
        for label in LABELS:
            p = {k for k in pred if k[2] == label}
            g = {k for k in ref if k[2] == label}
            tp[label] += len(p & g)
            n_pred[label] += len(p)
            n_gold[label] += len(g)
            if args.errors:
                for s, e, lab in sorted(p - g):
                    errors.append(f"FP {doc.id} {lab} {doc.text[s:e]!r}")
                for s, e, lab in sorted(g - p):
                    errors.append(f"FN {doc.id} {lab} {doc.text[s:e]!r}")

    def prf(t: int, p: int, g: int) -> tuple[float, float, float]:
        precision = t / p if p else 0.0
        recall = t / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    print(
        f"Suggesters vs gold: {len(docs)} sample documents, exact-match spans, "
        f"gazetteer of {len(gazetteer)} entries, {len(repeated)} repeated lines (min {args.min_repeat} docs)."
    )
    print()
    print("| label | gold | suggested | correct | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label in LABELS:
        p, r, f = prf(tp[label], n_pred[label], n_gold[label])
        print(f"| {label} | {n_gold[label]} | {n_pred[label]} | {tp[label]} | {p:.3f} | {r:.3f} | {f:.3f} |")
    ent = ("PERSON", "ORGANIZATION", "LOCATION")
    t, p_, g = (sum(c[x] for x in ent) for c in (tp, n_pred, n_gold))
    p, r, f = prf(t, p_, g)
    print(f"| entities (all three) | {g} | {p_} | {t} | {p:.3f} | {r:.3f} | {f:.3f} |")
    if errors:
        print()
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
