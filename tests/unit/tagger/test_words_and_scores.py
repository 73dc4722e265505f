"""Spans <-> IOB2 tags, and entity scores checked against seqeval (strict IOB2)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.model import Span
from annotations.tagger.evaluation import score_tags
from annotations.tagger.words import cut, entities, flat_spans, tags_for


def test_a_span_inside_a_word_tags_the_word() -> None:
    text = "وقالت مصادر لحماس في غزة"
    (sentence,) = cut(text)
    spans = [Span(13, 17, "ORGANIZATION"), Span(21, 24, "LOCATION")]
    assert text[13:17] == "حماس"
    assert tags_for(sentence, spans) == ["O", "O", "B-ORGANIZATION", "O", "B-LOCATION"]


def test_adjacent_entities_both_begin() -> None:
    text = "زار جو بايدن القاهرة"
    (sentence,) = cut(text)
    spans = [Span(4, 12, "PERSON"), Span(13, 20, "LOCATION")]
    assert tags_for(sentence, spans) == ["O", "B-PERSON", "I-PERSON", "B-LOCATION"]
    assert entities(tags_for(sentence, spans)) == [(1, 3, "PERSON"), (3, 4, "LOCATION")]


def test_sentences_end_at_stops_and_line_breaks() -> None:
    assert [s.words for s in cut("قال. ثم\nذهب")] == [["قال", "."], ["ثم"], ["ذهب"]]


def test_overlapping_spans_keep_the_longest() -> None:
    spans = [Span(0, 4, "A"), Span(0, 10, "B"), Span(8, 12, "C")]
    kept, dropped = flat_spans(spans)
    assert [s.label for s in kept] == ["B"] and dropped == 2


def test_strict_reading_of_broken_sequences() -> None:
    assert entities(["I-PER", "I-PER", "O"]) == []
    assert entities(["B-PER", "I-ORG", "I-ORG"]) == [(0, 1, "PER")]
    assert entities(["B-PER", "B-PER", "I-PER"]) == [(0, 1, "PER"), (1, 3, "PER")]


TAGS = st.sampled_from(["O", "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"])
SEQS = st.lists(st.lists(TAGS, min_size=1, max_size=12), min_size=1, max_size=6)


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_scores_equal_seqeval_strict_iob2(data: st.DataObject) -> None:
    seqeval_metrics = pytest.importorskip("seqeval.metrics")
    scheme = pytest.importorskip("seqeval.scheme")
    gold = data.draw(SEQS)
    pred = [data.draw(st.lists(TAGS, min_size=len(s), max_size=len(s))) for s in gold]
    ours = score_tags(gold, pred)
    kwargs = {"mode": "strict", "scheme": scheme.IOB2, "zero_division": 0}
    m = ours.micro
    if m.gold and m.predicted:
        assert m.precision == pytest.approx(seqeval_metrics.precision_score(gold, pred, **kwargs))
        assert m.recall == pytest.approx(seqeval_metrics.recall_score(gold, pred, **kwargs))
        assert m.f1 == pytest.approx(seqeval_metrics.f1_score(gold, pred, **kwargs))
    if m.gold:
        report = seqeval_metrics.classification_report(gold, pred, output_dict=True, **kwargs)
        for label, counts in ours.labels.items():
            if counts.gold:
                assert counts.gold == report[label]["support"]
                assert counts.f1 == pytest.approx(report[label]["f1-score"])
                assert counts.recall == pytest.approx(report[label]["recall"])


TEXT_CHARS = st.sampled_from(list("قال حماس وَبِالمدينة\u0640 .،!؟\n\t\u200c\u200f\u2067 abc 12٣ ()«»_-"))


@given(st.text(TEXT_CHARS, max_size=60))
def test_cut_covers_every_visible_character_once(text: str) -> None:
    tokens = [t for sentence in cut(text) for t in sentence.tokens]
    covered = [i for t in tokens for i in range(t.start, t.end)]
    assert covered == sorted(set(covered))  # in order, no overlap
    invisible = set("\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
    visible = [i for i, c in enumerate(text) if not c.isspace() and c not in invisible]
    assert covered == visible
    for t in tokens:
        assert text[t.start : t.end] == t.text
        assert "\n" not in t.text
    for sentence in cut(text):
        assert sentence.tokens  # no empty sentence
        stops = [t for t in sentence.tokens[:-1] if t.text in {".", "!", "?", "؟", "…", "۔"}]
        assert not stops  # a stop ends its sentence
