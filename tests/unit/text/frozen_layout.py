"""The layout engine as it drew every paragraph before `reader cat` was made faster: a frozen copy of
reader/text (chars, shaping, clusters, bidi_levels, layout and split_paragraphs, joined in one module,
unchanged apart from the imports), kept so that tests/unit/text/test_differential.py can check that the
engine still draws every cell exactly as it did. Do not edit; do not import from the application.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from itertools import compress
from typing import Any, Literal

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.arabic_reshaper import HARAKAT_RE
from arabic_reshaper.letters import LETTERS_ARABIC
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from bidi.mirror import MIRRORED

TAB_WIDTH = 4  # a tab has no meaningful tab stop inside bidi text, so it is a fixed gap

# Unicode's own "control pictures" for C0 controls keep the character recognisable (␛ for ESC).
_C0_PICTURES = {i: chr(0x2400 + i) for i in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"  # ␡

# Invisible bidi formatting characters shown as placeholders: an annotator must see that
# something is there (a stray RLO can make text read backwards), and the glyphs are all
# one cell wide (East Asian width N/Na) so layout stays predictable in every terminal.
BIDI_CONTROL_GLYPHS = {
    "\u200e": "\u203a",  # LRM  ›
    "\u200f": "\u2039",  # RLM  ‹
    "\u061c": "\u2039",  # ALM  ‹
    "\u202a": "\u2e22",  # LRE  ⸢
    "\u202b": "\u2e23",  # RLE  ⸣
    "\u202c": "\u2e24",  # PDF  ⸤
    "\u202d": "\u22b3",  # LRO  ⊳
    "\u202e": "\u22b2",  # RLO  ⊲
    "\u2066": "\u2045",  # LRI  ⁅
    "\u2067": "\u2046",  # RLI  ⁆
    "\u2068": "\u204c",  # FSI  ⁌
    "\u2069": "\u204d",  # PDI  ⁍
}

C1_GLYPH = "\u2426"  # ␦ stands for any C1 control (U+0080..U+009F), which has no picture of its own
SEPARATOR_GLYPH = "\u2424"  # ␤ for line/paragraph separators that do not end a paragraph here
LONE_MARK_BASE = "\u25cc"  # ◌ carries a combining mark that has no letter before it

ZWNJ = "\u200c"  # ZERO WIDTH NON-JOINER: the letters on either side take their unjoined forms
ZWJ = "\u200d"  # ZERO WIDTH JOINER: the letters on either side take their joined forms

# Zero-width characters that are not bidi controls: they join the cell of the character before them
# (so their offset is still shown somewhere) and add nothing to the drawing.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e")

# Characters that end a paragraph for the bidi algorithm (class B) but not for us (we split at
# "\n" only): they are drawn as placeholders and hidden from the bidi library.
BIDI_PARAGRAPH_SEPARATORS = frozenset("\r\x1c\x1d\x1e\x85\u2029")


class Kind(Enum):
    GLYPH = "glyph"  # an ordinary printable character
    MARK = "mark"  # zero width, drawn in the cell of the preceding base
    PLACEHOLDER = "placeholder"  # an invisible or dangerous character made visible
    TAB = "tab"


@lru_cache(maxsize=8192)
def classify(ch: str) -> tuple[Kind, str, int]:
    """(kind, glyph, width) for one character. Width is in terminal cells."""
    cp = ord(ch)
    if cp < 0x20 or cp == 0x7F:
        if ch == "\t":
            return Kind.TAB, " " * TAB_WIDTH, TAB_WIDTH
        return Kind.PLACEHOLDER, _C0_PICTURES[cp], 1
    if 0x80 <= cp <= 0x9F:
        return Kind.PLACEHOLDER, C1_GLYPH, 1
    if ch in BIDI_CONTROL_GLYPHS:
        return Kind.PLACEHOLDER, BIDI_CONTROL_GLYPHS[ch], 1
    if ch in ("\u2028", "\u2029"):
        return Kind.PLACEHOLDER, SEPARATOR_GLYPH, 1
    if ch in ZERO_WIDTH:
        return Kind.MARK, ch, 0
    category = unicodedata.category(ch)
    # Spacing marks (Mc), Hangul vowel/final jamo and emoji skin-tone modifiers join the character
    # before them; terminals and Rich (which Textual measures with) give them no cell of their own.
    if category in ("Mn", "Me", "Mc") or 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF or 0x1F3FB <= cp <= 0x1F3FF:
        return Kind.MARK, ch, 0
    if category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf"):
        # Unassigned, private-use, surrogates and the remaining format characters have no reliable
        # width in terminals; show them as a replacement so columns never drift.
        return Kind.PLACEHOLDER, "\ufffd", 1
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return Kind.GLYPH, ch, 2
    return Kind.GLYPH, ch, 1


# Whitespace a line may break after. No-break spaces (U+00A0, U+2007, U+202F) keep their words together.
BREAK_SPACES = frozenset(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch not in "\n\u00a0\u2007\u202f")


_LAM_ALEF = (
    "arabic ligature lam with alef",
    "arabic ligature lam with alef with hamza above",
    "arabic ligature lam with alef with hamza below",
    "arabic ligature lam with alef with madda above",
)

_CONFIG: dict[str, bool | str] = {name.lower(): False for name, _ in LIGATURES}
_CONFIG.update({name: True for name in _LAM_ALEF})
_CONFIG.update(
    {
        "language": "Arabic",
        "delete_harakat": False,
        "delete_tatweel": False,
        "support_zwj": False,
        "use_unshaped_instead_of_isolated": False,
        "support_ligatures": True,
        "shift_harakat_position": False,
    }
)

_RESHAPER = ArabicReshaper(configuration=_CONFIG)

# Presentation forms of the four lam-alef ligatures (isolated and final of each).
LAM_ALEF_GLYPHS = frozenset(chr(cp) for cp in range(0xFEF5, 0xFEFD))
_ALEFS = frozenset("\u0627\u0623\u0625\u0622")
_LAM = "\u0644"

# Joining never crosses a character the reshaper does not know, so text is shaped run by run: a run
# is a maximal stretch of letters it knows (and the marks it skips). Runs are words, and words repeat,
# so shaped runs are cached.
_RUN = re.compile("(?:[" + "".join(sorted(LETTERS_ARABIC)) + "]|" + HARAKAT_RE.pattern.replace("\n", "") + ")+")
_CACHE: dict[str, list[tuple[str, int]]] = {}
_CACHE_LIMIT = 100_000


class ShapingLibraryChanged(RuntimeError):
    """arabic-reshaper's output no longer lines up with its input as this module expects."""


