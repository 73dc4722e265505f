"""spaCy ``.spacy`` (DocBin) for ``spacy train``: one Doc per (document, annotator).

* The Doc's tokens are :mod:`annotations.tokens`' (they rebuild the text exactly; every span boundary
  is a token boundary), so every span is ``doc.char_span(start, end, alignment_mode="strict")``.
* ``doc.ents``: the entity spans (by the label schema's groups), without overlaps -- where entities
  overlap, the longest is the entity and the others stay in ``doc.spans``.
* ``doc.spans``: every span, one key per label group (``entity``, ``quote``, ``boilerplate``), nested
  ones and quotations included.
* ``doc.user_data``: ``id``, ``annotator``, ``answer`` and ``meta``.

The export ends with an alignment report (documents, spans, entities, overlaps left to doc.spans).
spaCy is an optional dependency: ``pip install 'reader-arabic[spacy]'``. The DocBin is built in
memory and written at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from annotations.errors import UserError
from annotations.formats.base import Format
from annotations.formats.common import ExportOptions, Record, Warn, flat, group_of, kept_spans, span_text, where
from annotations.model import Span
from annotations.tokens import tokenize_for

NAME = "spacy"


def require_spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise UserError(
            "the spacy format needs spaCy, which is not installed: pip install 'reader-arabic[spacy]'"
        ) from None
    return spacy


def non_overlapping(spans: list[Span]) -> tuple[list[Span], list[Span]]:
    """Longest first, then earliest: the spans that can be ``doc.ents`` and the ones that overlap them."""
    kept: list[Span] = []
    rest: list[Span] = []
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.label)):
        if any(o.start < s.end and s.start < o.end for o in kept):
            rest.append(s)
        else:
            kept.append(s)
    return sorted(kept), sorted(rest)


def write(records: Iterator[Record], out: IO[bytes], options: ExportOptions, warn: Warn) -> int:
    spacy = require_spacy()
    from spacy.tokens import Doc, DocBin

    vocab = spacy.vocab.Vocab()
    schema = options.groups()
    docbin = DocBin(store_user_data=True)
    n = n_spans = n_ents = n_overlap = 0
    for doc, ann in flat(records):
        spans = kept_spans(ann, options.include_pending)
        for s in spans:
            span_text(doc, ann, s)
        tokens = tokenize_for(doc.text, [(s.start, s.end) for s in spans])
        sdoc = Doc(vocab, words=[t.text for t in tokens], spaces=[t.ws for t in tokens])
        if sdoc.text != doc.text:  # pragma: no cover - guarded by the tokeniser's tests
            raise UserError(f"{where(doc, ann)}: tokens do not rebuild the text")
        groups: dict[str, list[Any]] = {}
        entities: list[Span] = []
        for s in spans:
            group = group_of(schema, s.label)
            made = sdoc.char_span(s.start, s.end, label=s.label, alignment_mode="strict")
            if made is None:
                raise UserError(
                    f"{where(doc, ann)}: span [{s.start}, {s.end}) {s.label} does not align with spaCy tokens"
                )
            groups.setdefault(group, []).append(made)
            if group == "entity":
                entities.append(s)
        ents, overlapping = non_overlapping(entities)
        sdoc.ents = [made for s in ents if (made := sdoc.char_span(s.start, s.end, label=s.label)) is not None]
        for group, items in groups.items():
            sdoc.spans[group] = items
        sdoc.user_data.update(
            {
                "id": doc.id,
                "annotator": ann.annotator if ann is not None else None,
                "answer": ann.answer if ann is not None else None,
                "meta": doc.meta,
            }
        )
        docbin.add(sdoc)
        n += 1
        n_spans += len(spans)
        n_ents += len(ents)
        n_overlap += len(overlapping)
    out.write(docbin.to_bytes())
    report = f"spaCy alignment: {n} docs, {n_spans} spans, all on token boundaries (strict); {n_ents} in doc.ents" + (
        f", {n_overlap} overlapping entities only in doc.spans['entity']" if n_overlap else ""
    )
    options.notes[report] += 1
    return n


FORMAT = Format(
    name=NAME,
    summary="spaCy DocBin (.spacy): doc.ents, every span in doc.spans by label group (needs spaCy)",
    output="binary",
    write=write,
    suffix=".spacy",
)
