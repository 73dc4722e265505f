"""The session: every action goes through the store and the undo history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.labels import LabelSchema
from annotations.model import Document, Span
from annotations.store import Store
from reader.session import Session, UnseenSuggestions

SCHEMA = LabelSchema.default()
PERSON = SCHEMA.get("PERSON")
ORG = SCHEMA.get("ORGANIZATION")
BOILERPLATE = SCHEMA.get("BOILERPLATE")
TEXTS = ["قال محمد إن حماس وافقت\nالمصدر: وكالة سوا\n", "Second doc with Hamas", "ثالث"]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    store = Store.open(tmp_path / "s.json")
    store.add_documents(Document(f"d{i}", t) for i, t in enumerate(TEXTS))
    yield Session(store, "ann", SCHEMA)
    store.close()


def texts(session: Session) -> list[tuple[str, str]]:
    text = session.document().text
    return sorted((text[s.start : s.end], s.label) for s in session.spans())


def test_label_relabel_delete_with_undo(session: Session) -> None:
    assert PERSON and ORG
    outcome = session.label(PERSON, 4, 8)
    assert outcome.verb == "labelled" and texts(session) == [("محمد", "PERSON")]
    assert session.label(PERSON, 4, 8).verb == "already"  # a duplicate changes nothing
    assert session.relabel(outcome.span, ORG)
    assert texts(session) == [("محمد", "ORGANIZATION")]
    session.undo()
    assert texts(session) == [("محمد", "PERSON")]
    session.redo()
    (relabelled,) = session.spans()
    assert session.delete(relabelled)
    assert texts(session) == []
    session.undo()
    assert texts(session) == [("محمد", "ORGANIZATION")]


def test_line_range_is_the_trimmed_line(session: Session) -> None:
    text = session.document().text
    offset = text.index("وكالة")
    start, end = session.line_range(offset) or (0, 0)
    assert text[start:end] == "المصدر: وكالة سوا"
    assert BOILERPLATE and session.label(BOILERPLATE, start, end).verb == "labelled"


def test_suggestions_accept_reject_and_accept_all(session: Session) -> None:
    store = session.store
    for start, end, label in [(4, 8, "PERSON"), (12, 16, "ORGANIZATION"), (0, 3, "PERSON")]:
        store.add_span("d0", "ann", Span(start, end, label, "suggested", pending=True, rule="test"))
    org = next(s for s in session.spans() if s.label == "ORGANIZATION")
    assert session.reject(org)
    assert session.accept_all("PERSON") == 2
    assert all(not s.pending for s in session.spans())
    session.undo()  # one undo step takes back the whole batch
    assert [s.pending for s in session.spans()] == [True, True]


def test_answers_count_toggle_and_undo(session: Session) -> None:
    session.answer("accept")
    assert session.answered == 1 and session.store.answers("ann")["d0"] == "accept"
    session.answer("accept")  # the same key again takes it back
    assert session.answered == 0 and session.store.answers("ann")["d0"] is None
    session.answer("flag")
    session.undo()
    assert session.answered == 0
    session.redo()
    assert session.answered == 1 and session.answers["d0"] == "flag"


def test_next_unanswered_wraps(session: Session) -> None:
    session.answer("accept")
    assert session.next_unanswered() == 1
    session.go(2)
    session.answer("skip")
    assert session.next_unanswered() == 1


def test_search_folds_and_crosses_documents(session: Session) -> None:
    assert session.search("حماس") == [(12, 16)]
    assert session.search("HAMAS") == []
    assert session.next_document_with("hamas", 1) == 1
    assert session.search("   ") == []


def test_time_is_recorded_when_leaving_a_document(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reader.session.time.monotonic", lambda: 130.0)
    session._opened_at = 100.0
    assert PERSON and session.label(PERSON, 4, 8).verb == "labelled"
    session.go(1)
    annotation = session.store.get_annotation("d0", "ann")
    assert annotation is not None and annotation.seconds_spent == pytest.approx(30.0)


def test_title_is_the_same_cut_string_on_every_call(tmp_path: Path) -> None:
    long_line = "خبر " * 100  # 400 code points
    store = Store.open(tmp_path / "titles.json")
    try:
        store.add_documents(
            [
                Document("meta", "نص", meta={"title": long_line}),
                Document("line", "\n  \n" + long_line + "\nالفقرة الثانية"),
                Document("blank", " \n\n"),
            ]
        )
        session = Session(store, "ann", SCHEMA)
        first = {doc_id: session.title(doc_id) for doc_id in ("meta", "line", "blank")}
        again = {doc_id: session.title(doc_id) for doc_id in ("meta", "line", "blank")}
        assert first == again
        assert first["meta"] == first["line"] == long_line[:200]
        assert first["blank"] == "blank"  # no line with text: the id
    finally:
        store.close()


def test_time_spent_is_saved_with_the_next_action_without_a_separate_write(session: Session) -> None:
    assert PERSON
    session._opened_at -= 40.0  # forty seconds of reading
    session.label(PERSON, 4, 8)
    record = session.annotation()
    assert record is not None and record.seconds_spent >= 40.0  # saved with the label, not on leaving
    session._opened_at -= 70.0
    session.undo()
    again = session.annotation()
    assert again is not None and again.seconds_spent >= 110.0


def test_time_saved_while_reading_leaves_updated_alone(session: Session) -> None:
    assert PERSON
    session.label(PERSON, 4, 8)
    record = session.annotation()
    assert record is not None
    session._opened_at -= 65.0
    session.record_time()  # what the screen does every minute
    later = session.annotation()
    assert later is not None
    assert later.seconds_spent >= record.seconds_spent + 65.0
    assert later.updated == record.updated


def test_suggestions_another_process_adds_are_counted_and_never_accepted_over_unseen(session: Session) -> None:
    """`reader suggest` (another Store) adds suggestions: accepting the open document before the app
    looked saves nothing, and the next refresh recounts exactly the documents that changed."""
    assert session.pending_count() == 0 and session.pending_count("d1") == 0 and session.pending_count("d2") == 0
    new, other = Span(4, 8, "PERSON", "suggested", pending=True), Span(0, 6, "ORGANIZATION", "suggested", pending=True)
    with Store.open(session.store.path) as suggester:
        suggester.add_suggestions([("d0", [new]), ("d1", [other])])
    with pytest.raises(UnseenSuggestions) as refused:
        session.answer("accept")  # read before the suggestions landed: never shown
    assert refused.value.spans == [new]
    assert session.answers.get("d0") is None
    stored = session.store.get_annotation("d0", "ann")
    assert stored is not None and stored.answer is None and stored.spans == [new]  # nothing saved
    # d0's count was read again when the store refused; d1's, kept from before, is out of date
    assert session.follow_suggestions(session.store.refresh(), ["d0", "d1", "d2"]) == {"d1"}
    assert (session.pending_count(), session.pending_count("d1"), session.pending_count("d2")) == (1, 1, 0)
    assert session.answer("accept", "accept", seen=[new])  # shown and decided: accepted with it
    decided = session.store.get_annotation("d0", "ann")
    assert decided is not None and decided.answer == "accept" and decided.spans == [new.accepted()]
    assert session.pending_count() == 0
    with Store.open(session.store.path) as other_process:
        other_process.compact()  # a fold reloads the shards and changes no suggestion
    changes = session.store.refresh()
    assert changes.reloaded
    assert session.follow_suggestions(changes, ["d0", "d1", "d2"]) == set()
