"""IOB2 tags over tokens, flat and stacked (the column files that carry them: :mod:`annotations.formats.columns`).

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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotations.errors import UserError
from annotations.model import Span
from annotations.tokens import Token, sentences, tokenize_for

_TAG = re.compile(r"([BI])-(\S+)")


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
    """Outer first: by start, then longest first; spans of the same extent in the order given (a
    nested CoNLL file's column order, kept by its import); duplicates (same start, end and label) once."""
    seen: dict[tuple[int, int, str], Span] = {}
    for s in spans:
        seen.setdefault(s.key, s)
    return sorted(seen.values(), key=lambda s: (s.start, -s.end))


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
    """Entities ``(label, first_token, last_token)`` from stacked IOB2 tags (outer first per token),
    outer first; two entities over the same tokens in the file's column order."""
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
    return sorted(done, key=lambda e: (e[1], -e[2]))  # stable: equal extents in column order
