"""Training data, splits and the amount of data needed."""

from __future__ import annotations

import pytest

from annotations.errors import UserError
from annotations.model import Span
from annotations.tagger.training import (
    MIN_DOCUMENTS,
    MIN_ENTITIES,
    Example,
    NotEnoughData,
    check_enough,
    data_hash,
    held_out,
    k_folds,
)


def examples(n: int, spans_each: int) -> list[Example]:
    return [
        Example(
            f"d{i}", "قال محمد " * spans_each, tuple(Span(k * 9 + 4, k * 9 + 8, "PERSON") for k in range(spans_each))
        )
        for i in range(n)
    ]


def test_too_little_data_says_how_much_more() -> None:
    with pytest.raises(NotEnoughData) as err:
        check_enough(examples(3, 4))
    msg = str(err.value)
    assert "3 accepted documents with 12 entity spans" in msg
    assert (
        f"Label and accept {MIN_DOCUMENTS - 3} more documents and" in msg
        and f"{MIN_ENTITIES - 12} more entity spans" in msg
    )
    with pytest.raises(NotEnoughData, match=r"Label and accept 1 more entity span, then"):
        check_enough(examples(7, 7))
    check_enough(examples(MIN_DOCUMENTS, 10))


def test_held_out_share_is_reproducible_and_disjoint() -> None:
    data = examples(10, 1)
    train, test = held_out(data, 0.2)
    assert len(test) == 2 and len(train) == 8
    assert {e.doc_id for e in train}.isdisjoint(e.doc_id for e in test)
    assert held_out(list(reversed(data)), 0.2) == (train, test)
    assert held_out(data, 0.2, seed=1) != (train, test)
    with pytest.raises(UserError):
        held_out(data, 1.5)


def test_k_folds_test_every_document_once() -> None:
    data = examples(7, 1)
    folds = k_folds(data, 3)
    tested = [e.doc_id for _, test in folds for e in test]
    assert sorted(tested) == sorted(e.doc_id for e in data)
    for train, test in folds:
        assert len(train) + len(test) == 7


def test_data_hash_ignores_order_but_not_content() -> None:
    data = examples(4, 2)
    assert data_hash(data) == data_hash(list(reversed(data)))
    changed = [*data[:-1], Example(data[-1].doc_id, data[-1].text, data[-1].spans[:1])]
    assert data_hash(changed) != data_hash(data)


def test_training_data_prefers_the_adjudicated_record(tmp_path: object) -> None:
    from pathlib import Path

    from annotations.gold import gold_annotator, gold_span
    from annotations.model import Document
    from annotations.store import ImportedAnnotation, Store
    from annotations.tagger.training import select_examples

    text = "قال محمد إن حماس وافقت"
    person, org = Span(4, 8, "PERSON"), Span(12, 16, "ORGANIZATION")
    pending = Span(0, 3, "PERSON", "suggested", pending=True)
    with Store.open(Path(str(tmp_path)) / "s.json") as store:
        store.import_items(
            [
                (
                    Document("d1", text),
                    [
                        ImportedAnnotation("sara", [person, pending], "accept", updated=1.0),
                        ImportedAnnotation("omar", [org], "accept", updated=2.0),
                        ImportedAnnotation(gold_annotator("lead"), [gold_span(person), gold_span(org)], "accept"),
                    ],
                ),
                (
                    Document("d2", text + "."),
                    [
                        ImportedAnnotation("sara", [person], "accept", updated=1.0),
                        ImportedAnnotation("omar", [org], "accept", updated=2.0),
                    ],
                ),
                (
                    Document("d3", text + ".."),
                    [
                        ImportedAnnotation("sara", [person], "accept"),
                        ImportedAnnotation(gold_annotator("lead"), [], "reject"),
                    ],
                ),
                (Document("d4", text + "..."), [ImportedAnnotation("sara", [person], "skip")]),
            ]
        )
        sel = select_examples(store, ["PERSON", "ORGANIZATION"])
        got = {e.doc_id: sorted(s.key for s in e.spans) for e in sel.examples}
        assert got == {
            "d1": [person.key, org.key],  # the gold record
            "d2": [org.key],  # no gold: the newest accepted record
        }  # d3: gold says reject; d4: nobody accepted
        only_sara = select_examples(store, ["PERSON", "ORGANIZATION"], annotator="sara")
        assert {e.doc_id for e in only_sara.examples} == {"d1", "d2", "d3"}
        assert all(not s.pending for e in only_sara.examples for s in e.spans)