def shape(bases: str) -> list[tuple[str, int]]:
    """Glyphs for a string of base characters: one (glyph, count) per glyph, where count is the
    number of input characters the glyph stands for (1, or 2 for lam-alef)."""
    out: list[tuple[str, int]] = []
    pos = 0
    for match in _RUN.finditer(bases):
        s, e = match.span()
        out.extend((ch, 1) for ch in bases[pos:s])
        run = match.group()
        glyphs = _CACHE.get(run)
        if glyphs is None:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            glyphs = _CACHE[run] = _shape_run(run)
        out.extend(glyphs)
        pos = e
    out.extend((ch, 1) for ch in bases[pos:])
    return out


def _shape_run(bases: str) -> list[tuple[str, int]]:
    shaped = _RESHAPER.reshape(bases)
    out: list[tuple[str, int]] = []
    i = 0
    for glyph in shaped:
        if glyph in LAM_ALEF_GLYPHS:
            if bases[i] != _LAM or i + 1 >= len(bases) or bases[i + 1] not in _ALEFS:
                raise ShapingLibraryChanged(f"lam-alef ligature at {i} does not stand on lam + alef")
            out.append((glyph, 2))
            i += 2
        else:
            out.append((glyph, 1))
            i += 1
    if i != len(bases):
        raise ShapingLibraryChanged(f"reshaped {len(bases)} characters into glyphs covering {i}")
    return out


_GLYPH, _MARK, _PLACEHOLDER, _TAB = Kind.GLYPH, Kind.MARK, Kind.PLACEHOLDER, Kind.TAB

