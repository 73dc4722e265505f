"""Gold records: their reserved names, and which record a document exports as its gold version."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.errors import UserError
from annotations.formats import ExportOptions, records
from annotations.gold import (
    check_annotator_name,
    choose_gold,
    gold_annotator,
    gold_records,
    gold_span,
    is_gold,
    reviewer_of,
)
from annotations.model import Annotation, Document, Span, text_hash
from annotations.store import Store

TEXT = "قال محمد إن حماس وافقت"
H = text_hash(TEXT)


def rec(annotator: str, answer: str | None, updated: float, spans: list[Span] | None = None, h: str = H) -> Annotation:
    return Annotation("d", annotator, h, spans or [], answer, 0.0, updated)  # type: ignore[arg-type]


def test_a_gold_record_has_its_own_key_beside_the_reviewers_own_record() -> None:
    name = gold_annotator("rana")
    assert name != "rana"
    assert is_gold(name) and not is_gold("rana")
    assert reviewer_of(name) == "rana"
    assert reviewer_of("rana") is None


@pytest.mark.parametrize("name", ["gold", "gold:rana", "", "  "])
def test_reserved_and_empty_annotator_names_are_refused(name: str) -> None:
    with pytest.raises(UserError):
        check_annotator_name(name)


def test_gold_spans_are_decided_and_marked_as_review() -> None:
    s = gold_span(Span(4, 8, "PERSON", origin="suggested", pending=True, rule="r"))
    assert (s.origin, s.pending, s.rule) == ("review", False, "r")


def test_the_newest_final_gold_record_is_the_gold() -> None:
    older = rec(gold_annotator("rana"), "accept", 5.0)
    newer = rec(gold_annotator("huda"), "accept", 7.0)
    draft = rec(gold_annotator("lina"), None, 9.0)  # still being reviewed
    stale = rec(gold_annotator("omar"), "accept", 11.0, h="0" * 16)  # made on another text
    own = rec("sara", "accept", 20.0)
    assert choose_gold([older, newer, draft, stale, own], H) is newer
    assert choose_gold([newer, older], H) is newer
    assert choose_gold([own, draft], H) is None


def test_gold_records_selects_gold_and_optionally_single_annotator_documents() -> None:
    d1, d2, d3, d4 = (Document(f"d{i}", TEXT) for i in range(1, 5))
    stream = [
        (d1, [rec("sara", "accept", 1.0), rec("omar", "accept", 2.0), rec(gold_annotator("rana"), "accept", 3.0)]),
        (d2, [rec("sara", "accept", 1.0), rec("omar", "skip", 2.0)]),  # only sara answered
        (d3, [rec("sara", "accept", 1.0), rec("omar", "reject", 2.0)]),  # answered by two, not adjudicated
        (d4, [rec("sara", "reject", 1.0)]),  # one answer, but not an accept
    ]
    gold = list(gold_records(stream))
    assert [(d.id, [a.annotator for a in anns]) for d, anns in gold] == [("d1", ["gold:rana"])]
    with_single = list(gold_records(stream, single=True))
    assert [(d.id, [a.annotator for a in anns]) for d, anns in with_single] == [
        ("d1", ["gold:rana"]),
        ("d2", ["sara"]),
    ]


def test_gold_records_composes_with_the_exporters_record_stream(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.json") as store:
        store.add_documents([Document("d1", TEXT), Document("d2", TEXT + ".")])
        store.add_span("d1", "sara", Span(4, 8, "PERSON"))
        store.set_answer("d1", "sara", "accept")
        store.add_span("d1", gold_annotator("rana"), gold_span(Span(4, 8, "PERSON")))
        store.set_answer("d1", gold_annotator("rana"), "accept")
        store.set_answer("d2", "sara", "accept")
    with Store.open(tmp_path / "s.json", readonly=True) as store:
        recs = records(store, ExportOptions(None, None, False, False), lambda _m: None)
        out = [(d.id, [(a.annotator, [s.origin for s in a.spans]) for a in anns]) for d, anns in gold_records(recs)]
    assert out == [("d1", [("gold:rana", ["review"])])]


@pytest.mark.parametrize("name", ["gold", "gold:rana"])
def test_the_app_refuses_to_annotate_as_the_gold_layer(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    store = tmp_path / "s.json"
    assert main(["--store", str(store), "--annotator", name]) == 2
    assert "reserved for adjudicated records" in capsys.readouterr().err
    assert not store.exists()  # refused before anything is opened


def test_gold_records_can_be_imported_from_native_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from reader.cli import main

    line = {
        "id": "d1",
        "text": TEXT,
        "spans": [{"start": 4, "end": 8, "label": "PERSON", "origin": "review"}],
        "answer": "accept",
        "annotator": "gold:rana",
    }
    src = tmp_path / "gold.jsonl"
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    store = tmp_path / "s.json"
    assert main(["import", str(src), "--store", str(store)]) == 0
    with Store.open(store, readonly=True) as s:
        got = choose_gold([a for a in s.annotations()], s.document_hash("d1"))
    assert got is not None and got.annotator == "gold:rana"
    assert [(sp.key, sp.origin) for sp in got.spans] == [((4, 8, "PERSON"), "review")]
