"""Speed of ``annotations.suggest.suggest_document`` on one core.

    python benchmarks/suggest_bench.py [--docs N] [--seed S] [--model-docs M]

Builds an in-memory synthetic corpus of N documents (default 100,000): each is a random title plus
3-8 random body paragraphs from the samples (each with one random word dropped), sometimes
read-also/related blocks and furniture lines, so texts vary in length and content. Mines
repeated lines over the corpus (as ``reader suggest`` does) and times the mining, then
suggest_document over every document. Then the trained tagger (``reader suggest --model``): a CRF
trained on the samples' gold entities tags the first M documents (default 2,000), alone and with
the rules.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.model import Document, Span  # noqa: E402
from annotations.suggest import Gazetteer, ModelSuggester, mine_repeated_lines, suggest_document  # noqa: E402
from annotations.suggest.boilerplate import suggest_boilerplate  # noqa: E402
from annotations.tagger.training import fit, to_example  # noqa: E402

SAMPLES = ROOT / "samples"


def paragraphs() -> tuple[list[str], list[str], list[str]]:
    """(titles, body paragraphs, boilerplate blocks) cut from the sample articles."""
    titles: list[str] = []
    body: list[str] = []
    furniture: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        titles.append(text.split("\n", 1)[0])
        bp = {text[s.start : s.end] for s in suggest_boilerplate(text)}
        for para in text.split("\n\n")[1:]:
            lines = [ln.strip() for ln in para.split("\n") if ln.strip()]
            if not lines:
                continue
            (furniture if all(ln in bp for ln in lines) else body).append(para)
    return titles, body, furniture


def corpus(n: int, seed: int) -> list[Document]:
    titles, body, furniture = paragraphs()
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        parts = [rng.choice(titles)]
        for para in rng.sample(body, rng.randint(3, 8)):
            # vary the paragraph (drop a word) so that body lines rarely repeat verbatim
            words = para.split(" ")
            del words[rng.randrange(len(words))]
            parts.append(" ".join(words))
        if rng.random() < 0.6:
            parts += rng.sample(furniture, min(len(furniture), rng.randint(1, 3)))
        docs.append(Document(id=f"syn-{i}", text="\n\n".join(parts)))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--model-docs", type=int, default=2_000, help="documents the model tags (0: skip)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    docs = corpus(args.docs, args.seed)
    chars = sum(len(d.text) for d in docs)
    gazetteer = Gazetteer.load(SAMPLES / "gazetteer.toml")
    t1 = time.perf_counter()
    repeated = mine_repeated_lines((d.text for d in docs), max(3, len(docs) // 100))
    t2 = time.perf_counter()
    suggestions = 0
    for doc in docs:
        suggestions += len(suggest_document(doc, gazetteer=gazetteer, repeated_lines=repeated))
    t3 = time.perf_counter()

    print(
        f"corpus: {len(docs):,} synthetic documents, {chars / len(docs):,.0f} chars on average "
        f"(built in {t1 - t0:.1f} s); gazetteer {len(gazetteer)} entries"
    )
    print(f"mine_repeated_lines: {t2 - t1:.2f} s ({len(docs) / (t2 - t1):,.0f} docs/s), {len(repeated)} repeated lines")
    print(f"suggest_document: {t3 - t2:.2f} s, {suggestions:,} suggestions")
    print(f"=> {len(docs) / (t3 - t2):,.0f} documents/s on one core")
    if args.model_docs:
        model_bench(docs[: args.model_docs], gazetteer, repeated)
    return 0


def model_bench(docs: list[Document], gazetteer: Gazetteer, repeated: set[str]) -> None:
    corpus = {}
    for line in (SAMPLES / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            corpus[d["id"]] = d["text"]
    examples = []
    for path in sorted((ROOT / "benchmarks" / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                spans = [Span(x["start"], x["end"], x["label"]) for x in rec["spans"]]
                keep = {k: k for k in ("PERSON", "ORGANIZATION", "LOCATION")}
                examples.append(to_example(rec["id"], corpus[rec["id"]], spans, keep))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        fitted = fit("crf", examples, Path(tmp))
        model = ModelSuggester(fitted.tagger, "bench")
        model.suggest(docs[0].text)  # loads the model's attribute list once
        samples = [Document(k, v) for k, v in corpus.items()] * max(1, len(docs) // len(corpus))
        t1, c1 = time.perf_counter(), time.process_time()
        found = 0
        for doc in docs:
            found += len(model.suggest(doc.text))
        t2, c2 = time.perf_counter(), time.process_time()
        for doc in docs:
            suggest_document(doc, gazetteer=gazetteer, repeated_lines=repeated, model=model)
        t3, c3 = time.perf_counter(), time.process_time()
        for doc in samples:
            model.suggest(doc.text)
        t4, c4 = time.perf_counter(), time.process_time()
    chars = sum(len(d.text) for d in docs) / len(docs)
    sample_chars = sum(len(d.text) for d in samples) / len(samples)
    print(
        f"\nmodel: CRF trained on the samples' gold ({len(examples)} documents) in {t1 - t0:.1f} s; "
        f"tagging {len(docs):,} documents of {chars:,.0f} chars on average (docs/s by wall clock, by CPU time)"
    )
    print(
        f"model alone: {t2 - t1:.2f} s, {found:,} entities => {len(docs) / (t2 - t1):,.0f} documents/s "
        f"({len(docs) / (c2 - c1):,.0f} by CPU time) on one core"
    )
    print(
        f"rules + model (reader suggest --model): {len(docs) / (t3 - t2):,.0f} documents/s "
        f"({len(docs) / (c3 - c2):,.0f} by CPU time)"
    )
    print(
        f"model alone on the sample articles themselves ({len(samples):,} x, {sample_chars:,.0f} chars): "
        f"{len(samples) / (t4 - t3):,.0f} documents/s ({len(samples) / (c4 - c3):,.0f} by CPU time)"
    )


if __name__ == "__main__":
    sys.exit(main())
