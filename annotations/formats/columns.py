"""CoNLL-style column files: one token per line and its tags, a blank line after each sentence.

:func:`read_columns` reads them into documents (text, spans, and the ``# key = value`` headers this
tool writes) for :mod:`annotations.formats.conll` (one tag column) and
:mod:`annotations.formats.conll_nested` (stacked tags, Wojood); the tags themselves are decoded by
:mod:`annotations.formats.iob`. :func:`write_documents` writes them, a block of lines a record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from annotations.errors import UserError
from annotations.formats import reading as rec
from annotations.formats.base import Item, ReadContext
from annotations.formats.common import ExportOptions, Record, Warn, flat
from annotations.formats.iob import decode_nested, is_tag
from annotations.model import ANSWERS, Annotation, Document, Span
from annotations.store import ImportedAnnotation

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- O O"  # spaCy's ``spacy convert -c ner`` splits documents on exactly this
# ``# key = value``: a comment only in this exact form, so a token "#" or "#غزة" is never taken for one
_COMMENT = re.compile(r"#[ \t]+([A-Za-z_][\w-]*)[ \t]+=(?:[ \t](.*))?")
COMMENT_KEYS = ("id", "annotator", "answer", "meta", "text")


@dataclass(slots=True)
class ColumnDocument:
    """One document read from a CoNLL-style file."""

    text: str
    spans: list[Span]
    line: int  # first line of the document in the file
    id: str | None = None
    annotator: str | None = None
    answer: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tokens: list[tuple[int, int]] = field(default_factory=list)  # each token's offsets in ``text``
    exact: bool = False  # the text came from a "# text" line (else: tokens joined by spaces)


@dataclass(slots=True)
class _Pending:
    line: int
    comments: dict[str, str] = field(default_factory=dict)
    sentences: list[list[tuple[str, list[str], int]]] = field(default_factory=list)  # (token, tags, line)

    def has_tokens(self) -> bool:
        return any(self.sentences)


def read_columns(
    lines: Iterable[str], *, where: str = "<conll>", columns: Literal["all", "last"] = "all"
) -> Iterator[ColumnDocument]:
    """Documents from a CoNLL-style file: one token per line followed by its tags (``columns="all"``:
    every further column is a tag, outer first, as in Wojood; ``"last"``: only the last column is the
    tag, as in CoNLL-2003), a blank line between sentences.

    Documents: when the file starts with ``-DOCSTART-`` or ``# key = value`` comments, each
    ``-DOCSTART-`` line or block of comments starts a document (``# id``, ``# annotator``, ``# answer``,
    ``# meta`` (JSON) and ``# text`` (JSON string: the exact text) are read); otherwise every sentence
    is a document, as Wojood's files are sentence by sentence. Without ``# text`` a document's text is
    its tokens joined by single spaces, sentences by line breaks. Raises UserError with the line.
    """
    doc: _Pending | None = None
    delimited: bool | None = None
    sentence: list[tuple[str, list[str], int]] = []
    for lineno, stripped, fields, comment in _lines(lines):
        if not stripped:
            if sentence:
                assert doc is not None
                doc.sentences.append(sentence)
                sentence = []
                if not delimited:
                    yield _finish(doc, where)
                    doc = None
            continue
        if delimited is None:
            delimited = fields[0] == DOCSTART or comment is not None
        if fields[0] == DOCSTART or comment is not None:
            if not delimited:
                what = "-DOCSTART-" if fields[0] == DOCSTART else "a comment"
                raise UserError(
                    f"{what} after sentences without one: a file either starts with document headers or has none",
                    path=where,
                    line=lineno,
                )
            if sentence:
                assert doc is not None
                doc.sentences.append(sentence)
                sentence = []
            if doc is not None and (fields[0] == DOCSTART or doc.has_tokens()):
                if doc.has_tokens() or doc.comments:
                    yield _finish(doc, where)
                doc = None
            if doc is None:
                doc = _Pending(lineno)
            if comment is not None:
                key, value = comment.group(1), comment.group(2) or ""
                if key == "id" and key in doc.comments and "text" in doc.comments and not doc.has_tokens():
                    # the previous document had no tokens (empty or whitespace only: all in "# text")
                    yield _finish(doc, where)
                    doc = _Pending(lineno)
                if key in doc.comments:
                    raise UserError(f'"# {key}" given twice for one document', path=where, line=lineno)
                doc.comments[key] = value
            continue
        tags = _tags(fields, stripped, columns, where, lineno)
        if doc is None:
            doc = _Pending(lineno)
        sentence.append((fields[0], tags, lineno))
    if sentence:
        assert doc is not None
        doc.sentences.append(sentence)
    if doc is not None and (doc.has_tokens() or doc.comments):
        yield _finish(doc, where)


def _lines(lines: Iterable[str]) -> Iterator[tuple[int, str, list[str], re.Match[str] | None]]:
    """Each line with its number, stripped text, fields and, for a ``# key = value`` line, the match."""
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:]
        stripped = line.strip()
        fields = stripped.split()
        comment = _COMMENT.fullmatch(stripped) if fields and fields[0] == "#" else None
        if comment is not None and all(is_tag(f) for f in fields[1:]):
            comment = None  # "# O", "# B-X I-Y": a "#" token with its tags
        yield lineno, stripped, fields, comment


