"""Model suggestions in the app: hidden under a confidence threshold, documents least certain first."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.store import ImportedAnnotation, Store
from annotations.suggest.order import uncertain_first, uncertainty
from reader.commands.app import ordered_by_uncertainty
from reader.session import Session

SCHEMA = LabelSchema.default()
TEXT = "قال محمد إن حماس وافقت"


def suggestion(start: int, end: int, label: str, confidence: float | None) -> Span:
    return Span(start, end, label, "suggested", pending=True, rule="model:ner", confidence=confidence)


def test_suggestions_under_the_threshold_are_hidden_not_decided(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.json") as store:
        sure, unsure = suggestion(4, 8, "PERSON", 0.95), suggestion(12, 16, "ORGANIZATION", 0.3)
        rule = Span(0, 3, "MISC", "suggested", pending=True, rule="entity:gazetteer:MISC")
        store.import_items([(Document("d0", TEXT), [ImportedAnnotation("ann", [sure, unsure, rule])])])
        session = Session(store, "ann", SCHEMA, min_confidence=0.5)
        assert {s.key for s in session.spans()} == {sure.key, rule.key}  # rules have no confidence: shown
        assert session.pending_count() == 2
        # accepting the document decides what is shown; the hidden suggestion stays pending in the record
        session.answer("accept", decide_pending="accept")
        record = store.get_annotation("d0", "ann")
        assert record is not None
        assert [s.pending for s in sorted(record.spans)] == [False, False, True]
        # labelling exactly a hidden suggestion accepts it (and shows it)
        org = SCHEMA.get("ORGANIZATION")
        assert org is not None
        assert session.label(org, 12, 16).verb == "accepted"
        assert unsure.key in {s.key for s in session.spans()}
        # with no threshold everything is shown
        assert len(Session(store, "ann", SCHEMA).spans()) == 3


def test_uncertainty_of_a_document() -> None:
    assert uncertainty([]) is None
    assert uncertainty([Span(0, 1, "X")]) is None
    assert uncertainty([suggestion(0, 1, "X", 0.99), suggestion(2, 3, "X", 0.5)]) == pytest.approx(1.0)
    assert uncertainty([suggestion(0, 1, "X", 0.9)]) == pytest.approx(0.2)


def test_uncertain_first_with_a_random_share() -> None:
    ids = [f"d{i:03d}" for i in range(200)]
    scores: dict[str, float | None] = {d: (i % 50) / 50 if i % 3 else None for i, d in enumerate(ids)}
    order, sample = uncertain_first(ids, scores, share=0.1)
    assert sorted(order) == sorted(ids)  # a permutation
    assert 5 <= len(sample) <= 40  # about a tenth, chosen by hashing the ids
    assert all(order[i] in sample for i in range(0, 10 * min(len(sample), 10), 10))  # every 10th place
    rest = [d for d in order if d not in sample]
    ranked = [scores[d] for d in rest if scores[d] is not None]
    assert ranked == sorted(ranked, reverse=True)  # least certain first
    assert all(scores[d] is None for d in rest[len(ranked) :])  # unscored documents last
    assert uncertain_first(list(reversed(ids)), scores, share=0.1)[1] == sample  # reproducible
    assert uncertain_first(ids, scores, share=0.0) == ([*rest_sorted(ids, scores)], set())


def rest_sorted(ids: list[str], scores: dict[str, float | None]) -> list[str]:
    scored = sorted((d for d in ids if scores[d] is not None), key=lambda d: (-(scores[d] or 0), ids.index(d)))
    return scored + [d for d in ids if scores[d] is None]


def test_order_does_not_move_when_suggestions_are_decided(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.json") as store:
        items = []
        for i, conf in enumerate([0.9, 0.5, 0.7, None]):
            spans = [suggestion(4, 8, "PERSON", conf)] if conf is not None else []
            items.append((Document(f"d{i}", TEXT + " " * i), [ImportedAnnotation("ann", spans)]))
        store.import_items(items)
        ids = store.document_ids()
        before = ordered_by_uncertainty(store, ids, "ann", 0.0)
        assert before == ["d1", "d2", "d0", "d3"]
        session = Session(store, "ann", SCHEMA, ids=before)
        (s,) = session.pending()
        session.reject(s)  # the least certain one decided: its document keeps its place
        assert ordered_by_uncertainty(store, ids, "ann", 0.0) == before
