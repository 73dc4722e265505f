"""The merge decision: commutative, idempotent, associative, newest record wins, nothing dropped
unreported, conflicting texts never picked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.merge import DocEntry, MergeResult, Snapshot, merge, plan, record_content
from annotations.model import Annotation, Answer, Span

IDS = ["a", "b", "c"]
HASHES = ["h1", "h2", "h3", "h4"]
ANNOTATORS = ["sara", "omar"]


def content(result: MergeResult) -> tuple[object, ...]:
    """What a merge decides (not where each version was found)."""
    return (
        result.documents,
        {k: record_content(r) for k, r in result.records.items()},
        [c.doc_id for c in result.conflicts],
    )


SPANS = st.lists(
    st.builds(
        lambda s, n, label: Span(s, s + n, label),
        st.integers(0, 5),
        st.integers(1, 3),
        st.sampled_from(["PERSON", "PLACE"]),
    ),
    unique_by=lambda s: s.key,
    max_size=2,
)
DOC_IDS = st.lists(st.sampled_from(IDS), unique=True, max_size=3)
DERIVED = st.lists(st.sampled_from(HASHES), unique=True, max_size=2)
WHO = st.lists(st.sampled_from(ANNOTATORS), unique=True, max_size=2)
ANSWER: st.SearchStrategy[Answer | None] = st.sampled_from([None, "accept", "reject"])
UPDATED = st.integers(1, 4)  # few values: ties happen
HASH = st.sampled_from(HASHES)


@st.composite
def snapshots(draw: st.DrawFn, name: str, texts: dict[str, str] | None = None) -> Snapshot:
    """A store: documents with explicit or derived ids, and records on them. ``texts`` fixes each id's
    text hash (no conflicts); without it a store may hold another text under the same id."""
    docs: dict[str, DocEntry] = {}
    for doc_id in draw(DOC_IDS):
        h = texts[doc_id] if texts is not None else draw(HASH)
        docs[doc_id] = DocEntry(doc_id, h)
    for h in draw(DERIVED):
        docs["doc-" + h] = DocEntry("doc-" + h, h)  # a .txt import: id derived from the text
    records = []
    for d in docs.values():
        for who in draw(WHO):
            spans, answer, updated = draw(SPANS), draw(ANSWER), float(draw(UPDATED))
            records.append(Annotation(d.id, who, d.hash, spans, answer, 0.0, updated))
    return Snapshot(name, tuple(docs.values()), tuple(records))


texts = st.fixed_dictionaries({i: st.sampled_from(HASHES) for i in IDS})


@st.composite
def consistent(draw: st.DrawFn, count: int) -> list[Snapshot]:
    fixed = draw(texts)
    return [draw(snapshots(f"s{i}", fixed)) for i in range(count)]


@settings(max_examples=200, deadline=None)
@given(snapshots("A"), snapshots("B"))
def test_merge_is_commutative(a: Snapshot, b: Snapshot) -> None:
    ab, ba = merge([a, b]), merge([b, a])
    assert content(ab) == content(ba)
    assert ab.record_sources == ba.record_sources
    assert ab.superseded == ba.superseded
    assert ab.conflicts == ba.conflicts


@settings(max_examples=200, deadline=None)
@given(snapshots("A"), snapshots("B"))
def test_merging_a_store_with_itself_changes_nothing(a: Snapshot, b: Snapshot) -> None:
    assert content(merge([a, a])) == content(merge([a]))
    assert content(merge([a, b, a, b])) == content(merge([a, b]))


@settings(max_examples=200, deadline=None)
@given(consistent(3))
def test_merging_a_result_again_with_its_inputs_changes_nothing(stores: list[Snapshot]) -> None:
    a, b, c = stores
    ab = merge([a, b])
    again = merge([ab.snapshot("AB"), a])
    assert content(again) == content(ab)
    assert content(merge([ab.snapshot("AB"), b, a])) == content(ab)
    # associative: the order in which copies come home does not matter
    left = merge([ab.snapshot("AB"), c])
    right = merge([a, merge([b, c]).snapshot("BC")])
    assert content(left) == content(right) == content(merge([a, b, c]))


@settings(max_examples=200, deadline=None)
@given(consistent(3))
def test_the_newest_version_wins_and_every_other_version_is_reported(stores: list[Snapshot]) -> None:
    result = merge(stores)
    versions: dict[tuple[str, str], set[str]] = {}
    newest: dict[tuple[str, str], float] = {}
    for snap in stores:
        for r in snap.records:
            key = (r.doc_id, r.annotator)
            versions.setdefault(key, set()).add(record_content(r))
            newest[key] = max(newest.get(key, 0.0), r.updated)
    assert set(result.records) == set(versions)
    reported = {(s.doc_id, s.annotator): s for s in result.superseded}
    for key, kept in result.records.items():
        assert kept.updated == newest[key]
        if len(versions[key]) > 1:
            s = reported[key]
            assert len(s.dropped) == len(versions[key]) - 1
            assert all(updated <= kept.updated for _, updated in s.dropped)
        else:
            assert key not in reported


def test_same_id_with_another_text_is_a_conflict_never_a_choice() -> None:
    a = Snapshot("A", (DocEntry("d1", "h1"), DocEntry("d2", "h2")), (Annotation("d1", "sara", "h1", answer="accept"),))
    b = Snapshot("B", (DocEntry("d1", "h9"),), (Annotation("d1", "omar", "h9", answer="accept"),))
    result = merge([a, b])
    assert [(c.doc_id, c.versions) for c in result.conflicts] == [("d1", (("h1", ("A",)), ("h9", ("B",))))]
    assert "d1" not in result.documents
    assert all(k[0] != "d1" for k in result.records)
    assert "d2" in result.documents


def test_a_derived_id_is_folded_into_the_target_document_with_the_same_text() -> None:
    # the target has the text as art-7; a copy imported the same text from a .txt file (derived id)
    target = Snapshot("T", (DocEntry("art-7", "h1"),), (Annotation("art-7", "sara", "h1", updated=1.0),))
    copy = Snapshot(
        "C", (DocEntry("doc-h1", "h1"),), (Annotation("doc-h1", "sara", "h1", answer="accept", updated=2.0),)
    )
    result = merge([target, copy])
    assert set(result.documents) == {"art-7", "doc-h1"}  # the decision itself is by id
    p = plan(result, target)
    assert p.new_documents == []  # the store would not add the text twice
    assert p.folded == [("doc-h1", "art-7")]
    assert [(r.doc_id, r.annotator, r.answer) for r in p.replacements] == [("art-7", "sara", "accept")]
    assert [(s.doc_id, s.kept_in, s.dropped) for s in p.superseded] == [("art-7", ("C",), ((("T",), 1.0),))]


def test_a_tie_is_decided_by_content_and_reported() -> None:
    r1 = Annotation("d", "sara", "h", [Span(0, 2, "PERSON")], "accept", 0.0, 5.0)
    r2 = Annotation("d", "sara", "h", [Span(0, 3, "PERSON")], "accept", 0.0, 5.0)
    docs = (DocEntry("d", "h"),)
    one = merge([Snapshot("A", docs, (r1,)), Snapshot("B", docs, (r2,))])
    two = merge([Snapshot("B", docs, (r2,)), Snapshot("A", docs, (r1,))])
    assert record_content(one.records[("d", "sara")]) == record_content(two.records[("d", "sara")])
    assert one.superseded[0].tie


def test_plan_imports_new_work_and_replaces_only_what_differs() -> None:
    docs = (DocEntry("d1", "h1"),)
    old = Annotation("d1", "sara", "h1", [], None, 0.0, 1.0)
    new = Annotation("d1", "sara", "h1", [Span(0, 2, "PERSON")], "accept", 0.0, 2.0)
    omar = Annotation("d1", "omar", "h1", [], "accept", 0.0, 3.0)
    decided = Annotation("d2", "omar", "h2", [], "accept", 0.0, 3.0, rejected=[Span(0, 1, "PLACE", origin="suggested")])
    target = Snapshot("T", docs, (old,))
    copy = Snapshot("C", (*docs, DocEntry("d2", "h2")), (new, omar, decided))
    p = plan(merge([target, copy]), target)
    assert p.new_documents == [("d2", "C")]
    assert [(r.doc_id, r.annotator) for r in p.imports] == [("d1", "omar")]
    # a different version in the target, and a record with rejected suggestions, need the update path
    assert sorted((r.doc_id, r.annotator) for r in p.replacements) == [("d1", "sara"), ("d2", "omar")]
    again = plan(merge([merge([target, copy]).snapshot("T"), copy]), merge([target, copy]).snapshot("T"))
    assert (again.new_documents, again.imports, again.replacements) == ([], [], [])
