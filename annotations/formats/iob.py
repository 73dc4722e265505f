"""IOB2 tags over tokens, flat and stacked, and the column files that carry them (CoNLL, Wojood).

Pure functions shared by :mod:`annotations.formats.conll` (one tag per token) and
:mod:`annotations.formats.conll_nested` (the Wojood layout: a token, then its tags outer first).

Encoding a text and its spans (:func:`encode_nested`, :func:`encode_flat`) tokenises with
:func:`annotations.tokens.tokenize_for`, so every span boundary is a token boundary (حماس inside لحماس
gives the tokens ل + حماس). Whitespace tokens are not written: a span that starts or ends on whitespace
cannot be said in these files and is an error (:class:`Unalignable`). What a layout cannot hold is
returned as ``left_out`` with the reason (flat: any overlap; stacked: two spans of one label that cross
without one containing the other) and the caller reports it.

Decoding stacked tags (:func:`decode_nested`) matches each token's tags, outer first, against the
entities still open: ``I-X`` continues the first open ``X`` at or after the previous match, ``B-X``
opens a new one, and open entities that are not continued end at the previous token. This reads
Wojood's files exactly, including an ORG inside an ORG (``I-ORG B-ORG``); an ``I-X`` with nothing to
continue starts an entity (IOB1 style) rather than failing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from annotations.errors import UserError
from annotations.model import Span
from annotations.tokens import Token, sentences, tokenize_for

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- O O"  # spaCy's ``spacy convert -c ner`` splits documents on exactly this
_TAG = re.compile(r"([BI])-(\S+)")
# ``# key = value``: a comment only in this exact form, so a token "#" or "#غزة" is never taken for one
_COMMENT = re.compile(r"#[ \t]+([A-Za-z_][\w-]*)[ \t]+=(?:[ \t](.*))?")
COMMENT_KEYS = ("id", "annotator", "answer", "meta", "text")


class Unalignable(UserError):
    """A span whose boundary cannot be a token boundary in a column file (it starts or ends on whitespace)."""


# ----------------------------------------------------------------------------------------------------
# Encoding


def _check_edges(text: str, tokens: Sequence[Token], spans: Sequence[Span]) -> tuple[dict[int, int], dict[int, int]]:
    """Maps from offsets to the index of the non-space token that starts / ends there; raises
    :class:`Unalignable` for a span whose start or end is not on one."""
    starts = {t.start: i for i, t in enumerate(tokens) if not t.is_space}
    ends = {t.end: i for i, t in enumerate(tokens) if not t.is_space}
    for s in spans:
        if s.start not in starts or s.end not in ends:
            edge = "starts" if s.start not in starts else "ends"
            raise Unalignable(
                f"span [{s.start}, {s.end}) {s.label} {text[s.start : s.end]!r} {edge} on whitespace or an "
                "invisible control, which token columns cannot hold; trim the span (or export a format with "
                "character offsets: native, prodigy, doccano, label-studio, brat)"
            )
    return starts, ends


@dataclass(frozen=True, slots=True)
class Encoded:
    """Non-space tokens of a text, their tags, and the spans the layout could not hold (with why)."""

    tokens: list[Token]
    tags: list[list[str]]  # per token; stacked layouts: outer first; flat: exactly one tag
    left_out: list[tuple[Span, str]] = field(default_factory=list)

    def layers(self) -> list[list[str]]:
        """The stacked tags as layers: layer k holds each token's k-th tag (outer first) or ``O``."""
        depth = max((len(t) for t in self.tags), default=0) or 1
        return [[t[k] if k < len(t) else "O" for t in self.tags] for k in range(depth)]

    def flat_tags(self) -> list[str]:
        """One tag per token (flat encodings); the outermost tag of a stacked one."""
        return [t[0] if t else "O" for t in self.tags]


def _ordered(spans: Iterable[Span]) -> list[Span]:
    """Outer first: by start, then longest first; duplicates (same start, end and label) once."""
    seen: dict[tuple[int, int, str], Span] = {}
    for s in spans:
        seen.setdefault(s.key, s)
    return sorted(seen.values(), key=lambda s: (s.start, -s.end, s.label))


def _crosses(a: Span, b: Span) -> bool:
    """Overlapping, and neither contains the other."""
    overlap = a.start < b.end and b.start < a.end
    return overlap and not (a.start <= b.start and b.end <= a.end) and not (b.start <= a.start and a.end <= b.end)


def encode_nested(text: str, spans: Iterable[Span]) -> Encoded:
    """Stacked IOB2 tags (Wojood layout): each token gets the tags of every span covering it, outer first.

    Two spans of the same label that overlap without one containing the other cannot be told apart
    in this layout: the later one is left out (returned in ``left_out``)."""
    kept: list[Span] = []
    left: list[tuple[Span, str]] = []
    by_label: dict[str, list[Span]] = {}
    for s in _ordered(spans):
        crossing = next((o for o in by_label.get(s.label, ()) if _crosses(o, s)), None)
        if crossing is not None:
            left.append((s, f"crosses [{crossing.start}, {crossing.end}) of the same label"))
            continue
        by_label.setdefault(s.label, []).append(s)
        kept.append(s)
    all_tokens = tokenize_for(text, [(s.start, s.end) for s in kept])
    starts, ends = _check_edges(text, all_tokens, kept)
    index = [i for i, t in enumerate(all_tokens) if not t.is_space]
    position = {i: k for k, i in enumerate(index)}
    tags: list[list[str]] = [[] for _ in index]
    for s in kept:  # outer first, so each token's list comes out outer first
        a, b = position[starts[s.start]], position[ends[s.end]]
        tags[a].append("B-" + s.label)
        for k in range(a + 1, b + 1):
            tags[k].append("I-" + s.label)
    return Encoded([all_tokens[i] for i in index], [t or ["O"] for t in tags], left)