_CHAR_INFO: dict[str, tuple[Kind, str, int]] = {}

JOINERS = frozenset((ZWJ, ZWNJ))
# What a joiner stands for while shaping. ZWJ joins the letters on both sides of it (a tatweel, which
# joins both ways and forms no ligature, does exactly that); ZWNJ joins nothing, so it stays itself,
# a character the shaper does not know. Either one keeps a lam and an alef from forming a ligature.
_JOINER_STAND_IN = {ZWJ: "\u0640", ZWNJ: ZWNJ}


def _info(ch: str) -> tuple[Kind, str, int]:
    info = _CHAR_INFO.get(ch)
    if info is None:
        info = _CHAR_INFO[ch] = classify(ch)
    return info


@dataclass(slots=True)
class Clusters:
    """Clusters of one paragraph in logical order; offsets relative to the paragraph start."""

    start: list[int]
    end: list[int]
    glyph: list[str]  # text drawn, marks included unless hidden, before mirroring
    width: list[int]  # cells
    base: list[str]  # the logical base character: bidi class and mirroring are decided on it
    placeholder: list[bool]  # drawn in place of a control or invisible character
    space: list[bool]  # a line may break after it

    def __len__(self) -> int:
        return len(self.start)


def build_clusters(text: str, *, show_marks: bool = True, shaped: bool = True) -> Clusters:
    """Clusters of one paragraph, in logical order, shaped unless a bidi terminal will shape them."""
    info = _info
    infos = [info(ch) for ch in text]
    # A cluster starts at every character that is not a mark, and at a mark with nothing before it.
    starts = [i for i, inf in enumerate(infos) if inf[0] is not _MARK]
    if infos and infos[0][0] is _MARK:
        starts.insert(0, 0)
    ends = [*starts[1:], len(text)]

    # Shape the bases. Placeholders and tabs break joining, as any non-joining character does.
    bases = "".join(text[s] if infos[s][0] is _GLYPH else "\u25cc" if infos[s][0] is _MARK else " " for s in starts)
    if not shaped:
        glyphs = [(ch, 1) for ch in bases]
    elif JOINERS.isdisjoint(text):
        glyphs = shape(bases)
    else:
        glyphs = _shape_with_joiners(text, starts, ends, bases)

    c_start: list[int] = []
    c_end: list[int] = []
    c_glyph: list[str] = []
    c_width: list[int] = []
    c_base: list[str] = []
    c_placeholder: list[bool] = []
    c_space: list[bool] = []
    g = 0
    for glyph, count in glyphs:
        s = starts[g]
        e = ends[g + count - 1]
        kind, drawn, width = infos[s]
        if kind is _GLYPH:
            drawn = glyph
        elif kind is _MARK:  # a mark opening the paragraph sits on a dotted circle
            drawn, width = LONE_MARK_BASE + text[s], 1
        if show_marks and e - s > count:  # marks or zero-width characters follow a base
            drawn += "".join(
                text[j] for k in range(g, g + count) for j in range(starts[k] + 1, ends[k]) if text[j] not in ZERO_WIDTH
            )
        c_start.append(s)
        c_end.append(e)
        c_glyph.append(drawn)
        c_width.append(width)
        c_base.append(text[s])
        c_placeholder.append(kind is _PLACEHOLDER)
        c_space.append(text[s] in BREAK_SPACES)
        g += count
    return Clusters(c_start, c_end, c_glyph, c_width, c_base, c_placeholder, c_space)


def _shape_with_joiners(text: str, starts: list[int], ends: list[int], bases: str) -> list[tuple[str, int]]:
    """Shape bases with the joiners among each base's marks taken into account: a stand-in for each
    joiner goes into the shaped string after its base, and its glyph is dropped afterwards."""
    shaped: list[str] = []
    stand_in: list[bool] = []
    for k, s in enumerate(starts):
        base = bases[k]
        if text[s] == ZWJ:  # a joiner opening the paragraph: still joins the letter after it
            base = _JOINER_STAND_IN[ZWJ]
        shaped.append(base)
        stand_in.append(False)
        for j in range(s + 1, ends[k]):
            if text[j] in JOINERS:
                shaped.append(_JOINER_STAND_IN[text[j]])
                stand_in.append(True)
    glyphs: list[tuple[str, int]] = []
    i = 0
    for glyph, count in shape("".join(shaped)):
        if not stand_in[i]:
            glyphs.append((glyph, count))
        i += count
    return glyphs


