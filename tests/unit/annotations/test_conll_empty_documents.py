"""An empty or whitespace-only document round-trips through CoNLL with --comments."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from annotations.formats.columns import read_columns
from annotations.model import Document, Span
from annotations.store import Store
from reader.cli import main


@pytest.mark.parametrize("fmt", ["conll", "conll-nested"])
def test_whitespace_only_document_round_trips(fmt: str, tmp_path: Path) -> None:
    store = tmp_path / "s.json"
    with Store.open(store) as s:
        s.add_documents([Document("w", " \n\t "), Document("a", "زار عمر"), Document("e", "  ")])
        for doc_id in ("w", "a", "e"):
            s.set_answer(doc_id, "sara", "accept")
        s.add_span("a", "sara", Span(4, 7, "PERSON"))
    out = tmp_path / "o.conll"
    assert main(["export", "--store", str(store), "--format", fmt, "--comments", "--out", str(out)]) == 0
    other = tmp_path / "b.json"
    assert main(["import", "--store", str(other), "--format", fmt, "--no-progress", str(out)]) == 0
    with Store.open(store, readonly=True) as a, Store.open(other, readonly=True) as b:
        assert [(d.id, d.text) for d in a.iter_documents()] == [(d.id, d.text) for d in b.iter_documents()]
        assert sorted((x.doc_id, x.answer, [s.key for s in x.spans]) for x in b.annotations()) == [
            ("a", "accept", [(4, 7, "PERSON")]),
            ("e", "accept", []),
            ("w", "accept", []),
        ]


def test_a_header_without_tokens_followed_by_the_next_header_is_two_documents() -> None:
    # as earlier versions wrote it: no blank line after a document without tokens
    text = '# id = w\n# answer = accept\n# text = " "\n# id = a\n# text = "زار"\nزار\tO\n\n'
    docs = list(read_columns(io.StringIO(text), columns="last"))
    assert [(d.id, d.text, d.answer) for d in docs] == [("w", " ", "accept"), ("a", "زار", None)]
