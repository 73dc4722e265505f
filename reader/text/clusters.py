"""Clusters: the unit the layout wraps and reorders.

A cluster is a contiguous logical range of a paragraph drawn as one glyph: a base character with the
marks and zero-width characters that follow it (rule L3 — marks stay on their letter), or a
lam-alef ligature with the marks of both letters. A cluster is never split across lines.

Clusters are kept as parallel lists rather than one object each: a 1 MB article has about a
million of them and `reader cat` must stay fast. For the same reason the work is done on whole
strings where it can be (translate, compress, regular expressions run in C), and per character in
Python only for what is rare: marks, controls, wide characters, joiners.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection
from typing import TypeVar

from .chars import LONE_MARK_BASE, ZERO_WIDTH, ZWJ, ZWNJ, Kind, classify
from .plain import MARK as PLAIN_MARK
from .plain import positions as plain_positions
from .shaping import LIGATURE_TAIL, shape

_Seq = TypeVar("_Seq", str, bytes)
_GLYPH, _MARK, _PLACEHOLDER, _TAB = Kind.GLYPH, Kind.MARK, Kind.PLACEHOLDER, Kind.TAB
_TATWEEL = "\u0640"
_LAM = "\u0644"
_ALEFS = frozenset("\u0627\u0623\u0625\u0622")

JOINERS = frozenset((ZWJ, ZWNJ))
# What a joiner stands for while shaping. ZWJ joins the letters on both sides of it (a tatweel, which
# joins both ways and forms no ligature, does exactly that); ZWNJ joins nothing, so it stays itself,
# a character the shaper does not know. Either one keeps a lam and an alef from forming a ligature.
# A lam and an alef drawn apart (a span boundary between them) are shaped with a tatweel between
# them too: joined, as the letters are, but no longer one ligature.
_JOINER_STAND_IN = {ZWJ: _TATWEEL, ZWNJ: ZWNJ}

_CHAR_INFO: dict[str, tuple[Kind, str, int]] = {}


def _info(ch: str) -> tuple[Kind, str, int]:
    info = _CHAR_INFO.get(ch)
    if info is None:
        info = _CHAR_INFO[ch] = classify(ch)
    return info


def positions(text: str, wanted: Collection[str]) -> list[int]:
    """Indices of the characters of text that are in wanted, in order (str.find, in C, per hit)."""
    found: list[int] = []
    append = found.append
    find = text.find
    for ch in wanted:
        i = find(ch)
        while i >= 0:
            append(i)
            i = find(ch, i + 1)
    if len(wanted) > 1:
        found.sort()
    return found


# Every character seen so far, by what the clusters need to know of it.
_ORDINARY: set[str] = set()  # a glyph one cell wide
_UNUSUAL: set[str] = set()  # anything else: marks, placeholders, tabs, wide glyphs
_MARKS: set[str] = set()  # drawn in the cell of the character before


def _learn(chars: set[str]) -> None:
    for ch in chars:
        kind, _, width = _info(ch)
        if kind is _GLYPH and width == 1:
            _ORDINARY.add(ch)
        else:
            _UNUSUAL.add(ch)
            if kind is _MARK:
                _MARKS.add(ch)


class Clusters:
    """Clusters of one paragraph in logical order; offsets relative to the paragraph start."""

    __slots__ = ("_glyph", "base", "chars", "dropped", "end", "placeholder", "start", "text", "uniform", "width")

    def __init__(
        self,
        start: list[int],
        end: list[int],
        glyph: list[str] | str,
        width: list[int],
        base: str,
        placeholder: list[bool],
        uniform: bool,
        chars: set[str] | None,
        dropped: list[int],
    ) -> None:
        self.start = start
        self.end = end
        # The text drawn for each cluster, marks included unless hidden, before mirroring. When every
        # cluster is drawn as one character, ``text`` holds them all and the list is made only if
        # asked for.
        self.text: str | None = glyph if isinstance(glyph, str) else None
        self._glyph: list[str] | None = None if isinstance(glyph, str) else glyph
        self.width = width  # cells
        self.base = base  # the logical base character of each cluster: bidi class and mirroring are decided on it
        self.placeholder = placeholder  # drawn in place of a control or invisible character
        self.uniform = uniform  # every cluster is one cell wide
        self.chars = chars  # the characters of the paragraph (None for a plain one: not worked out)
        self.dropped = dropped  # offsets of the characters that do not start a cluster (marks, alefs of ligatures)

    @property
    def glyph(self) -> list[str]:
        if self._glyph is None:
            self._glyph = list(self.text or "")
            self.text = None  # the list may be changed now: it is the one answer
        return self._glyph


def build_clusters(
    text: str,
    *,
    show_marks: bool = True,
    shaped: bool = True,
    unligated: Collection[int] = (),
    chars: set[str] | None = None,
    plain: bool = False,
    simple: bool = False,
) -> Clusters:
    """Clusters of one paragraph, in logical order, shaped unless a bidi terminal will shape them.

    ``unligated``: offsets (relative to the paragraph) of boundaries to keep visible; a lam and an
    alef on either side of one are drawn as two letters instead of one ligature. ``chars``: the set
    of the paragraph's characters, if the caller has it already; ``plain``: the caller found the
    paragraph plain (plain.py), so only its marks need finding; ``simple``: it has none either.
    """
    n = len(text)
    if plain:
        mark_at = [] if simple else plain_positions(PLAIN_MARK, text)
        marks: set[str] = {text[i] for i in mark_at}
        unusual = marks
    else:
        if chars is None:
            chars = set(text)
        unusual = chars - _ORDINARY  # set algebra in C: most paragraphs hold only ordinary characters
        if unusual and not unusual <= _UNUSUAL:
            _learn(unusual)
            unusual = chars - _ORDINARY
        marks = unusual & _MARKS
        mark_at = positions(text, marks) if marks else []

    # Units: a character that is not a mark, and a mark with nothing before it.
    leading_mark = n > 0 and text[0] in marks
    dropped = mark_at[1:] if leading_mark else mark_at  # characters that do not start a unit
    if dropped:
        starts: list[int] = []
        previous = 0
        for i in dropped:
            starts.extend(range(previous, i))
            previous = i + 1
        starts.extend(range(previous, n))
        unit_text = without(text, dropped)
    else:
        starts = list(range(n))
        unit_text = text

    # Shape the bases. Placeholders and tabs break joining, as any non-joining character does.
    if shaped:
        stand_ins = _stand_ins(text, starts, unit_text, marks, unligated)
        to_shape = unit_text
        if unusual:
            stand_for = unusual - marks
            if stand_for:
                to_shape = unit_text.translate({ord(ch): _shaped_as(ch, _info(ch)[0]) for ch in stand_for})
            if leading_mark:
                to_shape = (_TATWEEL if text[0] == ZWJ else "\u25cc") + to_shape[1:]
        glyph_text = _shape_with_stand_ins(to_shape, stand_ins) if stand_ins else shape(to_shape)
    else:
        glyph_text = unit_text

    # Clusters: units, except that the alef of a lam-alef ligature belongs to the lam's cluster.
    if shaped and LIGATURE_TAIL in glyph_text:
        tails = positions(glyph_text, LIGATURE_TAIL)  # unit indices of the alefs
        alefs = [starts[k] for k in tails]
        for k in reversed(tails):
            del starts[k]
        glyph_text = glyph_text.replace(LIGATURE_TAIL, "")
        bases = without(unit_text, tails)
        dropped = sorted(dropped + alefs) if dropped else alefs
    else:
        bases = unit_text
    count = len(starts)
    ends = starts[1:]
    ends.append(n)
    widths = [1] * count
    placeholder = [False] * count
    if not unusual:  # every cluster one ordinary character, one cell wide
        return Clusters(starts, ends, glyph_text, widths, bases, placeholder, True, chars, dropped)

    glyphs = list(glyph_text)
    uniform = True
    if unusual:  # what is not an ordinary one-cell glyph: drawn from its classification
        for k in positions(bases, unusual if leading_mark else unusual - marks):
            kind, drawn, width = _info(bases[k])
            uniform = uniform and width == 1
            if kind is _GLYPH:
                widths[k] = width
                continue
            if kind is _MARK:  # a mark opening the paragraph sits on a dotted circle
                drawn, width = LONE_MARK_BASE + bases[k], 1
            glyphs[k] = drawn
            widths[k] = width
            placeholder[k] = kind is _PLACEHOLDER
    if show_marks and marks:  # marks are drawn in their base's cell, zero-width characters are not
        for i in mark_at:
            ch = text[i]
            if ch not in ZERO_WIDTH:
                k = bisect_right(starts, i) - 1
                if starts[k] != i:  # not the mark opening the paragraph
                    glyphs[k] += ch
    return Clusters(starts, ends, glyphs, widths, bases, placeholder, uniform, chars, dropped)


def without(sequence: _Seq, indices: list[int]) -> _Seq:
    """sequence (a str or bytes) with the items at these sorted indices taken out."""
    pieces = []
    previous = 0
    for i in indices:
        pieces.append(sequence[previous:i])
        previous = i + 1
    pieces.append(sequence[previous:])
    return sequence[:0].join(pieces)


def _shaped_as(ch: str, kind: Kind) -> str:
    """What stands for a character that is not an ordinary glyph while shaping."""
    if kind is _MARK:
        return "\u25cc"
    if kind is _GLYPH:
        return ch  # a wide glyph
    return " "


def _stand_ins(
    text: str,
    starts: list[int],
    unit_text: str,
    marks: set[str],
    unligated: Collection[int],
) -> list[tuple[int, str]]:
    """(unit index, stand-in) pairs: a stand-in goes into the shaped text before that unit."""
    found: list[tuple[int, str]] = []
    joiners = marks & JOINERS
    if joiners:
        for i in positions(text, joiners):
            k = bisect_right(starts, i)  # the unit after the one this joiner is a mark of
            if starts[k - 1] != i:  # (a joiner opening the paragraph is a unit of its own)
                found.append((k, _JOINER_STAND_IN[text[i]]))
    for offset in unligated:
        k = bisect_left(starts, offset)  # the first unit at or after the boundary
        if (
            0 < k < len(starts)
            and unit_text[k - 1] == _LAM
            and unit_text[k] in _ALEFS
            and not any(text[j] in JOINERS for j in range(starts[k - 1] + 1, starts[k]))
        ):
            found.append((k, _TATWEEL))
    found.sort(key=lambda pair: pair[0])
    return found


def _shape_with_stand_ins(to_shape: str, stand_ins: list[tuple[int, str]]) -> str:
    pieces: list[str] = []
    positions: list[int] = []  # where each stand-in landed in the shaped text
    last = 0
    length = 0
    for k, stand_in in stand_ins:
        pieces.append(to_shape[last:k])
        length += k - last
        positions.append(length)
        pieces.append(stand_in)
        length += 1
        last = k
    pieces.append(to_shape[last:])
    shaped = shape("".join(pieces))
    out: list[str] = []
    last = 0
    for p in positions:
        out.append(shaped[last:p])
        last = p + 1
    out.append(shaped[last:])
    return "".join(out)
