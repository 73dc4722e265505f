"""`Store.put_record`: a whole record written as it is, with its own times (what `reader merge`
needs), durable, seen by other processes; and gold records, which never see the shared suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.model import Annotation, Document, Span, text_hash
from annotations.store import Store

TEXT = "قال محمد إن حماس وافقت على الهدنة"
H = text_hash(TEXT)
SUGGESTED = Span(12, 16, "ORGANIZATION", origin="suggested", pending=True, rule="gazetteer")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "s.json"
    with Store.open(p) as s:
        s.add_documents([Document("d1", TEXT)])
        s.add_suggestions([("d1", [SUGGESTED])])
    return p


def test_a_record_is_written_with_its_own_times_and_history(path: Path) -> None:
    rec = Annotation(
        "d1",
        "sara",
        H,
        [Span(4, 8, "PERSON")],
        "accept",
        created=1000.0,
        updated=1234.5,
        seconds_spent=42.0,
        rejected=[SUGGESTED],
        undo=[{"op": "add", "span": Span(4, 8, "PERSON").to_dict()}],
    )
    with Store.open(path) as s, Store.open(path, readonly=True) as other:
        assert s.put_record(rec)
        assert not s.put_record(rec)  # the very same record: nothing written
        other.refresh()
        seen = other.get_annotation("d1", "sara")
    with Store.open(path, readonly=True) as s:
        got = s.get_annotation("d1", "sara")
    for r in (seen, got):
        assert r is not None
        assert (r.created, r.updated, r.seconds_spent, r.answer) == (1000.0, 1234.5, 42.0, "accept")
        assert [x.key for x in r.spans] == [(4, 8, "PERSON")]  # the suggestion was rejected: not shown
        assert [x.key for x in r.rejected] == [SUGGESTED.key]
        assert r.undo == rec.undo


def test_pending_spans_of_the_shared_layer_stay_in_the_layer(path: Path) -> None:
    rec = Annotation("d1", "omar", H, [SUGGESTED, Span(4, 8, "PERSON")], None, 10.0, 20.0)
    with Store.open(path) as s:
        s.put_record(rec)
        # the layer still decides: accepting it later works as for any annotator
        got = s.get_annotation("d1", "omar")
        assert got is not None and {x.key for x in got.spans} == {SUGGESTED.key, (4, 8, "PERSON")}
        s.replace_span("d1", "omar", SUGGESTED, SUGGESTED.accepted())
        got = s.get_annotation("d1", "omar")
        assert got is not None and not any(x.pending for x in got.spans)


def test_bad_records_are_refused_and_nothing_is_written(path: Path) -> None:
    with Store.open(path) as s:
        with pytest.raises(KeyError):
            s.put_record(Annotation("nope", "sara", H))
        with pytest.raises(Exception, match="outside"):
            s.put_record(Annotation("d1", "sara", H, [Span(0, 999, "PERSON")]))
        with pytest.raises(ValueError, match="answer"):
            s.put_record(Annotation("d1", "sara", H, [], "maybe"))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="times"):
            s.put_record(Annotation("d1", "sara", H, [], None, float("nan")))
        assert s.get_annotation("d1", "sara") is not None  # only the shared suggestion, virtually
        assert s.annotators() == []
    with Store.open(path, readonly=True) as s, pytest.raises(Exception, match="read-only"):
        s.put_record(Annotation("d1", "sara", H))


def test_a_gold_record_never_shows_the_shared_suggestions(path: Path) -> None:
    with Store.open(path) as s:
        assert s.get_annotation("d1", "gold:rana") is None
        # an adjudicated span with the same key as a suggestion is added, not swallowed by the layer
        assert s.add_span("d1", "gold:rana", Span(12, 16, "ORGANIZATION", origin="review"))
        gold = s.get_annotation("d1", "gold:rana")
        assert gold is not None and [(x.key, x.origin, x.pending) for x in gold.spans] == [
            (SUGGESTED.key, "review", False)
        ]
        assert not gold.rejected
        # an annotator still sees the suggestion pending
        mine = s.get_annotation("d1", "sara")
        assert mine is not None and [x.pending for x in mine.spans] == [True]
    with Store.open(path, readonly=True) as s:
        every = {a.annotator: a for a in s.annotations()}
        assert [x.pending for x in every["gold:rana"].spans] == [False]
