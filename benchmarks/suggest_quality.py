"""Quality of the rule-based suggesters against the hand-made gold annotations of the samples.

    python benchmarks/suggest_quality.py [--min-repeat N] [--errors] [--no-model]

Prints, as a markdown table, per-label precision / recall / F1 of exact-match spans (same start, end
and label) of ``annotations.suggest.suggest_document`` over ``samples/corpus.jsonl`` against
``benchmarks/gold/*.jsonl``, with ``samples/gazetteer.toml`` and repeated lines mined over the samples.
Then the same for the trained tagger alone (``reader train``'s default CRF), leave-one-out: each
sample is tagged by a model trained on the gold of the other seven (no gazetteer). ``--errors``
also lists the false positives and false negatives of the rules.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.model import Document  # noqa: E402
from annotations.scores import Counts, Scores, score_entities  # noqa: E402
from annotations.suggest import Gazetteer, mine_repeated_lines  # noqa: E402
from annotations.suggest.evaluate import evaluate  # noqa: E402
from annotations.tagger.training import Example, fit, to_example  # noqa: E402

SAMPLES = ROOT / "samples"
LABELS = ("BOILERPLATE", "QUOTE", "PERSON", "ORGANIZATION", "LOCATION")
ENTITIES = ("PERSON", "ORGANIZATION", "LOCATION")


def model_scores(docs: list[Document], gold: dict[str, set[tuple[int, int, str]]]) -> dict[str, Counts]:
    """Leave-one-out scores of the tagger: each document tagged by a model of the other documents."""
    from annotations.model import Span

    examples = {
        d.id: to_example(d.id, d.text, [Span(s, e, lab) for s, e, lab in gold[d.id]], {x: x for x in ENTITIES})
        for d in docs
    }
    scores = Scores({label: Counts() for label in ENTITIES})
    with tempfile.TemporaryDirectory() as tmp:
        for d in docs:
            others: list[Example] = [examples[o.id] for o in docs if o.id != d.id]
            fitted = fit("crf", others, Path(tmp) / d.id)
            predicted = {s.key for s in fitted.tagger.predict(d.text)}
            reference = {k for k in gold[d.id] if k[2] in ENTITIES}
            scores.add(score_entities(reference, {k for k in predicted if k[2] in ENTITIES}))
    return scores.labels


def load() -> tuple[list[Document], dict[str, set[tuple[int, int, str]]]]:
    docs = [
        Document.from_dict(json.loads(line))
        for line in (SAMPLES / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    gold: dict[str, set[tuple[int, int, str]]] = {}
    for path in sorted((ROOT / "benchmarks" / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                gold[rec["id"]] = {(s["start"], s["end"], s["label"]) for s in rec["spans"]}
    return docs, gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-repeat", type=int, default=3, help="documents a line must repeat in")
    parser.add_argument("--errors", action="store_true", help="list false positives and negatives")
    parser.add_argument("--no-model", action="store_true", help="leave out the trained tagger's rows")
    args = parser.parse_args(argv)

    docs, gold = load()
    missing = [d.id for d in docs if d.id not in gold]
    if missing:
        print(f"no gold for {missing}", file=sys.stderr)
        return 1
    gazetteer = Gazetteer.load(SAMPLES / "gazetteer.toml")
    repeated = mine_repeated_lines((d.text for d in docs), args.min_repeat)

    result = evaluate(docs, gold, LABELS, gazetteer=gazetteer, repeated_lines=repeated)
    texts = {d.id: d.text for d in docs}
    errors = [f"FP {d} {lab} {texts[d][s:e]!r}" for d, (s, e, lab) in result.false_positives]
    errors += [f"FN {d} {lab} {texts[d][s:e]!r}" for d, (s, e, lab) in result.false_negatives]

    print(
        f"Suggesters vs gold: {len(docs)} sample documents, exact-match spans, "
        f"gazetteer of {len(gazetteer)} entries, {len(repeated)} repeated lines (min {args.min_repeat} docs)."
    )
    print()
    print("| label | gold | suggested | correct | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    entities = result.scores["PERSON"] + result.scores["ORGANIZATION"] + result.scores["LOCATION"]
    for label, score in [*result.scores.items(), ("entities (all three)", entities)]:
        print(
            f"| {label} | {score.gold} | {score.predicted} | {score.correct} "
            f"| {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} |"
        )
    if not args.no_model:
        scores = model_scores(docs, gold)
        combined = scores["PERSON"] + scores["ORGANIZATION"] + scores["LOCATION"]
        for label, score in [*scores.items(), ("entities (all three)", combined)]:
            print(
                f"| {label}: model, trained on the other samples | {score.gold} | {score.predicted} "
                f"| {score.correct} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} |"
            )
    if args.errors and errors:
        print()
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
