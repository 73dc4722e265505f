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

Reading a ``.spacy`` file gives one document per Doc (its text exactly), its spans the union of
``doc.ents`` and every ``doc.spans`` group (whatever the keys: a spancat's ``sc`` too), each once;
``user_data`` ``id``, ``annotator``, ``answer`` and ``meta`` when the file has them (ours does), else an
id derived from the text and the importing annotator. What a DocBin holds beyond that (token
attributes, categories, entity links) is not imported; categories are reported. A DocBin is read
whole (spaCy has no streaming reader).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from annotations.errors import UserError
from annotations.formats import reading as rec
from annotations.formats.base import Format, Item, ReadContext
from annotations.formats.common import ExportOptions, Record, Warn, flat, group_of, kept_spans, span_text, where
from annotations.model import ANSWERS, Document, Span
from annotations.store import ImportedAnnotation
from annotations.tokens import tokenize_for
from annotations.userfiles import read_bytes

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


def read_file(path: Path, ctx: ReadContext) -> Iterator[Item | UserError]:
    """The documents of a ``.spacy`` file; a Doc that cannot be imported is an error for that Doc alone."""
    require_spacy()
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    name = str(path)
    data = read_bytes(path)
    try:
        docs = list(DocBin().from_bytes(data).get_docs(Vocab()))
    except Exception as exc:  # spaCy raises ValueError, KeyError or msgpack's errors on a damaged file
        yield UserError(f"not a spaCy DocBin (.spacy) file, or a damaged one: {type(exc).__name__}: {exc}", path=name)
        return
    for i, sdoc in enumerate(docs, 1):
        try:
            yield _item(sdoc, ctx)
        except UserError as err:
            yield UserError(f"Doc #{i}: {err.message}", path=name)


def _item(sdoc: Any, ctx: ReadContext) -> Item:
    text = str(sdoc.text)
    if not text:
        raise UserError("empty text")
    user = sdoc.user_data if isinstance(sdoc.user_data, dict) else {}
    meta = rec.meta_of(user.get("meta"))
    doc = Document(rec.doc_id(user.get("id"), text), text, source=ctx.source, meta=meta)
    found: dict[tuple[int, int, str], Span] = {}
    groups = [("doc.ents", list(sdoc.ents))] + [(f"doc.spans[{k!r}]", list(g)) for k, g in sdoc.spans.items()]
    for where_, group in groups:
        for sp in group:
            what = f"{where_}: span [{sp.start_char}, {sp.end_char})"
            if sp.start_char >= sp.end_char:
                continue  # an empty span cannot be a label
            label = rec.label_of(sp.label_, ctx, what)
            found.setdefault((sp.start_char, sp.end_char, label), rec.imported_span(sp.start_char, sp.end_char, label))
    if sdoc.cats:
        ctx.note("spaCy document categories (doc.cats) are not imported (this tool has spans only)")
    answer = user.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise UserError(f'unknown "answer" {str(answer)[:20]!r} in user_data (one of {", ".join(ANSWERS)})')
    who = ctx.annotator if user.get("annotator") is None else rec.name_of(user["annotator"], "annotator")
    spans = sorted(found.values())
    if not spans and answer is None:
        return doc, []
    return doc, [ImportedAnnotation(who, spans, answer)]


FORMAT = Format(
    name=NAME,
    summary="spaCy DocBin (.spacy): doc.ents, every span in doc.spans by label group (needs spaCy)",
    output="binary",
    write=write,
    suffix=".spacy",
    read_file=read_file,
    file_suffixes=(".spacy",),
)
