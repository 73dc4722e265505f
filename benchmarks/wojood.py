"""Wojood NER files (SinaLab/ArabicNER, MIT) for the benchmarks: one token per line followed by its
stacked IOB2 tags (outer entity first), a blank line between sentences.

Only the outer layer (the first tag column) is used: the benchmark's protocol. The sentences and
their layers come from the project's nested CoNLL reader
(``annotations.formats.conll_nested.read_layers_file``), the one `reader import` uses.
"""

from __future__ import annotations

from pathlib import Path

from annotations.formats.conll_nested import read_layers_file
from annotations.model import Span
from annotations.tagger.training import Example
from annotations.tagger.words import entities

Sentence = list[tuple[str, str]]  # (token, outer tag)


def read_sentences(path: Path) -> list[Sentence]:
    """Each sentence's tokens with their outer-layer tag."""
    return [list(zip(s.tokens, s.layer(0), strict=True)) for s in read_layers_file(path)]


def documents(sents: list[Sentence], prefix: str, per_doc: int = 20) -> list[Example]:
    """Documents of ``per_doc`` sentences each, one sentence per line, tokens joined by spaces;
    entity spans cover whole tokens, as Wojood tags them."""
    out: list[Example] = []
    for k in range(0, len(sents), per_doc):
        lines: list[str] = []
        spans: list[Span] = []
        pos = 0
        for sent in sents[k : k + per_doc]:
            offsets = []
            for word, _tag in sent:
                offsets.append((pos, pos + len(word)))
                pos += len(word) + 1
            lines.append(" ".join(w for w, _ in sent))
            for a, b, label in entities([t for _, t in sent]):
                spans.append(Span(offsets[a][0], offsets[b - 1][1], label))
        out.append(Example(f"{prefix}-{k // per_doc:04d}", "\n".join(lines), tuple(spans)))
    return out