def _tags(fields: list[str], stripped: str, columns: Literal["all", "last"], where: str, lineno: int) -> list[str]:
    """A token line's tags, checked."""
    if len(fields) < 2:
        raise UserError(f"expected a token and its tag, got {stripped!r}", path=where, line=lineno)
    tags = fields[-1:] if columns == "last" else fields[1:]
    for tag in tags:
        if not is_tag(tag):
            hint = "" if columns == "last" else " (CoNLL-2003 columns: use --format conll)"
            raise UserError(f"{tag!r} is not an IOB2 tag (O, B-LABEL or I-LABEL){hint}", path=where, line=lineno)
    return tags


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    """One sentence of a column file as it is written: its tokens and each token's tags (outer first)."""

    tokens: list[str]
    tags: list[list[str]]
    line: int  # the sentence's first line in the file

    @property
    def depth(self) -> int:
        """The number of tag columns of the most deeply tagged token (at least 1)."""
        return max((len(t) for t in self.tags), default=0) or 1

    def layer(self, k: int) -> list[str]:
        """Layer ``k`` (0: the outermost): each token's k-th tag, ``O`` where it has fewer."""
        return [t[k] if k < len(t) else "O" for t in self.tags]

    def layers(self) -> list[list[str]]:
        return [self.layer(k) for k in range(self.depth)]


def read_sentences(
    lines: Iterable[str], *, where: str = "<conll>", columns: Literal["all", "last"] = "all"
) -> Iterator[TaggedSentence]:
    """The sentences of a column file with their tags as written (``-DOCSTART-`` lines and ``# key =
    value`` headers skipped): what trains or scores a tagger layer by layer. Tags are checked as
    :func:`read_columns` checks them; raises UserError naming the line."""
    tokens: list[str] = []
    tags: list[list[str]] = []
    first = 0
    for lineno, stripped, fields, comment in _lines(lines):
        if not stripped or fields[0] == DOCSTART or comment is not None:
            if tokens:
                yield TaggedSentence(tokens, tags, first)
                tokens, tags = [], []
            continue
        if not tokens:
            first = lineno
        tags.append(_tags(fields, stripped, columns, where, lineno))
        tokens.append(fields[0])
    if tokens:
        yield TaggedSentence(tokens, tags, first)


def _finish(doc: _Pending, where: str) -> ColumnDocument:
    sents = [s for s in doc.sentences if s]
    words = [w for s in sents for w, _, _ in s]
    tags = [t for s in sents for _, t, _ in s]
    c = doc.comments
    text_given = "text" in c
    if text_given:
        text = _comment_text(c["text"], where, doc.line)
        offsets = _align(text, [(w, ln) for s in sents for w, _, ln in s], where)
    else:
        offsets = []
        parts: list[str] = []
        pos = 0
        for k, s in enumerate(sents):
            if k:
                parts.append("\n")
                pos += 1
            for n, (w, _, _) in enumerate(s):
                if n:
                    parts.append(" ")
                    pos += 1
                offsets.append((pos, pos + len(w)))
                parts.append(w)
                pos += len(w)
        text = "".join(parts)
    try:
        entities = decode_nested(tags)
    except ValueError as exc:  # pragma: no cover - tags were checked while reading
        raise UserError(str(exc), path=where, line=doc.line) from exc
    spans = [Span(offsets[a][0], offsets[b][1], label, origin="imported") for label, a, b in entities]
    meta: dict[str, Any] = {}
    if "meta" in c:
        try:
            meta = json.loads(c["meta"])
        except ValueError as exc:
            raise UserError(f'"# meta" is not JSON: {exc}', path=where, line=doc.line) from exc
        if not isinstance(meta, dict):
            raise UserError('"# meta" must be a JSON object', path=where, line=doc.line)
    if not words and not text_given:
        raise UserError("a document header without tokens or text", path=where, line=doc.line)
    del words
    return ColumnDocument(
        text=text,
        spans=spans,
        line=doc.line,
        id=comment_value(c.get("id")),
        annotator=comment_value(c.get("annotator")),
        answer=c.get("answer") or None,
        meta=meta,
        tokens=offsets,
        exact=text_given,
    )


