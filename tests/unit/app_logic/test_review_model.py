"""The review model without a terminal: the session's rules for suggestions and answers, and the undo
history kept in the record (annotations.history)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations import history
from annotations.history import AddSpan, Batch, RejectSuggestion, RemoveSpan, ReplaceSpan, SetAnswer, action_from_dict
from annotations.labels import LabelSchema
from annotations.model import Annotation, Document, Span
from annotations.store import Store
from reader.session import Session

SCHEMA = LabelSchema.default()
TEXT = "قال محمد إن قطر ومصر ستعمل على الاتفاق"


def label(name: str):  # type: ignore[no-untyped-def]
    found = SCHEMA.get(name)
    assert found is not None
    return found


def suggestion(start: int, end: int, name: str) -> Span:
    return Span(start, end, name, "suggested", pending=True, rule="test")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "s.json"


@pytest.fixture
def session(store_path: Path) -> Iterator[Session]:
    store = Store.open(store_path)
    store.add_documents([Document("d0", TEXT), Document("d1", "ثاني")])
    quote = TEXT.index("قطر")
    for span in (
        suggestion(quote, len(TEXT), "QUOTE"),
        suggestion(quote, quote + 3, "LOCATION"),
        suggestion(4, 8, "PERSON"),
    ):
        store.add_span("d0", "ann", span)
    yield Session(store, "ann", SCHEMA)
    store.close()


def test_walk_visits_nested_suggestions_once_in_reading_order(session: Session) -> None:
    order = []
    current = session.next_suggestion(0, 1)
    while current is not None:
        order.append((current.start, current.end, current.label))
        current = session.next_suggestion(0, 1, after=current)
    quote = TEXT.index("قطر")
    assert order == [(4, 8, "PERSON"), (quote, len(TEXT), "QUOTE"), (quote, quote + 3, "LOCATION")]
    last = session.pending()[-1]
    assert session.next_suggestion(0, -1, after=last) == session.pending()[1]


def test_label_key_accepts_a_pending_suggestion_of_its_label(session: Session) -> None:
    target = session.label_target(label("PERSON"), None, 5)
    assert target == (4, 8)
    outcome = session.label(label("PERSON"), *target)
    assert outcome.verb == "accepted"
    assert next(s for s in session.spans() if s.key == (4, 8, "PERSON")).pending is False
    # another label of the same group on the same range replaces the suggestion
    quote = TEXT.index("قطر")
    outcome = session.label(label("ORGANIZATION"), quote, quote + 3)
    assert outcome.verb == "replaced"
    annotation = session.annotation()
    assert annotation is not None and (quote, quote + 3, "LOCATION") in {s.key for s in annotation.rejected}


def test_rejections_and_deleted_suggestions_are_recorded(session: Session) -> None:
    person, _quote, location = session.pending()
    assert session.reject(location)
    assert session.accept(person)
    accepted = next(s for s in session.spans() if s.key == person.key)
    assert session.delete(accepted)  # an accepted suggestion, deleted: decided against
    annotation = session.annotation()
    assert annotation is not None
    assert {s.key for s in annotation.rejected} == {location.key, person.key}
    session.undo()  # the deletion comes back, and is no longer recorded as rejected
    annotation = session.annotation()
    assert annotation is not None and {s.key for s in annotation.rejected} == {location.key}


def test_accepting_with_pending_decides_them_in_one_undo_step(session: Session) -> None:
    session.answer("accept", "reject")
    annotation = session.annotation()
    assert annotation is not None and annotation.answer == "accept" and annotation.spans == []
    assert session.pending_count() == 0 and session.answered == 1
    session.undo()
    assert session.pending_count() == 3 and session.answers["d0"] is None and session.answered == 0


def test_history_survives_a_restart_per_document(store_path: Path, session: Session) -> None:
    assert session.undo() is None  # nothing yet: said, not silent
    session.label(label("ORGANIZATION"), 0, 3)
    session.go(1)
    session.label(label("PERSON"), 0, 4)
    session.store.close()
    with Store.open(store_path) as store:
        again = Session(store, "ann", SCHEMA)
        assert again.doc_id == "d0"
        undone = again.undo()  # the current document's own history
        assert undone is not None and undone[0] == "d0"
        assert all(s.key != (0, 3, "ORGANIZATION") for s in again.spans())
        assert again.undo() is None
        assert again.redo() is not None and any(s.key == (0, 3, "ORGANIZATION") for s in again.spans())
        again.go(1)
        redone = again.undo()  # the session's last change first, wherever it was
        assert redone is not None and redone[0] == "d0"
        assert again.undo() is not None and again.spans() == []  # then this document's own history


def test_session_undo_follows_the_last_change_across_documents(session: Session) -> None:
    session.answer("skip")
    session.go(1)
    undone = session.undo()
    assert undone is not None and undone[0] == "d0" and session.answers["d0"] is None


def test_history_is_bounded(session: Session) -> None:
    record = Annotation("d9", "ann", "h")
    for i in range(history.HISTORY_LIMIT + 20):
        history.do(record, AddSpan(Span(i, i + 1, "PERSON")))
    assert len(record.undo) == history.HISTORY_LIMIT


spans = st.builds(
    lambda s, n, lab, p: Span(s, s + n, lab, "suggested" if p else "manual", pending=p),
    st.integers(0, 50),
    st.integers(1, 10),
    st.sampled_from(["PERSON", "QUOTE"]),
    st.booleans(),
)
actions = st.recursive(
    st.one_of(
        spans.map(AddSpan),
        spans.map(RemoveSpan),
        spans.map(RejectSuggestion),
        st.tuples(spans, spans).map(lambda t: ReplaceSpan(*t)),
        st.tuples(st.sampled_from([None, "accept", "flag"]), st.sampled_from([None, "reject"])).map(
            lambda t: SetAnswer(*t)
        ),
    ),
    lambda inner: st.lists(inner, min_size=1, max_size=3).map(lambda a: Batch(tuple(a), "b")),
    max_leaves=6,
)


@given(actions)
def test_history_entries_round_trip(action: object) -> None:
    d = action.to_dict()  # type: ignore[attr-defined]
    assert action_from_dict(d) == action
    assert action_from_dict(d).to_dict() == d


@given(st.lists(actions, max_size=8))
def test_undo_all_restores_the_record(steps: list[object]) -> None:
    record = Annotation("d", "a", "h", spans=[Span(0, 3, "PERSON", "suggested", pending=True)])
    start = (sorted(record.spans), sorted(record.rejected), record.answer)
    for step in steps:
        history.do(record, step)  # type: ignore[arg-type]
    while history.undo(record) is not None:
        pass
    assert (sorted(record.spans), sorted(record.rejected), record.answer) == start
    restored = Annotation.from_dict(record.to_dict())
    assert restored.redo == record.redo
