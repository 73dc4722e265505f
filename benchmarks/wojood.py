"""A small reader for the Wojood NER files (SinaLab/ArabicNER, MIT): one token per line followed by
its stacked IOB2 tags (outer entity first), a blank line between sentences.

This is the seam for the project's nested-CoNLL reader (annotations/formats): once that reads the
Wojood layout into documents and spans, ``read_sentences``/``documents`` become a call to it.
Only the outer layer is used here.
"""

from __future__ import annotations

from pathlib import Path

from annotations.model import Span
from annotations.tagger.training import Example
from annotations.tagger.words import entities

Sentence = list[tuple[str, str]]  # (token, outer tag)


def read_sentences(path: Path) -> list[Sentence]:
    sents: list[Sentence] = []
    cur: Sentence = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            word, *tags = line.split(" ")
            if not word:
                raise ValueError(f"{path}:{n}: empty token")
            cur.append((word, tags[0] if tags else "O"))
    if cur:
        sents.append(cur)
    return sents


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