def comment_value(value: str | None) -> str | None:
    """A ``# id`` / ``# annotator`` value: written as a JSON string when it holds controls (or starts
    with a quote), else as it is; an empty value is none."""
    if not value:
        return None
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, str):
            return decoded or None
    return value


def _comment_text(value: str, where: str, line: int) -> str:
    if value.startswith('"'):
        try:
            text = json.loads(value)
        except ValueError as exc:
            raise UserError(f'"# text" is not a JSON string: {exc}', path=where, line=line) from exc
        if not isinstance(text, str):
            raise UserError('"# text" must be a JSON string', path=where, line=line)
        return text
    return value


def _align(text: str, words: Sequence[tuple[str, int]], where: str) -> list[tuple[int, int]]:
    """Each word's offsets in ``text``, in order; only whitespace and invisible controls may lie between."""
    from annotations.tokens import INVISIBLE

    gap = re.compile(rf"[\s{INVISIBLE}]*")
    out: list[tuple[int, int]] = []
    pos = 0
    for w, lineno in words:
        m = gap.match(text, pos)
        pos = m.end() if m else pos
        if not text.startswith(w, pos):
            raise UserError(
                f"token {w!r} is not the next word of the document's text (at character {pos}: "
                f"{text[pos : pos + len(w) + 5]!r})",
                path=where,
                line=lineno,
            )
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out


def sniff_nested(lines: Iterable[str], limit: int = 2000) -> bool:
    """Whether a column file looks like stacked tags (a token line with two or more tags after the
    token) rather than CoNLL-2003 columns (a middle column that is not a tag)."""
    nested = False
    for n, raw in enumerate(lines):
        if n >= limit:
            break
        fields = raw.split()
        if len(fields) < 3 or fields[0] == DOCSTART or _COMMENT.fullmatch(raw.strip()):
            continue
        if not all(is_tag(f) for f in fields[1:]):
            return False
        nested = True
    return nested


def to_item(doc: ColumnDocument, ctx: ReadContext) -> Item:
    """A read document as an import item (labels checked against the context's schema)."""

    labels_ok = [
        Span(s.start, s.end, rec.label_of(s.label, ctx, f"span [{s.start}, {s.end})"), origin="imported")
        for s in doc.spans
    ]
    document = Document(rec.doc_id(doc.id, doc.text), doc.text, source=ctx.source, line=doc.line, meta=doc.meta)
    if doc.answer is not None and doc.answer not in ANSWERS:
        raise UserError(f"unknown answer {doc.answer[:20]!r} (one of {', '.join(ANSWERS)})")
    who = ctx.annotator if doc.annotator is None else rec.name_of(doc.annotator, "annotator")
    if not labels_ok and doc.answer is None:
        return document, []
    return document, [ImportedAnnotation(who, labels_ok, doc.answer)]


def read_items(path: Path, ctx: ReadContext, columns: Literal["all", "last"]) -> Iterator[Item | UserError]:
    """Import items from a column file; an error in one document is yielded and reading goes on
    with the next document (a syntax error ends the file)."""
    from annotations.userfiles import open_text_lines

    name = str(path)
    with open_text_lines(path) as fh:
        docs = read_columns(fh, where=name, columns=columns)
        while True:
            try:
                doc = next(docs)
            except StopIteration:
                return
            except UserError as err:
                yield err
                return
            if not doc.exact:
                ctx.note("documents rebuilt from their tokens joined by spaces (the file has no '# text' lines)")
            try:
                yield to_item(doc, ctx)
            except UserError as err:
                yield UserError(err.message, path=name, line=doc.line)


def write_documents(
    records: Iterator[Record],
    out: TextIO,
    options: ExportOptions,
    warn: Warn,
    lines: Callable[[Document, Annotation | None, ExportOptions, Warn], list[str]],
) -> int:
    """Write each record as the block of lines ``lines`` makes of it (none for an empty block);
    the number of records written."""
    n = 0
    for doc, ann in flat(records):
        body = lines(doc, ann, options, warn)
        if body:
            out.write("\n".join(body) + "\n")
        n += 1
    return n
