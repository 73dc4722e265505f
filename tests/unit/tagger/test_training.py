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
        assert got == {"d1": [person.key, org.key]}  # the gold record
        # d2: two annotators answered and the team adjudicates: waiting for its gold record, counted;
        # d3: gold says reject; d4: nobody accepted
        assert sel.unreviewed == 1
        everything = select_examples(store, ["PERSON", "ORGANIZATION"], include_unreviewed=True)
        got = {e.doc_id: sorted(s.key for s in e.spans) for e in everything.examples}
        assert got == {"d1": [person.key, org.key], "d2": [org.key]}  # d2: the newest accepted record
        only_sara = select_examples(store, ["PERSON", "ORGANIZATION"], annotator="sara")
        assert {e.doc_id for e in only_sara.examples} == {"d1", "d2", "d3"}
        assert all(not s.pending for e in only_sara.examples for s in e.spans)


def test_a_document_skipped_in_review_is_not_trained_on_one_side_of_the_dispute(tmp_path: object) -> None:
    from pathlib import Path

    from annotations.gold import gold_annotator, gold_span
    from annotations.model import Document
    from annotations.store import ImportedAnnotation, Store
    from annotations.tagger.training import select_examples

    text = "قال محمد إن حماس وافقت"
    person, org, loc = Span(4, 8, "PERSON"), Span(12, 16, "ORGANIZATION"), Span(12, 16, "LOCATION")
    lead = gold_annotator("lead")
    dispute = [ImportedAnnotation("sara", [person, org], "accept", updated=1.0)]
    dispute.append(ImportedAnnotation("omar", [person, loc], "accept", updated=2.0))
    items = [
        (Document("done", text), [*dispute, ImportedAnnotation(lead, [gold_span(person), gold_span(org)], "accept")]),
        (Document("skipped", text + "."), [*dispute, ImportedAnnotation(lead, [gold_span(person)], "skip")]),
        (Document("waiting", text + ".."), dispute),
        (Document("single", text + "..."), [ImportedAnnotation("sara", [person], "accept")]),
    ]
    with Store.open(Path(str(tmp_path)) / "s.json") as store:
        store.import_items(items)
        sel = select_examples(store, ["PERSON", "ORGANIZATION", "LOCATION"])
        got = {e.doc_id: sorted(s.key for s in e.spans) for e in sel.examples}
        # "skipped" and "waiting" would have been trained on omar's record (the newer): one side
        assert got == {"done": [person.key, org.key], "single": [person.key]}
        assert sel.unreviewed == 2
        sel = select_examples(store, ["PERSON", "ORGANIZATION", "LOCATION"], include_unreviewed=True)
        got = {e.doc_id: sorted(s.key for s in e.spans) for e in sel.examples}
        assert got["skipped"] == got["waiting"] == [person.key, loc.key] and sel.unreviewed == 0

    with Store.open(Path(str(tmp_path)) / "t.json") as store:  # no gold anywhere: nothing held back
        store.import_items(items[2:])
        sel = select_examples(store, ["PERSON", "ORGANIZATION", "LOCATION"])
        assert {e.doc_id for e in sel.examples} == {"waiting", "single"} and sel.unreviewed == 0


def test_train_says_how_many_documents_wait_for_adjudication(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from annotations.gold import gold_annotator, gold_span
    from annotations.model import Document
    from annotations.store import ImportedAnnotation, Store
    from reader.cli import main

    text = "قال محمد إن حماس وافقت"
    person = Span(4, 8, "PERSON")
    both = [ImportedAnnotation("sara", [person], "accept"), ImportedAnnotation("omar", [], "accept")]
    path = Path(str(tmp_path)) / "s.json"
    with Store.open(path) as store:
        store.import_items(
            [
                (
                    Document("d1", text),
                    [*both, ImportedAnnotation(gold_annotator("lead"), [gold_span(person)], "skip")],
                ),
                (Document("d2", text + "."), both),
            ]
        )
    assert main(["train", "--store", str(path), "--out", str(Path(str(tmp_path)) / "m")]) == 2
    err = capsys.readouterr().err
    assert "note: 2 documents waiting for adjudication" in err and "--include-unreviewed" in err
    assert "Traceback" not in err