Direction = Literal["auto", "rtl", "ltr"]

_LEVEL = re.compile(r"Level\(\s*(\d+)")
_PARAGRAPH_LEVEL = re.compile(
    r"paragraphs:\s*\[\s*ParagraphInfo\s*\{\s*range:\s*\d+\.\.\d+,\s*level:\s*Level\(\s*(\d+)"
)

# UTF-8 lead bytes map to 1, continuation bytes (0b10xxxxxx) to 0: compress() then keeps one level
# per code point at C speed.
_LEAD_BYTES = bytes(0 if 0x80 <= b <= 0xBF else 1 for b in range(256))

# Characters that would make the library start a new paragraph inside ours are replaced by a
# neutral of the same length (U+FFFD, class ON) before the call.
_HIDE_SEPARATORS = str.maketrans({ch: "\ufffd" for ch in BIDI_PARAGRAPH_SEPARATORS})


class BidiLibraryChanged(RuntimeError):
    """python-bidi's debug output no longer has the shape this module reads."""


def paragraph_levels(text: str, direction: Direction = "auto") -> tuple[list[int], int]:
    """Resolved embedding levels (one per code point) and the paragraph level of one paragraph.

    ``text`` must not contain "\\n"; paragraph separators are neutralised here.
    """
    if not text:
        return [], 1 if direction == "rtl" else 0
    safe = text.translate(_HIDE_SEPARATORS)
    base_dir = {"auto": None, "rtl": "R", "ltr": "L"}[direction]
    dump = get_display(safe, base_dir=base_dir, debug=True)
    if not isinstance(dump, str):
        raise BidiLibraryChanged(f"python-bidi debug output is {type(dump).__name__}, expected str")
    start = dump.find("levels:")
    end = dump.find("paragraphs:", start)
    if start < 0 or end < 0:
        raise BidiLibraryChanged("python-bidi debug output has no 'levels:' / 'paragraphs:' section")
    byte_levels = _LEVEL.findall(dump, start, end)
    encoded = safe.encode("utf-8")
    if len(byte_levels) != len(encoded):
        raise BidiLibraryChanged(f"python-bidi gave {len(byte_levels)} levels for {len(encoded)} UTF-8 bytes")
    levels = [int(v) for v in compress(byte_levels, encoded.translate(_LEAD_BYTES))]
    match = _PARAGRAPH_LEVEL.search(dump, end)
    if match is None:
        raise BidiLibraryChanged("python-bidi debug output has no paragraph level")
    return levels, int(match.group(1))


LineDirection = Literal["rtl", "ltr"]

# Rule L1 works on the original classes. Segment (S) and paragraph (B) separators: there are few,
# so they are listed rather than looked up per character.
_L1_SEPARATORS = frozenset("\t\x0b\x1f\r\x1c\x1d\x1e\x85\u2029")
# Whitespace (WS), isolate controls, and the characters X9 removes (BN, explicit embeddings), which
# the note to L1 sends along with the whitespace next to them.
_L1_TRAILING = frozenset(
    " \x0c\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u205f\u3000"
    "\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
) | frozenset(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0)]))


@dataclass(frozen=True, slots=True)
class Cell:
    """One terminal cell. ``start``..``end`` is the logical range it shows (absolute offsets).
    Continuation cells of a wide glyph or a tab, and alignment padding, show nothing (start == end);
    ``owner`` is the range a continuation cell belongs to, for hit-testing."""

    glyph: str
    start: int
    end: int
    placeholder: bool = False
    owner: tuple[int, int] | None = None

    @property
    def offsets(self) -> range:
        return range(self.start, self.end)


