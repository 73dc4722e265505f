"""A whole document laid out lazily.

Paragraph boundaries are found as far as they are needed, and a paragraph is laid out when a line
of it is first asked for; so a screenful of a 10 MB article costs a screenful of work. Until then
line counts are estimates: per paragraph from its length, and for the part of the text not yet
scanned from the characters-per-line seen so far. Laid-out paragraphs are kept in an LRU cache;
exact line counts are kept for good.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator
from itertools import accumulate

from .bidi_levels import Direction
from .layout import ParagraphLayout, VisualLine

_SCAN_STEP = 2000  # paragraphs found per scanning step


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


class DocumentLayout:
    def __init__(
        self,
        text: str,
        width: int,
        *,
        direction: Direction = "auto",
        show_marks: bool = True,
        visual: bool = True,
        cache_size: int = 2048,
    ) -> None:
        self.text = text
        self.visual = visual
        self.direction: Direction = direction
        self.show_marks = show_marks
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._scan_pos: int | None = 0
        self._cache: OrderedDict[int, ParagraphLayout] = OrderedDict()
        self._cache_size = cache_size
        self.width = max(1, width)
        self._counts: list[int] = []
        self._exact: list[bool] = []
        self._prefix: list[int] | None = None
        self._scan_more()

    # -- scanning ------------------------------------------------------------------------------
    def _per_line(self) -> int:
        # Estimates assume lines 90% full: wrapping at word boundaries wastes some of each line.
        return max(1, int(self.width * 0.9))

    def _scan_more(self) -> bool:
        """Find the next batch of paragraphs. False when the whole text is scanned."""
        if self._scan_pos is None:
            return False
        first = len(self._spans)
        self._scan_pos = _scan(self.text, self._scan_pos, self._spans, _SCAN_STEP)
        new = self._spans[first:]
        self._starts.extend(start for start, _ in new)
        per_line = self._per_line()
        self._counts.extend((end - start + per_line - 1) // per_line or 1 for start, end in new)
        self._exact.extend([False] * len(new))
        self._prefix = None
        return True

    def _scan_all(self) -> None:
        while self._scan_more():
            pass

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of every paragraph (scans the whole text)."""
        self._scan_all()
        return self._spans

    @property
    def paragraph_count(self) -> int:
        self._scan_all()
        return len(self._spans)

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
        if show_marks is not None:
            self.show_marks = show_marks
        self._reset_layouts()

    def _reset_layouts(self) -> None:
        self._cache.clear()
        per_line = self._per_line()
        self._counts = [(end - start + per_line - 1) // per_line or 1 for start, end in self._spans]
        self._exact = [False] * len(self._spans)
        self._prefix = None

    # -- paragraphs ----------------------------------------------------------------------------
    def paragraph(self, index: int) -> ParagraphLayout:
        layout = self._cache.get(index)
        if layout is not None:
            self._cache.move_to_end(index)
            return layout
        while index >= len(self._spans) and self._scan_more():
            pass
        start, end = self._spans[index]
        layout = ParagraphLayout(
            self.text[start:end],
            start,
            index,
            self.width,
            direction=self.direction,
            show_marks=self.show_marks,
            visual=self.visual,
        )
        self._cache[index] = layout
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        if self._counts[index] != len(layout.lines):
            self._counts[index] = len(layout.lines)
            self._prefix = None
        self._exact[index] = True
        return layout

    def paragraph_of(self, offset: int) -> int:
        """Index of the paragraph holding an offset (a line break belongs to the paragraph it ends)."""
        while self._scan_pos is not None and self._scan_pos <= offset:
            self._scan_more()
        return max(0, bisect_right(self._starts, offset) - 1)

    # -- lines ---------------------------------------------------------------------------------
    @property
    def prefix(self) -> list[int]:
        """First line index of each scanned paragraph, plus their total at the end."""
        if self._prefix is None:
            self._prefix = [0, *accumulate(self._counts)]
        return self._prefix

    @property
    def line_count(self) -> int:
        """Lines in the document: exact once everything is laid out, an estimate until then."""
        scanned = self.prefix[-1]
        if self._scan_pos is None:
            return scanned
        rest = len(self.text) - self._scan_pos
        chars_per_line = max(1.0, self._scan_pos / max(1, scanned))
        return scanned + max(1, round(rest / chars_per_line))

    @property
    def exact(self) -> bool:
        """True once every paragraph has been laid out, so line_count is exact."""
        return self._scan_pos is None and all(self._exact)

    def locate_line(self, y: int) -> tuple[int, int]:
        """(paragraph, line within it) for a line index, clamped to the document."""
        y = max(0, y)
        while y >= self.prefix[-1] and self._scan_more():
            pass
        y = min(y, self.prefix[-1] - 1)
        p = bisect_right(self.prefix, y) - 1
        return p, y - self.prefix[p]

    def line(self, y: int) -> VisualLine | None:
        """The visual line at index y, or None past the end. Laying out a paragraph can correct its
        line-count estimate, so callers re-read line_count afterwards."""
        if y < 0:
            return None
        while True:
            while y >= self.prefix[-1] and self._scan_more():
                pass
            if y >= self.prefix[-1]:
                return None
            p = bisect_right(self.prefix, y) - 1
            k = y - self.prefix[p]
            lines = self.paragraph(p).lines
            if k < len(lines):
                return lines[k]
            # The estimate for paragraph p was too high; its count is exact now, so look again.

    def lines(self) -> Iterator[VisualLine]:
        """Every line in order, laying out as it goes (for `reader cat`)."""
        p = 0
        while p < len(self._spans) or self._scan_more():
            yield from self.paragraph(p).lines
            if len(self._cache) > 1:
                self._cache.popitem(last=False)  # streaming: keep memory flat on huge files
            p += 1

    def first_line_of(self, paragraph: int) -> int:
        self.paragraph(paragraph)
        return self.prefix[paragraph]

    def position_of(self, offset: int) -> tuple[int, int]:
        """(line index, cell x) where an offset is drawn. A line break's offset maps to the end of
        the last line of the paragraph it ends."""
        p = self.paragraph_of(offset)
        layout = self.paragraph(p)
        base = self.prefix[p]
        for k, line in enumerate(layout.lines):
            if line.start <= offset < line.end:
                x = line.x_of(offset)
                if x is not None:
                    return base + k, x
        last = layout.lines[-1]
        edge = 0 if last.direction == "rtl" else max(0, len(last.glyphs) - 1)
        return base + len(layout.lines) - 1, edge