def encode_flat(text: str, spans: Iterable[Span]) -> Encoded:
    """One IOB2 tag per token. A span overlapping one already placed (outer and earlier spans first)
    is left out."""
    kept: list[Span] = []
    left: list[tuple[Span, str]] = []
    for s in _ordered(spans):
        other = next((o for o in kept if o.start < s.end and s.start < o.end), None)
        if other is not None:
            left.append((s, f"overlaps [{other.start}, {other.end}) {other.label}"))
            continue
        kept.append(s)
    all_tokens = tokenize_for(text, [(s.start, s.end) for s in kept])
    starts, ends = _check_edges(text, all_tokens, kept)
    index = [i for i, t in enumerate(all_tokens) if not t.is_space]
    position = {i: k for k, i in enumerate(index)}
    tags = ["O"] * len(index)
    for s in kept:
        a, b = position[starts[s.start]], position[ends[s.end]]
        tags[a] = "B-" + s.label
        for k in range(a + 1, b + 1):
            tags[k] = "I-" + s.label
    return Encoded([all_tokens[i] for i in index], [[t] for t in tags], left)


def sentence_groups(text: str, encoded: Encoded) -> list[list[int]]:
    """Token indices (into ``encoded.tokens``) grouped into sentences, never splitting a span: a
    sentence that would start inside an entity is joined to the one before."""
    groups = sentences(text, encoded.tokens)
    merged: list[list[int]] = []
    for g in groups:
        if merged and any(tag.startswith("I-") for tag in encoded.tags[g[0]]):
            merged[-1].extend(g)
        else:
            merged.append(g)
    return merged


# ----------------------------------------------------------------------------------------------------
# Decoding


def is_tag(field_: str) -> bool:
    return field_ == "O" or _TAG.fullmatch(field_) is not None


def decode_nested(tags: Sequence[Sequence[str]]) -> list[tuple[str, int, int]]:
    """Entities ``(label, first_token, last_token)`` from stacked IOB2 tags (outer first per token)."""
    done: list[tuple[str, int, int]] = []
    open_: list[tuple[str, int]] = []
    for i, token_tags in enumerate(tags):
        now: list[tuple[str, int]] = []
        j = 0
        for tag in token_tags:
            if tag == "O":
                continue
            m = _TAG.fullmatch(tag)
            if m is None:
                raise ValueError(f"not an IOB2 tag: {tag!r}")
            prefix, label = m.groups()
            if prefix == "I":
                k = next((k for k in range(j, len(open_)) if open_[k][0] == label), None)
                if k is not None:
                    done.extend((lab, start, i - 1) for lab, start in open_[j:k])
                    now.append(open_[k])
                    j = k + 1
                    continue
            now.append((label, i))
        done.extend((lab, start, i - 1) for lab, start in open_[j:])
        open_ = now
    done.extend((lab, start, len(tags) - 1) for lab, start in open_)
    return sorted(done, key=lambda e: (e[1], -e[2], e[0]))


# ----------------------------------------------------------------------------------------------------
# Reading column files


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
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:]
        stripped = line.strip()
        if not stripped:
            if sentence:
                assert doc is not None
                doc.sentences.append(sentence)
                sentence = []
                if not delimited:
                    yield _finish(doc, where)
                    doc = None
            continue
        fields = stripped.split()
        comment = _COMMENT.fullmatch(stripped) if fields[0] == "#" else None
        if comment is not None and all(is_tag(f) for f in fields[1:]):
            comment = None  # "# O", "# B-X I-Y": a "#" token with its tags
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
                if key in doc.comments:
                    raise UserError(f'"# {key}" given twice for one document', path=where, line=lineno)
                doc.comments[key] = value
            continue
        if len(fields) < 2:
            raise UserError(f"expected a token and its tag, got {stripped!r}", path=where, line=lineno)
        tags = fields[-1:] if columns == "last" else fields[1:]
        for tag in tags:
            if not is_tag(tag):
                hint = "" if columns == "last" else " (CoNLL-2003 columns: use --format conll)"
                raise UserError(f"{tag!r} is not an IOB2 tag (O, B-LABEL or I-LABEL){hint}", path=where, line=lineno)
        if doc is None:
            doc = _Pending(lineno)
        sentence.append((fields[0], tags, lineno))
    if sentence:
        assert doc is not None
        doc.sentences.append(sentence)
    if doc is not None and (doc.has_tokens() or doc.comments):
        yield _finish(doc, where)


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
        id=c.get("id") or None,
        annotator=c.get("annotator") or None,
        answer=c.get("answer") or None,
        meta=meta,
        tokens=offsets,
        exact=text_given,
    )


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


def to_item(doc: ColumnDocument, ctx: Any) -> Any:
    """A read document as an import item (labels checked against the context's schema)."""
    from annotations.formats import reading as rec
    from annotations.model import ANSWERS, Document
    from annotations.store import ImportedAnnotation

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


def read_items(path: Path, ctx: Any, columns: Literal["all", "last"]) -> Iterator[Any]:
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