@dataclass(slots=True)
class VisualLine:
    """One terminal line. Per cell, left to right: the glyph drawn (empty for the right half of a
    wide glyph), and the logical range shown (``cell_start[x] == cell_end[x]`` for continuation and
    padding cells, whose owner is in ``cell_owner``)."""

    paragraph: int
    start: int  # logical range covered, absolute offsets
    end: int
    direction: LineDirection
    glyphs: list[str]
    cell_start: list[int]
    cell_end: list[int]
    placeholder: list[bool]
    cell_owner: dict[int, tuple[int, int]] = field(default_factory=dict)
    _offset_to_x: dict[int, int] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "".join(self.glyphs)

    @property
    def width(self) -> int:
        return len(self.glyphs)

    @property
    def cells(self) -> list[Cell]:
        owner = self.cell_owner
        columns = zip(self.glyphs, self.cell_start, self.cell_end, self.placeholder, strict=True)
        return [Cell(g, s, e, p, owner.get(x)) for x, (g, s, e, p) in enumerate(columns)]

    def offsets_at(self, x: int) -> range:
        """The logical offsets cell x shows (empty for continuation and padding cells)."""
        if not 0 <= x < len(self.glyphs):
            return range(0)
        return range(self.cell_start[x], self.cell_end[x])

    def offset_at(self, x: int) -> int | None:
        """The first logical offset of what cell x shows (a continuation cell answers for its
        glyph), or None for padding and outside the line."""
        if not 0 <= x < len(self.glyphs):
            return None
        if self.cell_end[x] > self.cell_start[x]:
            return self.cell_start[x]
        owner = self.cell_owner.get(x)
        return owner[0] if owner is not None else None

    def x_of(self, offset: int) -> int | None:
        """The cell that shows a logical offset, or None if the offset is not on this line."""
        if self._offset_to_x is None:
            m: dict[int, int] = {}
            for x, (s, e) in enumerate(zip(self.cell_start, self.cell_end, strict=True)):
                for o in range(s, e):
                    m[o] = x
            self._offset_to_x = m
        return self._offset_to_x.get(offset)


def _wrap(widths: list[int], spaces: list[bool], width: int) -> list[tuple[int, int]]:
    """Greedy wrap in logical order: (first, last+1) cluster indices per line. Breaks after spaces;
    a word wider than the line is broken between clusters."""
    lines: list[tuple[int, int]] = []
    line_start = col = i = 0
    n = len(widths)
    while i < n:
        j = i + 1
        if not spaces[i]:
            while j < n and not spaces[j]:
                j += 1
            word = sum(widths[i:j])
            if col + word <= width:
                col += word
                i = j
                continue
            if col > 0:
                lines.append((line_start, i))
                line_start, col = i, 0
            if word <= width:
                col, i = word, j
                continue
        # A space, or a word wider than a whole line: placed cluster by cluster.
        for k in range(i, j):
            if col + widths[k] > width and col > 0:
                lines.append((line_start, k))
                line_start, col = k, 0
            col += widths[k]
        i = j
    lines.append((line_start, n))
    return lines


def reorder(levels: list[int]) -> list[int]:
    """Rule L2: indices in visual order, left to right."""
    order = list(range(len(levels)))
    odd = [lv for lv in levels if lv & 1]
    if not odd:
        # Only even levels: anything above the lowest even level still reverses twice per two levels.
        if not levels or max(levels) < 2:
            return order
        lowest = 1
    else:
        lowest = min(odd)
    for level in range(max(levels), lowest - 1, -1):
        i = 0
        n = len(order)
        while i < n:
            if levels[order[i]] >= level:
                j = i + 1
                while j < n and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


