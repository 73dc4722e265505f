"""The reviewer's session on a real store: which documents are up for review, decisions durable per
step and undoable after a restart, documents that become ready while the reviewer works, and the
`reader review` command's refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.store import ImportedAnnotation, Store
from reader.adjudicate import AdjudicationSession
from reader.cli import main

SCHEMA = LabelSchema.default()
T = "قال محمد إن حماس وافقت على الهدنة في القاهرة"
PERSON, ORG, LOC = Span(4, 8, "PERSON"), Span(12, 16, "ORGANIZATION"), Span(12, 16, "LOCATION")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.json"
    with Store.open(path) as s:
        s.import_items(
            [
                (
                    Document("d1", T),
                    [
                        ImportedAnnotation("sara", [PERSON, ORG], "accept"),
                        ImportedAnnotation("omar", [PERSON, LOC], "accept"),
                    ],
                ),
                (Document("d2", T), [ImportedAnnotation("sara", [PERSON], "accept")]),
                (Document("d3", T), [ImportedAnnotation("sara", [], "skip"), ImportedAnnotation("omar", [], "accept")]),
            ]
        )
    return path


def test_the_queue_holds_documents_two_annotators_answered(store: Path) -> None:
    with Store.open(store, annotator="gold:rana") as s:
        session = AdjudicationSession.create(s, "rana", SCHEMA)
        assert session.ids == ["d1"]
        assert session.annotator == "gold:rana" and session.reviewer == "rana"


def test_decisions_are_durable_and_undo_survives_a_restart(store: Path) -> None:
    with Store.open(store, annotator="gold:rana") as s:
        session = AdjudicationSession.create(s, "rana", SCHEMA)
        assert session.start() == 1  # PERSON, which both have
        review = session.review()
        org = review.find(ORG.key)
        assert org is not None and session.reject_candidate(org)
        assert session.take_version("omar")
        assert session.answer("accept")
    with Store.open(store, readonly=True) as s:
        gold = s.get_annotation("d1", "gold:rana")
        assert gold is not None and gold.answer == "accept"
        assert sorted(x.key for x in gold.spans) == sorted([PERSON.key, LOC.key])
        assert all(x.origin == "review" for x in gold.spans)
        assert [x.key for x in gold.rejected] == [ORG.key]
    with Store.open(store, annotator="gold:rana") as s:
        session = AdjudicationSession.create(s, "rana", SCHEMA)
        assert session.final("d1")
        assert session.undo() is not None  # the answer
        assert session.undo() is not None  # omar's version
        review = session.review()
        assert review.find(LOC.key).state == "open"  # type: ignore[union-attr]
        assert review.find(ORG.key).state == "rejected"  # type: ignore[union-attr]
        assert not session.final("d1")


def test_a_document_ready_while_reviewing_joins_the_list(store: Path) -> None:
    with Store.open(store, annotator="gold:rana") as s, Store.open(store, annotator="omar") as omar:
        session = AdjudicationSession.create(s, "rana", SCHEMA)
        omar.add_span("d2", "omar", ORG)
        omar.set_answer("d2", "omar", "accept")
        changed, new = session.follow(s.refresh())
        assert new == ["d2"] and session.ids == ["d1", "d2"]
        assert "d2" in changed
        assert [c.holders for c in session.review("d2").candidates] == [("sara",), ("omar",)]
        # a change to a record under review is seen at once
        omar.set_answer("d1", "omar", "reject")
        changed, new = session.follow(s.refresh())
        assert "d1" in changed and not new
        assert not any(session.review("d1").agreed(c) for c in session.review("d1").candidates)


def test_the_reviewers_own_span_and_label_keys(store: Path) -> None:
    with Store.open(store, annotator="gold:rana") as s:
        session = AdjudicationSession.create(s, "rana", SCHEMA)
        label = SCHEMA.get("LOCATION")
        assert label is not None
        assert session.add_own(label, 12, 16)[0] == "accepted"  # omar's candidate
        assert session.add_own(label, 12, 16)[0] == "already"
        assert session.add_own(label, 37, 44)[0] == "added"
        mine = session.review().find((37, 44, "LOCATION"))
        assert mine is not None and mine.holders == () and mine.span.origin == "review"


def test_the_command_refuses_clearly(tmp_path: Path, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--store", str(tmp_path / "none.json"), "--as", "rana"]) == 2
    assert "no store here" in capsys.readouterr().err
    assert main(["review", "--store", str(store), "--as", "gold:rana"]) == 2
    assert "reserved" in capsys.readouterr().err
    empty = tmp_path / "e.json"
    with Store.open(empty) as s:
        s.add_documents([Document("x", T)])
    assert main(["review", "--store", str(empty), "--as", "rana"]) == 0
    assert "nothing to review yet" in capsys.readouterr().err
    with Store.open(store, annotator="gold:rana"):  # the same reviewer twice
        assert main(["review", "--store", str(store), "--as", "rana"]) == 2
        assert "gold:rana" in capsys.readouterr().err


def test_a_skipped_document_is_not_adjudicated(tmp_path: Path) -> None:
    """`s` is "come back later": the document is not counted as adjudicated, and the next-open walk
    (`J`) comes back to it; a final answer counts, also after a restart."""
    path = tmp_path / "s.json"
    both = [ImportedAnnotation("sara", [PERSON], "accept"), ImportedAnnotation("omar", [ORG], "accept")]
    with Store.open(path) as s:
        s.import_items([(Document(d, T), both) for d in ("d1", "d2", "d3")])
    with Store.open(path, annotator="gold:rana") as s:
        session = AdjudicationSession.create(s, "rana", SCHEMA)
        assert session.answer("skip")
        assert session.answered == 0 and not session.final("d1")
        session.take(1)
        assert session.answer("accept")
        assert session.answered == 1
        session.take(2)
        assert session.answer("flag")
        assert session.answered == 1
        assert session.next_unanswered() == 0  # d1, skipped: still to adjudicate
        session.take(0)
        assert session.next_unanswered() == 2  # d3, flagged: not adjudicated either
        assert session.answer("skip")  # the same answer again takes it back
        assert session.answer("reject")
        assert session.answered == 2
    with Store.open(path, annotator="gold:rana") as s:
        session = AdjudicationSession.create(s, "rana", SCHEMA)
        assert session.answered == 2 and session.next_unanswered() == 2
