"""Nested CoNLL (Wojood layout): reading the real corpus layout, writing it, and round trips."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.errors import UserError
from annotations.formats import conll_nested
from annotations.formats.common import ExportOptions
from annotations.formats.conll_nested import nested_tags, read_file, read_nested_conll
from annotations.formats.iob import decode_nested
from annotations.model import Annotation, Document, Span

WOJOOD = Path(__file__).parents[2] / "data" / "wojood" / "sample.txt"


def spans_of(doc: conll_nested.ColumnDocument) -> list[tuple[str, str]]:
    return [(doc.text[s.start : s.end], s.label) for s in doc.spans]


def test_reads_wojood_sentences_with_nesting_of_one_type() -> None:
    docs = list(read_file(WOJOOD))
    assert len(docs) == 3  # no document headers: one document per sentence
    assert docs[0].text == "جريدة فلسطين 22 آب 1931 ."
    assert spans_of(docs[0]) == [("جريدة فلسطين", "ORG"), ("فلسطين", "GPE"), ("22 آب 1931", "DATE")]
    # an ORG inside an ORG inside an EVENT, and a GPE inside all three (I-EVENT I-ORG I-ORG B-GPE)
    assert spans_of(docs[1]) == [
        ("لإنتخابات نقابة العاملين في جامعة بيرزيت", "EVENT"),
        ("نقابة العاملين في جامعة بيرزيت", "ORG"),
        ("جامعة بيرزيت", "ORG"),
        ("بيرزيت", "GPE"),
        ("20 / 6 / 1995", "DATE"),
    ]
    # "# O" is the token "#", not a comment
    assert docs[2].text.startswith("# العمل _ الحر # فريلانس")
    assert ("فريلانس", "OCC") in spans_of(docs[2])


def test_writing_reproduces_the_wojood_layout() -> None:
    docs = list(read_file(WOJOOD))
    out = io.StringIO()
    records = [
        (Document(f"w{i}", d.text), [Annotation(f"w{i}", "a", Document("", d.text).text_hash, d.spans)])
        for i, d in enumerate(docs)
    ]
    conll_nested.write(iter(records), out, ExportOptions(), lambda m: None)
    written = out.getvalue()
    original = WOJOOD.read_text(encoding="utf-8")
    # the first two sentences come out byte for byte; the third is cut at its "." and "$#$" is three
    # tokens to this tokeniser, but every entity survives
    first_two = original.split("\n\n")[:2]
    assert written.split("\n\n")[:2] == first_two
    again = list(read_nested_conll(written.splitlines(keepends=True)))
    assert sorted(x for d in again for x in spans_of(d)) == sorted(x for d in docs for x in spans_of(d))


def test_nested_tags_split_clitics_and_stack_outer_first() -> None:
    text = "دعم لحماس في القاهرة"
    enc = nested_tags(text, [Span(4, 9, "QUOTE"), Span(5, 9, "ORGANIZATION")])
    assert [t.text for t in enc.tokens] == ["دعم", "ل", "حماس", "في", "القاهرة"]
    assert enc.tags == [["O"], ["B-QUOTE"], ["I-QUOTE", "B-ORGANIZATION"], ["O"], ["O"]]
    assert enc.layers() == [["O", "B-QUOTE", "I-QUOTE", "O", "O"], ["O", "O", "B-ORGANIZATION", "O", "O"]]


def test_same_label_crossing_spans_are_left_out_with_a_reason() -> None:
    enc = nested_tags("أ ب ج د", [Span(0, 3, "X"), Span(2, 5, "X")])
    assert [s.key for s, _ in enc.left_out] == [(2, 5, "X")]
    assert "crosses" in enc.left_out[0][1]


def test_span_on_whitespace_is_an_error() -> None:
    with pytest.raises(UserError, match="on whitespace"):
        nested_tags("قال محمد", [Span(3, 8, "PERSON")])


def test_comments_make_the_round_trip_exact() -> None:
    text = "قال  محمد\r\nإن لحماس «حقاً»\t#غزة"
    spans = [Span(5, 9, "PERSON"), Span(15, 19, "ORGANIZATION"), Span(20, 26, "QUOTE"), Span(28, 31, "LOCATION")]
    doc = Document("d 1", text, meta={"site": "x"})
    ann = Annotation("d 1", "sara", doc.text_hash, spans, "reject")
    out = io.StringIO()
    conll_nested.write(iter([(doc, [ann])]), out, ExportOptions(comments=True), lambda m: None)
    assert "\n# O\n" in out.getvalue()  # the token "#" of #غزة, read back as a token
    [back] = read_nested_conll(out.getvalue().splitlines(keepends=True))
    assert (back.id, back.text, back.annotator, back.answer, back.meta) == (
        "d 1",
        text,
        "sara",
        "reject",
        {"site": "x"},
    )
    assert sorted(s.key for s in back.spans) == sorted(s.key for s in spans)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("كلمة B-X\nكلمة NNP B-X\n", "'NNP' is not an IOB2 tag"),
        ("كلمة\n", "expected a token and its tag"),
        ("كلمة O\n\n# id = x\nكلمة O\n", "a comment after sentences"),
        ('# id = a\n# text = "abc"\nxyz O\n', "token 'xyz' is not the next word"),
        ("# id = a\n# id = b\nx O\n", "given twice"),
    ],
)
def test_bad_files_name_the_line(content: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as info:
        list(read_nested_conll(content.splitlines(keepends=True), where="f.conll"))
    assert info.value.path == "f.conll" and info.value.line is not None


@st.composite
def nested_case(draw: st.DrawFn) -> tuple[str, list[Span]]:
    words = draw(
        st.lists(
            st.sampled_from(["محمد", "لحماس", "في", "القاهرة", "،", "#", "ومصر", "«", "»"]), min_size=1, max_size=12
        )
    )
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    bounds = sorted({*starts, *(s + len(w) for s, w in zip(starts, words, strict=True))})
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(bounds), st.sampled_from(bounds), st.sampled_from("ABC")), max_size=6)
    )
    spans: list[Span] = []
    for a, b, label in pairs:
        s = Span(min(a, b), max(a, b), label) if a != b else None
        if s is None or text[s.start] == " " or text[s.end - 1] == " ":
            continue
        spans.append(s)
    return text, spans


@settings(max_examples=200, deadline=None)
@given(nested_case())
def test_property_encode_then_decode_gives_the_spans_back(case: tuple[str, list[Span]]) -> None:
    text, spans = case
    enc = nested_tags(text, spans)
    left = {s.key for s, _ in enc.left_out}
    got = {(enc.tokens[a].start, enc.tokens[b].end, label) for label, a, b in decode_nested(enc.tags)}
    assert got == {s.key for s in spans} - left
    # only same-label crossings are ever left out
    assert all(any(o.label == s.label and o.key != s.key for o in spans) for s, _ in enc.left_out)


def test_the_whole_wojood_sample_reads_when_it_is_here() -> None:
    shared = [p / "data" / "wojood" for p in (Path(__file__).parents[4] / "shared", Path("/work/shared"))]
    src = next((p for p in shared if (p / "train.txt").is_file()), None)
    if src is None:
        pytest.skip("the Wojood sample is not here")
    for name in ("train.txt", "val.txt"):
        text = (src / name).read_text(encoding="utf-8")
        docs = list(read_file(src / name))
        assert len(docs) == len([s for s in text.split("\n\n") if s.strip()])
        b_tags = sum(
            line.split()[1:].count(t)
            for line in text.splitlines()
            if line
            for t in set(line.split()[1:])
            if t.startswith("B-")
        )
        spans = sum(len(d.spans) for d in docs)
        # every B- tag starts a span; train.txt has one sentence that starts with I-FAC, read as a span too
        assert b_tags <= spans <= b_tags + 1


def test_read_layers_gives_each_sentence_its_tags_column_by_column() -> None:
    sents = list(conll_nested.read_layers_file(WOJOOD))
    assert [len(s.tokens) for s in sents] == [len(d.tokens) for d in read_file(WOJOOD)]
    first = sents[0]
    assert first.tokens == ["جريدة", "فلسطين", "22", "آب", "1931", "."]
    assert first.layer(0) == ["B-ORG", "I-ORG", "B-DATE", "I-DATE", "I-DATE", "O"]
    assert first.layer(1) == ["O", "B-GPE", "O", "O", "O", "O"]
    second = sents[1]
    assert second.depth == 4
    word = second.tokens.index("بيرزيت")
    assert [layer[word] for layer in second.layers()] == ["I-EVENT", "I-ORG", "I-ORG", "B-GPE"]
    assert sents[2].tokens[0] == "#"  # "# O": a token, not a comment


def test_read_layers_skips_document_headers_and_names_the_line_of_a_bad_tag() -> None:
    text = '# id = d1\n# text = "a b"\na B-X\nb I-X B-Y\n\n-DOCSTART- -X- O O\nc O\n'
    sents = list(conll_nested.read_layers(text.splitlines(keepends=True)))
    assert [(s.tokens, s.layers(), s.line) for s in sents] == [
        (["a", "b"], [["B-X", "I-X"], ["O", "B-Y"]], 3),
        (["c"], [["O"]], 7),
    ]
    with pytest.raises(UserError) as err:
        list(conll_nested.read_layers(["a B-X\n", "b X-Y\n"], where="f.txt"))
    assert err.value.line == 2 and "not an IOB2 tag" in err.value.message


def test_the_wojood_benchmark_reads_sentences_through_the_reader() -> None:
    import importlib.util

    path = Path(__file__).parents[3] / "benchmarks" / "wojood.py"
    spec = importlib.util.spec_from_file_location("wojood_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    got = module.read_sentences(WOJOOD)
    assert got[0] == [
        ("جريدة", "B-ORG"),
        ("فلسطين", "I-ORG"),
        ("22", "B-DATE"),
        ("آب", "I-DATE"),
        ("1931", "I-DATE"),
        (".", "O"),
    ]
    assert got == [list(zip(s.tokens, s.layer(0), strict=True)) for s in conll_nested.read_layers_file(WOJOOD)]


@pytest.mark.parametrize("fmt", ["conll", "conll-nested"])
def test_comment_values_with_controls_are_written_escaped_and_read_back_exactly(fmt: str) -> None:
    """A hostile id or annotator name never reaches a pager or `head` as a control sequence: the value
    is written as a JSON string, and read back as it was."""
    from annotations.formats import conll

    hostile_id = 'id\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x9b2J\u202eX\u2028"'
    hostile_name = "sara\x1b[31m\x9d0;t\x9c"
    doc = Document(hostile_id, "قال محمد إن حماس وافقت")
    ann = Annotation(hostile_id, hostile_name, doc.text_hash, [Span(4, 8, "PERSON")], "accept")
    out = io.StringIO()
    module = conll if fmt == "conll" else conll_nested
    module.write(iter([(doc, [ann])]), out, ExportOptions(comments=True), lambda m: None)
    written = out.getvalue()
    for line in written.splitlines():
        if line.startswith("# "):
            assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u202e\u2028" for ch in line), line
    [back] = read_nested_conll(written.splitlines(keepends=True))
    assert (back.id, back.annotator, back.text) == (hostile_id, hostile_name, doc.text)
    # a plain value stays as it is, and an old file's value with a quote inside reads as it did
    assert conll_nested.header(Document("d 1", "x"), None)[0] == "# id = d 1"
    [old] = read_nested_conll(['# id = a "b"\n', '# text = "x"\n', "x O\n"])
    assert old.id == 'a "b"'
