"""The import merge, as pure functions: what an imported document and its annotations do to the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.model import Annotation, Document, Span, derive_id, text_hash
from annotations.store.merge import ImportedAnnotation, classify_document, merge_imported

H = text_hash("نص")
span = st.builds(
    lambda s, n, lab: Span(s, s + n, lab), st.integers(0, 20), st.integers(1, 5), st.sampled_from(["P", "O"])
)
spans = st.lists(span, max_size=6)  # an import may repeat a span
record_spans = st.lists(span, max_size=6, unique_by=lambda s: s.key)  # a stored record never does
answers = st.sampled_from([None, "accept", "reject", "skip", "flag"])


@st.composite
def records(draw: st.DrawFn) -> Annotation | None:
    if draw(st.booleans()):
        return None
    h = draw(st.sampled_from([H, text_hash("قديم")]))
    return Annotation("d", "me", h, draw(record_spans), draw(answers), 1.0, 2.0, draw(st.floats(0, 100)))


imported = st.builds(ImportedAnnotation, st.just("me"), spans, answers, st.none(), st.none(), st.floats(0, 100))


@given(records(), imported)
def test_merge_keeps_everything_and_is_idempotent(base: Annotation | None, ia: ImportedAnnotation) -> None:
    before = None if base is None else base.copy()
    merged = merge_imported(base, ia, "d", H, now=50.0)
    assert base == before  # the base record is not modified
    result = merged if merged is not None else base
    assert result is not None and result.text_hash == H
    keys = {s.key for s in result.spans}
    assert {s.key for s in ia.spans} <= keys
    if base is not None and base.text_hash == H:
        assert {s.key for s in base.spans} <= keys  # nothing of the current record is lost
        assert result.created == base.created
    else:
        assert keys == {s.key for s in ia.spans}  # a record on an older text is replaced
    assert len(keys) == len(result.spans)  # no span twice
    if ia.answer is not None:
        assert result.answer == ia.answer
    assert result.seconds_spent >= ia.seconds_spent
    assert merge_imported(result, ia, "d", H, now=60.0) is None  # importing again changes nothing


def test_merge_dates() -> None:
    base = Annotation("d", "me", H, [Span(0, 1, "P")], None, 1.0, 2.0)
    merged = merge_imported(base, ImportedAnnotation("me", [Span(2, 3, "P")]), "d", H, now=9.0)
    assert merged is not None and (merged.created, merged.updated) == (1.0, 9.0)
    dated = merge_imported(None, ImportedAnnotation("me", [], "accept", 3.0, 4.0), "d", H, now=9.0)
    assert dated is not None and (dated.created, dated.updated, dated.answer) == (3.0, 4.0, "accept")


def test_classify_document() -> None:
    store = {"a": H}
    by_hash = {H: "a"}

    def classify(doc: Document) -> tuple[str, str]:
        return classify_document(doc, store.get, by_hash.get)

    assert classify(Document("a", "نص")) == ("duplicate", "a")
    assert classify(Document("a", "نص آخر")) == ("update", "a")
    assert classify(Document("b", "نص")) == ("new", "b")  # an explicit id is its own document
    assert classify(Document(derive_id("نص"), "نص")) == ("duplicate", "a")  # a derived id finds the same text
    assert classify(Document(derive_id("جديد"), "جديد")) == ("new", derive_id("جديد"))


@given(records(), spans, spans)
def test_imported_decisions_join_the_record_and_never_remove_a_span(
    base: Annotation | None, labelled: list[Span], rejected: list[Span]
) -> None:
    merged = merge_imported(base, ImportedAnnotation("me", labelled, rejected=rejected), "d", H, 5.0)
    result = merged if merged is not None else base
    assert result is not None
    kept = base.spans if base is not None and base.text_hash == H else []
    keys = {s.key for s in result.spans}
    assert {s.key for s in kept} | {s.key for s in labelled} == keys  # spans only ever added
    decided = {s.key for s in result.rejected}
    assert len(decided) == len(result.rejected)  # each decision once
    # an imported decision is kept unless the record holds that span (labelled, here or before)
    assert {s.key for s in rejected} - keys <= decided
    assert not decided & {s.key for s in labelled}  # a span imported as a label is a decision again


def test_a_record_of_many_spans_merges_in_linear_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One record of 50,000 spans, imported into a store that already holds half of them: each span's
    key is looked at a few times, not once per span already in the record (that was quadratic: an
    import of 10,000 spans took two minutes while the annotators' actions waited)."""
    from annotations.store import Store

    n = 50_000
    text = "ب " * n
    all_spans = [Span(2 * i, 2 * i + 1, "P") for i in range(n)]
    with Store.open(tmp_path / "s.json") as store:
        store.import_items([(Document("d", text), [ImportedAnnotation("me", all_spans[::2])])])
        real = Span.key
        reads = 0

        def counted(self: Span) -> tuple[int, int, str]:
            nonlocal reads
            reads += 1
            return real.fget(self)  # type: ignore[attr-defined,no-any-return]

        monkeypatch.setattr(Span, "key", property(counted))
        store.import_items([(Document("d", text), [ImportedAnnotation("me", all_spans)])])
        monkeypatch.undo()
        assert reads <= 10 * n, f"{reads} key reads for {n} spans"
        got = store.get_annotation("d", "me")
        assert got is not None and sorted(s.key for s in got.spans) == sorted(s.key for s in all_spans)
