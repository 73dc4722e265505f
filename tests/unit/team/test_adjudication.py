"""The adjudication model: which spans a reviewer sees, who has them, what is agreed, and the
decisions as undoable steps on the gold record."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import history
from annotations.adjudication import (
    Review,
    accept,
    accept_agreed,
    build,
    holders_text,
    next_open,
    reject,
    start,
    take,
)
from annotations.model import Annotation, Span, text_hash

TEXT = "قال محمد إن حماس وافقت على الهدنة في القاهرة"
H = text_hash(TEXT)
PERSON = Span(4, 8, "PERSON")
ORG = Span(12, 16, "ORGANIZATION")
ORG_AS_LOC = Span(12, 16, "LOCATION")
CAIRO = Span(37, 44, "LOCATION")


def rec(annotator: str, spans: list[Span], answer: str | None = "accept", h: str = H) -> Annotation:
    return Annotation("d", annotator, h, list(spans), answer, 0.0, 1.0)  # type: ignore[arg-type]


def review(records: list[Annotation], gold: Annotation | None = None) -> Review:
    return build("d", H, records, gold)


def apply(gold: Annotation | None, action: history.Action | None) -> Annotation:
    g = gold or Annotation("d", "gold:rana", H)
    assert action is not None
    assert history.do(g, action)
    return g


TEAM = [rec("sara", [PERSON, ORG, CAIRO]), rec("omar", [PERSON, ORG_AS_LOC, CAIRO]), rec("lina", [PERSON, ORG])]


def test_every_span_once_with_who_has_it() -> None:
    r = review(TEAM)
    assert r.annotators == ("lina", "omar", "sara")
    shown = [(c.key, c.holders, r.agreed(c), c.state) for c in r.candidates]
    assert shown == [
        (PERSON.key, ("lina", "omar", "sara"), True, "open"),
        (ORG_AS_LOC.key, ("omar",), False, "open"),
        (ORG.key, ("lina", "sara"), False, "open"),
        (CAIRO.key, ("omar", "sara"), False, "open"),
    ]
    assert [holders_text(r, c) for c in r.candidates] == ["all", "omar", "lina, sara", "omar, sara"]
    assert len(r.disagreements) == 3


def test_only_answered_records_on_the_current_text_count_and_pending_is_not_a_label() -> None:
    records = [
        rec("sara", [PERSON, Span(12, 16, "ORGANIZATION", origin="suggested", pending=True)]),
        rec("omar", [PERSON], answer="skip"),  # not answered
        rec("lina", [CAIRO], h="0" * 16),  # made on an older text
        rec("gold:old", [CAIRO]),  # someone's gold is not an annotator
    ]
    r = review(records)
    assert r.annotators == ("sara",) and not r.reviewable and r.stale == 1
    assert [c.key for c in r.candidates] == [PERSON.key]


def test_a_rejected_document_leaves_nothing_agreed() -> None:
    r = review([rec("sara", [PERSON]), rec("omar", [], answer="reject")])
    assert r.reviewable and not r.answers_agree()
    assert [(c.key, r.agreed(c)) for c in r.candidates] == [(PERSON.key, False)]
    assert start(r) is None  # nothing is pre-accepted


def test_start_pre_accepts_the_agreed_spans_once_as_review_spans() -> None:
    r = review(TEAM)
    gold = apply(None, start(r))
    assert [(s.key, s.origin, s.pending) for s in gold.spans] == [(PERSON.key, "review", False)]
    after = review(TEAM, gold)
    assert after.find(PERSON.key).state == "accepted"  # type: ignore[union-attr]
    assert start(after) is None  # the gold record exists: never again
    assert accept_agreed(after) is None  # nothing agreed is still open


def test_accept_and_reject_either_way_round_and_undo_restores_exactly() -> None:
    gold = apply(None, start(review(TEAM)))
    before = gold.copy()
    r = review(TEAM, gold)
    org = r.find(ORG.key)
    assert org is not None
    apply(gold, reject(org))
    r = review(TEAM, gold)
    assert r.find(ORG.key).state == "rejected"  # type: ignore[union-attr]
    assert ORG.key in {s.key for s in gold.rejected} and not gold.has_span(ORG)
    apply(gold, accept(r.find(ORG.key)))  # type: ignore[arg-type]
    r = review(TEAM, gold)
    assert r.find(ORG.key).state == "accepted"  # type: ignore[union-attr]
    assert not gold.rejected
    person = r.find(PERSON.key)
    apply(gold, reject(person))  # type: ignore[arg-type]
    assert review(TEAM, gold).find(PERSON.key).state == "rejected"  # type: ignore[union-attr]
    while history.undo(gold) is not None and len(gold.undo) > len(before.undo):
        pass
    assert (gold.spans, gold.rejected) == (before.spans, before.rejected)
    assert accept(review(TEAM, gold).find(PERSON.key)) is None  # type: ignore[arg-type]  # accepted already


def test_taking_one_annotators_version() -> None:
    gold = apply(None, start(review(TEAM)))
    gold = apply(gold, take(review(TEAM, gold), "omar"))
    assert sorted(s.key for s in gold.spans) == sorted(s.key for s in TEAM[1].spans)
    r = review(TEAM, gold)
    assert r.count("open") == 0 and r.count("rejected") == 1
    assert take(r, "omar") is None  # it is omar's version already
    described = gold.undo[-1]["label"]
    assert described == "take omar's version"


def test_the_walk_visits_open_candidates_in_reading_order_both_ways() -> None:
    gold = apply(None, start(review(TEAM)))
    r = review(TEAM, gold)
    seen = []
    c = next_open(r, 0, 1)
    while c is not None:
        seen.append(c.key)
        c = next_open(r, 0, 1, after=c)
    assert seen == [ORG_AS_LOC.key, ORG.key, CAIRO.key]  # PERSON is agreed and pre-accepted
    assert next_open(r, 20, -1).key == ORG.key  # type: ignore[union-attr]
    assert next_open(r, 38, 1) is None


def test_the_reviewers_own_span_is_a_candidate_nobody_else_has() -> None:
    own = Span(20, 25, "EVENT", origin="review")
    gold = apply(None, history.AddSpan(own))
    r = review(TEAM, gold)
    c = r.find(own.key)
    assert c is not None and c.holders == () and c.state == "accepted"
    assert holders_text(r, c) == "reviewer"


spans = st.builds(
    lambda s, n, label: Span(s, s + n, label),
    st.integers(0, 30),
    st.integers(1, 8),
    st.sampled_from(["PERSON", "LOCATION", "ORGANIZATION"]),
)
teams = st.lists(st.lists(spans, max_size=5), min_size=2, max_size=4)
steps = st.lists(st.tuples(st.sampled_from(["accept", "reject", "take", "agreed", "undo", "redo"]), st.integers(0, 9)))


@settings(max_examples=200, deadline=None)
@given(teams, steps)
def test_any_sequence_of_decisions_keeps_the_model_consistent_and_undoes_to_nothing(
    team: list[list[Span]], plan: list[tuple[str, int]]
) -> None:
    records = [rec(f"a{i}", s) for i, s in enumerate(team)]
    gold = Annotation("d", "gold:rana", H)
    first = start(review(records))
    if first is not None:
        history.do(gold, first)
    for what, n in plan:
        r = review(records, gold)
        c = r.candidates[n % len(r.candidates)] if r.candidates else None
        if what == "accept" and c is not None:
            action = accept(c)
        elif what == "reject" and c is not None:
            action = reject(c)
        elif what == "take":
            action = take(r, r.annotators[n % len(r.annotators)])
        elif what == "agreed":
            action = accept_agreed(r)
        elif what == "undo":
            history.undo(gold)
            continue
        elif what == "redo":
            history.redo(gold)
            continue
        else:
            continue
        if action is not None:
            assert history.do(gold, action)  # a decision offered always changes something
        r = review(records, gold)
        if what == "take":
            name = r.annotators[n % len(r.annotators)]
            mine = {s.key for s in records[int(name[1:])].spans}
            assert {s.key for s in gold.spans} == mine
        if c is not None and what in ("accept", "reject"):
            assert r.find(c.key).state == ("accepted" if what == "accept" else "rejected")  # type: ignore[union-attr]
    # a key is never both accepted and rejected; every gold span is a decided review span
    assert not ({s.key for s in gold.spans} & {s.key for s in gold.rejected})
    assert all(s.origin == "review" and not s.pending for s in gold.spans)
    while history.undo(gold) is not None:
        pass
    assert gold.spans == [] and gold.rejected == []