class ParagraphLayout:
    """One paragraph laid out at one width."""

    def __init__(
        self,
        text: str,
        offset: int,
        index: int,
        width: int,
        *,
        direction: Direction = "auto",
        show_marks: bool = True,
        visual: bool = True,
    ) -> None:
        """``visual=False`` keeps logical order, unshaped and unaligned, for a terminal that does
        bidi itself (``--terminal-bidi``); the maps then describe what is sent, not what is seen."""
        if width < 1:
            raise ValueError("width must be at least 1")
        self.text = text
        self.offset = offset
        self.index = index
        self.width = width
        self.visual = visual
        levels, base = paragraph_levels(text, direction)
        self.base_level = base
        self.direction: LineDirection = "rtl" if base & 1 else "ltr"
        c = self.clusters = build_clusters(text, show_marks=show_marks, shaped=visual)
        for k, w in enumerate(c.width):
            if w > width:  # a tab or wide glyph wider than the whole line
                if c.base[k] == "\t":
                    c.width[k], c.glyph[k] = width, " " * width
                else:
                    c.width[k], c.glyph[k], c.placeholder[k] = 1, "\u2026", True
        self.levels = [levels[s] for s in c.start]
        self.lines = [self._line(a, b) for a, b in _wrap(c.width, c.space, width)]

    def _line(self, a: int, b: int) -> VisualLine:
        c = self.clusters
        base = self.base_level
        levels = self.levels[a:b]
        bases = c.base[a:b]
        # L1: separators, and the whitespace before them or at the end of the line.
        trailing = True
        for k in range(len(bases) - 1, -1, -1):
            ch = bases[k]
            if ch in _L1_SEPARATORS:
                levels[k] = base
                trailing = True
            elif trailing and ch in _L1_TRAILING:
                levels[k] = base
            else:
                trailing = False
        offset = self.offset
        glyphs: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        flags: list[bool] = []
        owners: dict[int, tuple[int, int]] = {}
        order = reorder(levels) if self.visual and any(levels) else range(len(levels))
        for k in order:
            i = a + k
            start, end = offset + c.start[i], offset + c.end[i]
            glyph = c.glyph[i]
            if levels[k] & 1 and self.visual:  # L4
                mirror = MIRRORED.get(c.base[i])
                if mirror is not None:
                    glyph = mirror + glyph[1:]
            width = c.width[i]
            if width == 1:
                glyphs.append(glyph)
                starts.append(start)
                ends.append(end)
                flags.append(c.placeholder[i])
                continue
            # Wide glyphs and tabs: the first cell shows the range; the rest are continuation cells.
            first = len(glyphs)
            if c.base[i] == "\t":
                glyphs.extend(" " * width)
            else:
                glyphs.append(glyph)
                glyphs.extend([""] * (width - 1))
            starts.append(start)
            ends.append(end)
            starts.extend([start] * (width - 1))
            ends.extend([start] * (width - 1))
            flags.extend([c.placeholder[i]] * width)
            for x in range(first + 1, first + width):
                owners[x] = (start, end)
        line_start = offset + (c.start[a] if b > a else 0)
        line_end = offset + (c.end[b - 1] if b > a else 0)
        pad = self.width - len(glyphs)
        if self.direction == "rtl" and self.visual and glyphs and pad > 0:
            glyphs[:0] = [" "] * pad
            starts[:0] = [line_start] * pad
            ends[:0] = [line_start] * pad
            flags[:0] = [False] * pad
            owners = {x + pad: o for x, o in owners.items()}
        return VisualLine(self.index, line_start, line_end, self.direction, glyphs, starts, ends, flags, owners)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the lines of the text, without their line break. A "\\r"
    before "\\n" belongs to the break. There is always at least one paragraph."""
    spans: list[tuple[int, int]] = []
    pos: int | None = 0
    while pos is not None:
        pos = _scan(text, pos, spans, len(text) + 1)
    return spans


def _scan(text: str, pos: int, spans: list[tuple[int, int]], limit: int) -> int | None:
    """Append up to `limit` paragraphs starting at `pos`; the position to go on from, or None at the end."""
    find = text.find
    for _ in range(limit):
        nl = find("\n", pos)
        if nl < 0:
            spans.append((pos, len(text)))
            return None
        end = nl - 1 if nl > pos and text[nl - 1] == "\r" else nl
        spans.append((pos, end))
        pos = nl + 1
    return pos


def line_record(line: VisualLine) -> dict[str, Any]:
    """What `reader cat --json` printed for a line."""
    return {
        "paragraph": line.paragraph,
        "start": line.start,
        "end": line.end,
        "direction": line.direction,
        "text": line.text,
        "cells": [
            [s] if e == s + 1 else list(range(s, e)) for s, e in zip(line.cell_start, line.cell_end, strict=True)
        ],
    }
