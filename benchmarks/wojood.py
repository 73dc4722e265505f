"""A small reader for the Wojood NER files (SinaLab/ArabicNER, MIT): one token per line followed by
its stacked IOB2 tags (outer entity first), a blank line between sentences.

Only the outer layer (the first tag column) is used: the benchmark's protocol. The project's nested
CoNLL reader (``annotations.formats.conll_nested.read_file``) reads these files into documents with
the spans of *every* layer, without saying which column each came from; taking the longest spans
from it is not the same (an inner-column span with no outer one, one range tagged UNIT in the first
column and QUANTITY in the second: two differences over the two files), so the benchmark reads the
first column itself. Importing Wojood into a store goes through that reader (`reader import`).
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
