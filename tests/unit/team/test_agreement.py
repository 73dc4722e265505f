"""Agreement figures: the coefficients against published worked examples and the reference package,
span F1, token units, and the report over records."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.agreement import (
    OUTSIDE,
    Coding,
    Item,
    SpanCounts,
    codings_for,
    compute,
    confusion,
    enough,
    make_item,
    token_categories,
)
from annotations.gold import GOLD, gold_annotator
from annotations.model import Annotation, Document, Span, text_hash
from annotations.reliability import alpha_from_table, cohen_kappa

# --------------------------------------------------------------------------------------------------
# Krippendorff's α: the worked examples of K. Krippendorff, "Computing Krippendorff's Alpha-Reliability"
# (Annenberg School for Communication, 2011). None marks a missing value.

# "A. Binary or dichotomous data, two observers, no missing data": alpha = 0.095
PAPER_A = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]
# "B. Nominal data, two observers, no missing data": alpha = 0.692
PAPER_B = [list("aabbdcccedda"), list("babbbccceddd")]
# "C. Nominal data, any number of observers, missing data": 4 observers, 12 units, alpha = 0.743
PAPER_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units(coders: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """Reliability data (one row per coder) turned into one row per unit."""
    return list(zip(*coders, strict=True))


@pytest.mark.parametrize(("data", "expected"), [(PAPER_A, 0.095), (PAPER_B, 0.692), (PAPER_C, 0.743)])
def test_alpha_matches_krippendorffs_worked_examples(data: list[list[object]], expected: float) -> None:
    alpha = alpha_from_table(units(data))
    assert alpha is not None
    assert round(alpha, 3) == expected


def test_alpha_matches_the_wikipedia_example() -> None:
    # the example of the Wikipedia article (and of the krippendorff package's sample): 0.691358
    x = None
    data = [
        [x, x, x, x, x, 3, 4, 1, 2, 1, 1, 3, 3, x, 3],
        [1, x, 2, 1, 3, 3, 4, 3, x, x, x, x, x, x, x],
        [x, x, 2, 1, 3, 4, 4, x, 2, 1, 1, 3, 3, x, 4],
    ]
    alpha = alpha_from_table(units(data))
    assert alpha is not None
    assert round(alpha, 6) == 0.691358


def test_alpha_is_undefined_without_variation() -> None:
    assert alpha_from_table([(1, 1), (1, 1)]) is None  # one value throughout
    assert alpha_from_table([(1, None), (None, 2)]) is None  # nothing pairable


reliability = st.integers(2, 5).flatmap(
    lambda coders: st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=coders, max_size=coders), min_size=1, max_size=30
    )
)


@settings(max_examples=200, deadline=None)
@given(reliability)
def test_alpha_agrees_with_the_krippendorff_package(table: list[list[int | None]]) -> None:
    ours = alpha_from_table(table)
    data = np.array([[np.nan if v is None else v for v in row] for row in table], dtype=float).T
    pairable = [sum(v is not None for v in row) for row in table]
    values = {v for row, m in zip(table, pairable, strict=True) if m >= 2 for v in row if v is not None}
    if ours is None:
        # undefined: fewer than two pairable values, or a single value throughout
        assert sum(m for m in pairable if m >= 2) < 2 or len(values) <= 1
        return
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9)


# --------------------------------------------------------------------------------------------------
# Cohen's κ


def test_kappa_of_the_textbook_example() -> None:
    # Two readers, 50 proposals: both yes 20, both no 15, A yes / B no 5, A no / B yes 10.
    # p_o = 35/50 = 0.7; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; κ = (0.7 - 0.5) / (1 - 0.5) = 0.4
    counts = {("yes", "yes"): 20, ("no", "no"): 15, ("yes", "no"): 5, ("no", "yes"): 10}
    kappa = cohen_kappa(counts)
    assert kappa is not None
    assert round(kappa, 3) == 0.400


def test_kappa_is_undefined_when_both_use_one_value() -> None:
    assert cohen_kappa({("O", "O"): 12}) is None
    assert cohen_kappa({}) is None


pairs_of_values = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40)


@given(pairs_of_values)
def test_kappa_is_symmetric_and_ignores_value_names(pairs: list[tuple[int, int]]) -> None:
    k = cohen_kappa(Counter(pairs))
    swapped = cohen_kappa(Counter((b, a) for a, b in pairs))
    renamed = cohen_kappa(Counter((f"v{a}", f"v{b}") for a, b in pairs))
    if k is None:
        assert swapped is None and renamed is None
        return
    assert swapped is not None and renamed is not None
    assert math.isclose(k, swapped, abs_tol=1e-12)
    assert math.isclose(k, renamed, abs_tol=1e-12)
    assert k <= 1.0 + 1e-12
    if all(a == b for a, b in pairs):
        assert math.isclose(k, 1.0)


# --------------------------------------------------------------------------------------------------
# Spans and tokens

TEXT = "قال محمد إن حماس وافقت على الهدنة"
# tokens: قال 0-3, محمد 4-8, إن 9-11, حماس 12-16, وافقت 17-22, على 23-26, الهدنة 27-33


def test_span_f1_exact_and_overlap() -> None:
    a = [(4, 8, "PERSON"), (12, 16, "ORGANIZATION")]
    b = [(4, 8, "PERSON"), (11, 16, "ORGANIZATION"), (27, 33, "EVENT")]
    c = SpanCounts.of(a, b)
    assert (c.a, c.b, c.exact) == (2, 3, 1)
    assert c.f1_exact == pytest.approx(2 * 1 / 5)
    # overlap: both of a's spans are found (recall 1), two of b's three (precision 2/3)
    assert c.recall_overlap == 1.0
    assert c.precision_overlap == pytest.approx(2 / 3)
    assert c.f1_overlap == pytest.approx(0.8)
    assert SpanCounts.of([], []).f1_exact is None
    assert SpanCounts.of(a, []).f1_exact == 0.0
    assert SpanCounts.of(a, []).f1_overlap == 0.0


span_sets = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from(["A", "B"])).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=8,
)


@given(span_sets, span_sets)
def test_span_f1_does_not_depend_on_which_annotator_is_the_reference(
    a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]
) -> None:
    ab, ba = SpanCounts.of(a, b), SpanCounts.of(b, a)
    assert ab.f1_exact == ba.f1_exact
    assert ab.f1_overlap == pytest.approx(ba.f1_overlap) if ab.f1_overlap is not None else ba.f1_overlap is None
    # brute force overlap counts
    found = sum(any(x[2] == y[2] and x[0] < y[1] and y[0] < x[1] for y in set(b)) for x in set(a))
    assert ab.a_found == found


@given(span_sets, st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5)), max_size=12))
def test_a_token_carries_the_labels_of_the_spans_that_overlap_it(
    spans: list[tuple[int, int, str]], raw: list[tuple[int, int]]
) -> None:
    # non-overlapping sorted tokens
    tokens: list[tuple[int, int]] = []
    pos = 0
    for gap, length in raw:
        start = pos + gap % 3
        tokens.append((start, start + length))
        pos = start + length
    cats = token_categories(tokens, spans)
    for (s, e), cat in zip(tokens, cats, strict=True):
        assert cat == frozenset(lab for a, b, lab in spans if a < e and s < b)


def test_confusion_pairs_swapped_labels_and_leaves_nested_spans_alone() -> None:
    a = [(4, 8, "PERSON"), (12, 16, "ORGANIZATION"), (0, 33, "QUOTE")]
    b = [(4, 8, "PERSON"), (12, 16, "PERSON"), (17, 22, "EVENT")]
    c = confusion(a, b)
    assert c[("PERSON", "PERSON")] == 1
    assert c[("ORGANIZATION", "PERSON")] == 1
    # the quotation around everything is not "swapped" for the event inside it
    assert c[("QUOTE", None)] == 1
    assert c[(None, "EVENT")] == 1
    # boundary difference, same label: agreement on the label
    assert confusion([(0, 8, "PERSON")], [(4, 8, "PERSON")]) == Counter({("PERSON", "PERSON"): 1})
    # mostly the same text, other label: a swap
    assert confusion([(0, 8, "PERSON")], [(1, 8, "LOCATION")]) == Counter({("PERSON", "LOCATION"): 1})


# --------------------------------------------------------------------------------------------------
# The report


def record(annotator: str, answer: str | None, spans: list[Span], text: str = TEXT, updated: float = 1.0) -> Annotation:
    return Annotation("d", annotator, text_hash(text), list(spans), answer, 0.0, updated)  # type: ignore[arg-type]


def item(doc_id: str, text: str, *records: Annotation, reference: str | None = None) -> Item:
    codings, _ = codings_for(records, text_hash(text), reference=reference)
    return make_item(Document(doc_id, text), codings)


P = Span(4, 8, "PERSON")
ORG = Span(12, 16, "ORGANIZATION")
P2 = Span(12, 16, "PERSON")


def test_token_kappa_of_a_hand_computed_pair() -> None:
    # 7 tokens. sara: O PERSON O ORGANIZATION O O O; omar: O PERSON O PERSON O O O.
    # agreement 6/7; marginals sara O5 P1 ORG1, omar O5 P2; p_e = (5*5 + 1*2) / 49 = 27/49;
    # κ = (6/7 - 27/49) / (1 - 27/49) = 15/22 = 0.682.
    # PERSON alone: sara 1 yes 6 no, omar 2 yes 5 no, agreement 6/7; p_e = (1*2 + 6*5)/49 = 32/49;
    # κ = (42 - 32) / (49 - 32) = 10/17 = 0.588.
    report = compute([item("d", TEXT, record("sara", "accept", [P, ORG]), record("omar", "accept", [P, P2]))])
    (whole, *per_label) = report.pairs
    assert (whole.a, whole.b, whole.label) == ("omar", "sara", None)
    assert whole.tokens == 7
    assert whole.kappa is not None and round(whole.kappa, 3) == 0.682
    person = next(f for f in per_label if f.label == "PERSON")
    assert person.kappa is not None and round(person.kappa, 3) == 0.588
    assert whole.spans.f1_exact == 0.5
    assert report.swaps() == [("ORGANIZATION", "PERSON", 1)]


def test_pending_suggestions_are_not_labels_and_unanswered_records_do_not_count() -> None:
    pending = Span(27, 33, "EVENT", origin="suggested", pending=True)
    report = compute(
        [
            item(
                "d",
                TEXT,
                record("sara", "accept", [P, pending]),
                record("omar", "accept", [P]),
                record("lina", None, [ORG]),  # still working
                record("huda", "skip", [ORG]),  # skipped: not a decision
            )
        ]
    )
    assert [(f.a, f.b) for f in report.pairs if f.label is None] == [("omar", "sara")]
    assert report.pairs[0].spans.f1_exact == 1.0
    assert report.labels == ["PERSON"]


def test_answers_are_compared_and_spans_only_between_accepted_records() -> None:
    text2 = "أعلنت وزارة الصحة في غزة"
    items = [
        item("d1", TEXT, record("sara", "accept", [P]), record("omar", "accept", [P])),
        item("d2", text2, record("sara", "accept", [], text2), record("omar", "reject", [], text2)),
    ]
    report = compute(items)
    whole = report.pairs[0]
    assert whole.answered == 2
    assert whole.answers_agreed == 0.5
    assert whole.documents == 1  # spans and tokens only where both accepted
    assert whole.tokens == 7
    # the document where they disagree comes first
    assert [d.doc_id for d in report.documents] == ["d2", "d1"]
    assert report.documents[0].score == 0.0
    assert report.documents[1].score == 1.0


def test_stale_records_are_left_out_and_counted() -> None:
    old = record("omar", "accept", [P], text="نص قديم")
    codings, stale = codings_for([record("sara", "accept", [P]), old], text_hash(TEXT))
    assert [c.annotator for c in codings] == ["sara"]
    assert stale == 1
    assert not enough(codings)


def test_gold_records_are_not_annotators_but_the_reference_against_gold() -> None:
    gold = record(gold_annotator("rana"), "accept", [P, ORG], updated=5.0)
    draft = record(gold_annotator("huda"), None, [P], updated=9.0)  # a review in progress is not gold
    records = [record("sara", "accept", [P, ORG]), record("omar", "accept", [P]), gold, draft]
    codings, _ = codings_for(records, text_hash(TEXT))
    assert sorted(c.annotator for c in codings) == ["omar", "sara"]
    codings, _ = codings_for(records, text_hash(TEXT), reference=GOLD)
    assert enough(codings, GOLD)
    report = compute([make_item(Document("d", TEXT), codings)], reference=GOLD)
    assert report.overall == []
    rows = {f.b: f for f in report.pairs if f.label is None}
    assert set(rows) == {"omar", "sara"}
    assert all(f.a == GOLD for f in report.pairs)
    assert rows["sara"].spans.f1_exact == 1.0
    # omar found one of the two gold spans, and everything he marked is in the gold
    assert rows["omar"].spans.recall_exact == 0.5
    assert rows["omar"].spans.precision_exact == 1.0


def test_label_option_restricts_every_figure() -> None:
    report = compute(
        [item("d", TEXT, record("sara", "accept", [P, ORG]), record("omar", "accept", [P]))], label="PERSON"
    )
    assert report.labels == ["PERSON"]
    assert [f.label for f in report.pairs] == [None]
    assert report.pairs[0].spans.f1_exact == 1.0
    assert report.overall[0].spans.f1_exact == 1.0


# --------------------------------------------------------------------------------------------------
# The report against brute force: every token of every document walked for every label


LABELS = ["PERSON", "LOCATION", "QUOTE"]
WORDS = ["قال", "محمد", "في", "غزة", "«", "نعم", "»", "."]


TEXT_WORDS = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)
ANSWERS = st.sampled_from(["accept", "accept", "accept", "reject", None])
RAW_SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6), st.sampled_from(LABELS)), max_size=4)
DOC_COUNT = st.integers(1, 4)


@st.composite
def corpora(draw: st.DrawFn) -> list[Item]:
    out = []
    for d in range(draw(DOC_COUNT)):
        text = " ".join(draw(TEXT_WORDS))
        codings = []
        for name in ["ali", "bea", "cem"]:
            answer = draw(ANSWERS)
            if answer is None:
                continue
            spans = frozenset(
                (s % len(text), min(len(text), s % len(text) + n), label) for s, n, label in draw(RAW_SPANS)
            )
            codings.append(Coding(name, answer, spans))
        out.append(make_item(Document(f"d{d}", text), codings))
    return out


@settings(max_examples=150, deadline=None)
@given(corpora())
def test_token_kappa_and_alpha_equal_a_brute_force_walk(items: list[Item]) -> None:
    report = compute(items)
    for label in [None, *report.labels]:

        def value(coding: Coding, tokens: tuple[tuple[int, int], ...], label: str | None = label) -> object:
            cats = token_categories(tokens, coding.spans)
            return cats if label is None else [label in c for c in cats]

        # pairs
        for a, b in itertools.combinations(["ali", "bea", "cem"], 2):
            counts: Counter[tuple[object, object]] = Counter()
            for it in items:
                ca, cb = it.coding(a), it.coding(b)
                if ca is None or cb is None or ca.answer != "accept" or cb.answer != "accept":
                    continue
                va, vb = value(ca, it.tokens), value(cb, it.tokens)
                assert isinstance(va, list) and isinstance(vb, list)
                counts.update(zip(va, vb, strict=True))
            row = next((f for f in report.pairs if (f.a, f.b, f.label) == (a, b, label)), None)
            if row is None:
                assert not counts
                continue
            expected = cohen_kappa(counts)
            assert (row.kappa is None) == (expected is None)
            if expected is not None:
                assert row.kappa == pytest.approx(expected)
        # all annotators: a reliability table with missing values
        table: list[list[object]] = []
        for it in items:
            accepted = [c for c in it.codings if c.answer == "accept"]
            if len(accepted) < 2:
                continue
            columns = {c.annotator: value(c, it.tokens) for c in accepted}
            for i in range(len(it.tokens)):
                table.append(
                    [
                        (columns[n][i] if n in columns else None)  # type: ignore[index]
                        for n in ["ali", "bea", "cem"]
                    ]
                )
        overall = next(f for f in report.overall if f.label == label)
        expected_alpha = alpha_from_table(table)
        assert (overall.alpha is None) == (expected_alpha is None)
        if expected_alpha is not None:
            assert overall.alpha == pytest.approx(expected_alpha)


def test_outside_is_the_empty_label_set() -> None:
    assert token_categories([(0, 3), (4, 8)], [(4, 8, "PERSON")]) == [OUTSIDE, frozenset({"PERSON"})]
