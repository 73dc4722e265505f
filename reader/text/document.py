"""A whole document laid out lazily: paragraphs are laid out when a line of theirs is first asked for.

Until a paragraph is laid out its line count is an estimate, so the total line count of a huge
document is known at once and a screenful costs a screenful of work. Laid-out paragraphs are kept in
an LRU cache; their exact line counts are kept for good.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator
from itertools import accumulate

from .bidi_levels import Direction
from .layout import ParagraphLayout, VisualLine


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the lines of the text, without their line break. A "\\r"
    before "\\n" belongs to the break. There is always at least one paragraph."""
    spans: list[tuple[int, int]] = []
    start = 0
    find = text.find
    while True:
        nl = find("\n", start)
        if nl < 0:
            spans.append((start, len(text)))
            return spans
        end = nl - 1 if nl > start and text[nl - 1] == "\r" else nl
        spans.append((start, end))
        start = nl + 1


class DocumentLayout:
    def __init__(
        self,
        text: str,
        width: int,
        *,
        direction: Direction = "auto",
        show_marks: bool = True,
        cache_size: int = 2048,
    ) -> None:
        self.text = text
        self.direction: Direction = direction
        self.show_marks = show_marks
        self.paragraphs = split_paragraphs(text)
        self._starts = [start for start, _ in self.paragraphs]
        self._cache: OrderedDict[int, ParagraphLayout] = OrderedDict()
        self._cache_size = cache_size
        self.width = 0
        self._counts: list[int] = []
        self._exact: list[bool] = []
        self._prefix: list[int] | None = None
        self.set_width(width)

    # -- configuration -------------------------------------------------------------------------
    def set_width(self, width: int) -> None:
        width = max(1, width)
        if width == self.width:
            return
        self.width = width
        self._cache.clear()
        # Estimate from cell count with a margin for wrap waste; corrected on layout.
        per_line = max(1, int(width * 0.9))
        self._counts = [max(1, -(-(end - start) // per_line)) for start, end in self.paragraphs]
        self._exact = [False] * len(self.paragraphs)
        self._prefix = None

    def set_options(self, *, direction: Direction | None = None, show_marks: bool | None = None) -> None:
        if direction is not None:
            self.direction = direction
        if show_marks is not None:
            self.show_marks = show_marks
        old = self.width
        self.width = 0
        self.set_width(old)

    # -- paragraphs ----------------------------------------------------------------------------
    def paragraph(self, index: int) -> ParagraphLayout:
        layout = self._cache.get(index)
        if layout is not None:
            self._cache.move_to_end(index)
            return layout
        start, end = self.paragraphs[index]
        layout = ParagraphLayout(
            self.text[start:end],
            start,
            index,
            self.width,
            direction=self.direction,
            show_marks=self.show_marks,
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
        return max(0, bisect_right(self._starts, offset) - 1)

    # -- lines ---------------------------------------------------------------------------------
    @property
    def prefix(self) -> list[int]:
        """First line index of each paragraph, plus the total at the end."""
        if self._prefix is None:
            self._prefix = [0, *accumulate(self._counts)]
        return self._prefix

    @property
    def line_count(self) -> int:
        return self.prefix[-1]

    @property
    def exact(self) -> bool:
        """True once every paragraph has been laid out, so line_count is exact."""
        return all(self._exact)

    def locate_line(self, y: int) -> tuple[int, int]:
        """(paragraph, line within it) for a line index; clamps to the document."""
        y = min(max(0, y), self.line_count - 1)
        p = bisect_right(self.prefix, y) - 1
        return p, y - self.prefix[p]

    def line(self, y: int) -> VisualLine | None:
        """The visual line at index y, or None past the end. Laying out a paragraph can correct its
        line-count estimate, so callers re-read line_count afterwards."""
        if y < 0 or y >= self.line_count:
            return None
        p, k = self.locate_line(y)
        layout = self.paragraph(p)
        if k >= len(layout.lines):  # the estimate was too high; y now falls past this paragraph
            return self.line(y) if y < self.line_count else None
        return layout.lines[k]

    def lines(self) -> Iterator[VisualLine]:
        """Every line in order, laying out as it goes (for `reader cat`)."""
        for p in range(len(self.paragraphs)):
            yield from self.paragraph(p).lines

    def first_line_of(self, paragraph: int) -> int:
        return self.prefix[paragraph]

    def position_of(self, offset: int) -> tuple[int, int]:
        """(line index, cell x) where an offset is drawn. Offsets of a line break map to the end of
        the paragraph's last line."""
        p = self.paragraph_of(offset)
        layout = self.paragraph(p)
        base = self.prefix[p]
        for k, line in enumerate(layout.lines):
            if line.start <= offset < line.end:
                x = line.x_of(offset)
                if x is not None:
                    return base + k, x
        last = layout.lines[-1]
        edge = 0 if last.direction == "rtl" else max(0, len(last.cells) - 1)
        return base + len(layout.lines) - 1, edge
