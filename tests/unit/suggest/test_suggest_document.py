"""suggest_document combines the suggesters; the package stays free of textual and rich."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotations.model import Document
from annotations.suggest import Gazetteer, mine_repeated_lines, suggest_document
from annotations.suggest.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[3]


def test_import_does_not_pull_in_textual_or_rich() -> None:
    code = (
        "import sys, annotations.suggest, annotations.normalize; "
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_combined_sorted_and_deduplicated() -> None:
    text = 'وقال غالانت إن "المفاوضات الجارية تتطلب الضغط".\n\nالمصدر: وكالة سوا\nالمصدر: وكالة سوا'
    gaz = Gazetteer([("غالانت", "PERSON"), ("وكالة سوا", "ORGANIZATION")])
    repeated = {"المصدر: وكاله سوا"}
    spans = suggest_document(Document("d", text), gazetteer=gaz, repeated_lines=repeated)
    keys = [s.key for s in spans]
    assert keys == sorted(set(keys))
    labels = [s.label for s in spans]
    assert labels.count("BOILERPLATE") == 2 and labels.count("QUOTE") == 1
    assert labels.count("PERSON") == 1 and labels.count("ORGANIZATION") == 2
    assert all(s.origin == "suggested" and s.pending and s.rule for s in spans)
    # the specific rule wins over the repeated-line rule for the same line
    assert {s.rule for s in spans if s.label == "BOILERPLATE"} == {"boilerplate:source"}


def test_no_gazetteer_means_no_entities() -> None:
    spans = suggest_document(Document("d", "حماس في غزة"), gazetteer=None)
    assert spans == []


def test_samples_meet_quality_targets() -> None:
    """The figures of benchmarks/suggest_quality.py, as a regression guard."""
    docs = [
        Document.from_dict(json.loads(line))
        for line in (ROOT / "samples" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    gaz = Gazetteer.load(ROOT / "samples" / "gazetteer.toml")
    repeated = mine_repeated_lines((d.text for d in docs), 3)
    gold = {}
    for doc in docs:
        rec = json.loads((ROOT / "benchmarks" / "gold" / f"{doc.id}.jsonl").read_text(encoding="utf-8"))
        assert rec["text"] == doc.text
        gold[doc.id] = {(s["start"], s["end"], s["label"]) for s in rec["spans"]}
    result = evaluate(docs, gold, ("BOILERPLATE", "QUOTE"), gazetteer=gaz, repeated_lines=repeated)
    for label, target in (("BOILERPLATE", 0.95), ("QUOTE", 0.9)):
        assert result.scores[label].f1 >= target, label
