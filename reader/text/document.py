"""A whole document laid out lazily.

The text is cut into blocks: a block is a paragraph (a line of the text), or, for a paragraph longer
than PARAGRAPH_LIMIT characters, a piece of one (see next_cut). Blocks are found as far as
they are needed, and a block is laid out when a line of it is first asked for, so a screenful of a
10 MB article costs a screenful of work. Until then a block's line count is an estimate from its
length, and the part of the text not yet scanned is estimated from the characters per line seen so
far. Counts live in a Fenwick tree (line_index.py), so correcting an estimate near the end of a huge
article costs O(log n), not a rebuild of every prefix sum.

Line indices and line counts are therefore estimates until settled, and the API says which is which:
``estimated_line_count`` (for a scroll bar), ``settled_line_count`` (None until every block is laid
out), ``settled_lines`` (how many lines from the top have their final index) and
``exact_line_count()`` (lays out everything). ``line(y)`` returns None past the end; ``lines()``
yields every line. Laid-out blocks are kept in a cache bounded in characters.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from .bidi_levels import Direction, paragraph_levels
from .chars import ZWJ, ZWNJ, Kind, classify
from .layout import ParagraphLayout, VisualLine
from .line_index import LineIndex

_SCAN_STEP = 2000  # blocks found per scanning step, at most
_SCAN_CHARS = 1 << 20  # and characters

# A paragraph longer than this is laid out in blocks of at most this many characters, cut at the end
# of a sentence if there is one in the block's second half, else after a space, else between two
# clusters. Bidi is resolved per block, in the paragraph's direction (taken from its first block), and
# a line ends where a block ends. Normal paragraphs (a few thousand characters at most) are laid out
# whole. 4096 characters lay out in a few milliseconds, so paging into a new block stays well inside
# a frame.
PARAGRAPH_LIMIT = 4096

# Laid-out blocks kept, in characters of text (a cached character costs some tens of bytes).
CACHE_CHARS = 1_000_000

_SPACE = re.compile(r"\s")
_LAM = "\u0644"
_ALEFS = frozenset("\u0627\u0623\u0625\u0622")


def _is_mark(ch: str) -> bool:
    return classify(ch)[0] is Kind.MARK


# What ends a sentence, written backwards: a space, maybe closing quotes or brackets, a terminator.
# It is searched for in the reversed window, so the first match is the last sentence end.
_SENTENCE_END_REVERSED = re.compile("\\s[\"'\u201d\u2019\u00bb)\\]]*[.!?\u061f\u06d4\u3002\u2026]")


def next_cut(text: str, start: int, end: int, limit: int = PARAGRAPH_LIMIT) -> int:
    """Where the block starting at start ends, in a paragraph ending at end (end - start > limit):
    after the last sentence end (a terminator such as . ! ? ؟ ۔ …, closing quotes, a space) in the
    block's second half if there is one, else after its last space, else before a character that
    starts a cluster (never between a letter and its marks, nor between lam and alef)."""
    low, high = start + limit // 2, start + limit
    sentence = _SENTENCE_END_REVERSED.search(text[low:high][::-1])
    if sentence is not None:
        cut = high - sentence.start()
    else:
        space = text.rfind(" ", low, high)
        if space < 0:  # another kind of space
            space = max((match.start() for match in _SPACE.finditer(text, low, high)), default=-1)
        cut = space + 1 if space >= 0 else high
    while cut > start + 1 and (_is_mark(text[cut]) or splits_ligature(text, cut)):
        cut -= 1  # never inside a cluster
    return cut


def splits_ligature(text: str, offset: int) -> bool:
    """Whether a boundary at offset falls between a lam and the alef it forms a ligature with (only
    marks between them)."""
    n = len(text)
    if not 0 < offset < n:
        return False
    j = offset
    while j < n and text[j] not in _ALEFS:
        if text[j] in (ZWJ, ZWNJ) or not _is_mark(text[j]):
            return False
        j += 1
    if j >= n:
        return False
    i = offset - 1
    while i >= 0 and text[i] != _LAM:
        if text[i] in (ZWJ, ZWNJ) or not _is_mark(text[i]):
            return False
        i -= 1
    return i >= 0


class DocumentLayout:
    def __init__(
        self,
        text: str,
        width: int,
        *,
        direction: Direction = "auto",
        show_marks: bool = True,
        visual: bool = True,
        cache_chars: int = CACHE_CHARS,
    ) -> None:
        self.text = text
        self.visual = visual
        self.direction: Direction = direction
        self.show_marks = show_marks
        self.width = max(1, width)
        # Paragraphs found so far: (start, end), and their starts for bisecting.
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._scan_pos: int | None = 0
        # The paragraph being cut into blocks: (index, end, where the next paragraph starts or None).
        self._open: tuple[int, int, int | None] | None = None
        # Blocks found so far (one per paragraph, or more for a long one).
        self._block_start: list[int] = []
        self._block_end: list[int] = []
        self._block_paragraph: list[int] = []
        self._paragraph_block: list[int] = []  # the first block of each paragraph
        self._paragraph_direction: dict[int, Direction] = {}  # of paragraphs cut into blocks
        # Line counts (estimated or exact) per block, and which are exact.
        self._counts = LineIndex()
        self._exact = bytearray()
        self._inexact = 0
        self._settled_blocks = 0  # blocks 0..this-1 are all exact
        self._cache: OrderedDict[int, ParagraphLayout] = OrderedDict()
        self._cache_chars = 0
        self._cache_limit = cache_chars
        self._boundaries: frozenset[int] = frozenset()  # lam-alef ligatures drawn apart at these offsets
        self._scan_more()

    # -- scanning ------------------------------------------------------------------------------
    def _per_line(self) -> int:
        # Estimates assume lines 90% full: wrapping at word boundaries wastes some of each line.
        return max(1, int(self.width * 0.9))

    def _estimate(self, block: int) -> int:
        per_line = self._per_line()
        return (self._block_end[block] - self._block_start[block] + per_line - 1) // per_line or 1

    def _scan_more(self) -> bool:
        """Find the next batch of blocks (up to _SCAN_STEP of them, or _SCAN_CHARS characters: a
        paragraph of megabytes is cut as far as it is read). False when the whole text is scanned."""
        pos = self._scan_pos
        if pos is None:
            return False
        text = self.text
        starts: list[int] = []
        ends: list[int] = []
        paragraphs: list[int] = []
        chars = 0
        while len(starts) < _SCAN_STEP and chars < _SCAN_CHARS:
            if self._open is None:  # a paragraph starts at pos
                nl = text.find("\n", pos)
                end = len(text) if nl < 0 else nl - 1 if nl > pos and text[nl - 1] == "\r" else nl
                self._open = (len(self._spans), end, None if nl < 0 else nl + 1)
                self._spans.append((pos, end))
                self._starts.append(pos)
                self._paragraph_block.append(len(self._block_start) + len(starts))
            index, end, after = self._open
            cut = end if end - pos <= PARAGRAPH_LIMIT else next_cut(text, pos, end)
            starts.append(pos)
            ends.append(cut)
            paragraphs.append(index)
            chars += cut - pos + 1
            if cut < end:
                pos = cut
                continue
            self._open = None
            if after is None:
                pos = None
                break
            pos = after
        self._scan_pos = pos
        self._block_start.extend(starts)
        self._block_end.extend(ends)
        self._block_paragraph.extend(paragraphs)
        self._exact.extend(bytes(len(starts)))
        self._inexact += len(starts)
        per_line = self._per_line()
        for start, end in zip(starts, ends, strict=True):
            self._counts.append((end - start + per_line - 1) // per_line or 1)
        return True

    def _scan_all(self) -> None:
        while self._scan_more():
            pass

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of every paragraph (scans the whole text)."""
        self._scan_all()
        return self._spans

    def paragraph_of(self, offset: int) -> int:
        """Index of the paragraph holding an offset (a line break belongs to the paragraph it ends)."""
        while self._scan_pos is not None and self._scan_pos <= offset:
            self._scan_more()
        return max(0, bisect_right(self._starts, offset) - 1)

    def _block_of(self, offset: int) -> int:
        paragraph = self.paragraph_of(offset)
        first = self._paragraph_block[paragraph]
        last = self._paragraph_block[paragraph + 1] if paragraph + 1 < len(self._spans) else len(self._block_start)
        return max(first, min(last - 1, bisect_right(self._block_start, offset, first, last) - 1))

    # -- configuration -------------------------------------------------------------------------
    def set_width(self, width: int) -> None:
        width = max(1, width)
        if width == self.width:
            return
        self.width = width
        self._reset_layouts()

    def set_options(self, *, direction: Direction | None = None, show_marks: bool | None = None) -> None:
        if direction is not None:
            self.direction = direction
            self._paragraph_direction.clear()
        if show_marks is not None:
            self.show_marks = show_marks
        self._reset_layouts()

    def _reset_layouts(self) -> None:
        self._cache.clear()
        self._cache_chars = 0
        self._counts = LineIndex(self._estimate(b) for b in range(len(self._block_start)))
        self._exact = bytearray(len(self._block_start))
        self._inexact = len(self._block_start)
        self._settled_blocks = 0

    def set_boundaries(self, offsets: Iterable[int]) -> bool:
        """The offsets where something the reader must see starts or ends (span edges, the selection,
        search hits). A lam and an alef on either side of one are drawn as two letters instead of one
        ligature cell. Only the blocks whose drawing changes are laid out again; True if any did (line
        indices after them may have moved)."""
        splits = self.ligature_splits(offsets)
        changed = splits ^ self._boundaries
        self._boundaries = splits
        if not changed:
            return False
        for offset in changed:
            if self._scan_pos is None or offset < self._scan_pos:  # (blocks not found yet have no layout)
                self._forget(self._block_of(offset))
        return True

    def ligature_splits(self, offsets: Iterable[int]) -> frozenset[int]:
        """The offsets that fall between a lam and its alef (what set_boundaries acts on): a caller
        with many boundaries that rarely change can filter them once."""
        if not self.visual:  # a bidi terminal shapes: nothing is drawn here as a ligature
            return frozenset()
        text = self.text
        return frozenset(o for o in offsets if 0 < o < len(text) and splits_ligature(text, o))

    def _forget(self, block: int) -> None:
        """Drop a block's layout; its count stays as the estimate until it is laid out again."""
        layout = self._cache.pop(block, None)
        if layout is not None:
            self._cache_chars -= len(layout.text)
        if self._exact[block]:
            self._exact[block] = 0
            self._inexact += 1
            self._settled_blocks = min(self._settled_blocks, block)

    # -- blocks --------------------------------------------------------------------------------
    def _direction_of(self, block: int) -> Direction:
        """A paragraph cut into blocks is laid out in one direction: the one its first block resolves to."""
        paragraph = self._block_paragraph[block]
        first = self._paragraph_block[paragraph]
        if self.direction != "auto" or (
            block == first and (block + 1 >= len(self._block_start) or self._block_paragraph[block + 1] != paragraph)
        ):
            return self.direction
        direction = self._paragraph_direction.get(paragraph)
        if direction is None:
            opening = self.text[self._block_start[first] : self._block_end[first]]
            direction = "rtl" if paragraph_levels(opening)[1] & 1 else "ltr"
            self._paragraph_direction[paragraph] = direction
        return direction

    def _lay_out(self, block: int) -> ParagraphLayout:
        start, end = self._block_start[block], self._block_end[block]
        boundaries = self._boundaries
        layout = ParagraphLayout(
            self.text[start:end],
            start,
            self._block_paragraph[block],
            self.width,
            direction=self._direction_of(block),
            show_marks=self.show_marks,
            visual=self.visual,
            unligated=[o for o in boundaries if start < o < end] if boundaries else (),
        )
        count = len(layout.lines)
        if self._counts[block] != count:
            self._counts.set(block, count)
        if not self._exact[block]:
            self._exact[block] = 1
            self._inexact -= 1
            if block == self._settled_blocks:
                n = len(self._exact)
                settled = block + 1
                while settled < n and self._exact[settled]:
                    settled += 1
                self._settled_blocks = settled
        return layout

    def _block(self, block: int) -> ParagraphLayout:
        layout = self._cache.get(block)
        if layout is not None:
            self._cache.move_to_end(block)
            return layout
        layout = self._lay_out(block)
        self._cache[block] = layout
        self._cache_chars += len(layout.text)
        while self._cache_chars > self._cache_limit and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cache_chars -= len(dropped.text)
        return layout

    # -- line counts ---------------------------------------------------------------------------
    @property
    def estimated_line_count(self) -> int:
        """Lines in the document as far as known: exact once settled, an estimate until then (what a
        scroll bar needs). Never loop over range(estimated_line_count): use lines() or line(y)."""
        scanned = self._counts.total
        if self._scan_pos is None:
            return scanned
        rest = len(self.text) - self._scan_pos
        chars_per_line = max(1.0, self._scan_pos / max(1, scanned))
        return scanned + max(1, round(rest / chars_per_line))

    @property
    def settled_line_count(self) -> int | None:
        """The exact number of lines once every block is laid out at this width; None until then."""
        if self._scan_pos is None and not self._inexact:
            return self._counts.total
        return None

    @property
    def settled_lines(self) -> int:
        """How many lines from the top have their final index (every block before them is laid out):
        a line index y is exact if y < settled_lines."""
        return self._counts.first_line(self._settled_blocks)

    def exact_line_count(self) -> int:
        """Lay out every block (the whole text: seconds for megabytes) and return the exact count."""
        self._scan_all()
        if self._inexact:
            for block in range(self._settled_blocks, len(self._block_start)):
                if not self._exact[block]:
                    self._lay_out(block)
        return self._counts.total

    def describe_line(self, y: int) -> str:
        """ "line N/M" for the status line, with "~" on whichever number is still an estimate."""
        total = self.settled_line_count
        number = f"{y + 1}" if y < self.settled_lines else f"~{y + 1}"
        return f"line {number}/{total if total is not None else f'~{self.estimated_line_count}'}"

    # -- lines ---------------------------------------------------------------------------------
    def line(self, y: int) -> VisualLine | None:
        """The visual line at index y, or None past the end. Laying out a block corrects its count,
        so the index of a line after it can change; a line's own index is final once it is settled."""
        if y < 0:
            return None
        while True:
            while y >= self._counts.total and self._scan_more():
                pass
            if y >= self._counts.total:
                return None
            block, first = self._counts.find(y)
            lines = self._block(block).lines
            if y - first < len(lines):
                return lines[y - first]
            # The estimate for this block was too high; its count is exact now, so look again.

    def last_line_index(self) -> int:
        """The index of the last line (scans to the end of the text and lays out its last block)."""
        self._scan_all()
        self._block(len(self._block_start) - 1)
        return self._counts.total - 1

    def lines(self) -> Iterator[VisualLine]:
        """Every line in order, laying out as it goes without filling the cache (for `reader cat`
        and for settling counts: memory stays flat on huge files)."""
        block = 0
        while block < len(self._block_start) or self._scan_more():
            layout = self._cache.get(block)
            yield from (layout if layout is not None else self._lay_out(block)).lines
            block += 1

    def position_of(self, offset: int) -> tuple[int, int]:
        """(line index, cell x) where an offset is drawn. A line break's offset maps to the end of
        the last line of the paragraph it ends."""
        block = self._block_of(offset)
        layout = self._block(block)
        first = self._counts.first_line(block)
        lines = layout.lines
        k = bisect_right(layout.line_starts, offset) - 1
        if 0 <= k < len(lines) and lines[k].start <= offset < lines[k].end:
            x = lines[k].x_of(offset)
            if x is not None:
                return first + k, x
        last = lines[-1]
        edge = 0 if last.direction == "rtl" else max(0, last.width - 1)
        return first + len(lines) - 1, edge
