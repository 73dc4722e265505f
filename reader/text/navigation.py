"""Cursor movement on laid-out text. The cursor is a logical offset (the first character of a
cluster); moves are visual: "left" goes to the cell on the left, which in right-to-left text is
forward in the text."""

from __future__ import annotations

from .document import DocumentLayout
from .layout import VisualLine
from .words import word_at


def _content_cells(line: VisualLine, xs: range) -> int | None:
    for x in xs:
        offset = line.offset_at(x)
        if offset is not None:
            return offset
    return None


def nearest_offset(line: VisualLine, x: int) -> int | None:
    """What the cell nearest to x shows (padding and empty lines have no characters)."""
    shown = [cx for cx in range(line.width) if line.offset_at(cx) is not None]
    if not shown:
        return None
    return line.offset_at(min(shown, key=lambda cx: (abs(cx - x), cx)))


def cluster_range(layout: DocumentLayout, offset: int) -> tuple[int, int]:
    """The logical range drawn together with offset (a letter and its marks, a lam-alef pair)."""
    y, x = layout.position_of(offset)
    line = layout.line(y)
    if line is None:
        return offset, offset
    if not 0 <= x < line.width:
        return offset, offset
    owner = line.cell_owner.get(x)
    if owner is not None:
        return owner
    s, e = line.cell_start[x], line.cell_end[x]
    return (s, e) if e > s else (offset, offset)


def horizontal(layout: DocumentLayout, offset: int, dx: int) -> int:
    """One cell left (dx=-1) or right (dx=+1); past a line's edge, onto the next or previous line."""
    y, x = layout.position_of(offset)
    line = layout.line(y)
    if line is None:
        return offset
    nx = x + dx
    while 0 <= nx < line.width:
        o = line.offset_at(nx)
        if o is not None and o != offset:
            return o
        nx += dx
    forward = (dx > 0) != (line.direction == "rtl")
    other = layout.line(y + 1 if forward else y - 1)
    if other is None:
        return offset
    xs = range(other.width - 1, -1, -1) if dx < 0 else range(other.width)
    found = _content_cells(other, xs)
    return other.start if found is None else found


def vertical(layout: DocumentLayout, offset: int, dy: int, goal_x: int | None = None) -> tuple[int, int]:
    """dy lines up or down, to the cell nearest goal_x. Returns (offset, goal_x) so repeated moves
    keep their column across short lines."""
    y, x = layout.position_of(offset)
    goal = x if goal_x is None else goal_x
    target = max(0, y + dy)
    line = layout.line(target)
    if line is None:  # past the end: the last line
        target = layout.last_line_index()
        line = layout.line(target)
    if line is None or target == y:
        return offset, goal
    nearest = nearest_offset(line, goal)
    if nearest is not None:
        return nearest, goal
    return line.start, goal


def line_edge(layout: DocumentLayout, offset: int, *, end: bool) -> int:
    """Logical start (end=False) or the last character (end=True) of the visual line."""
    y, _ = layout.position_of(offset)
    line = layout.line(y)
    if line is None:
        return offset
    starts = [s for s, e in zip(line.cell_start, line.cell_end, strict=True) if e > s]
    if not starts:
        return line.start
    return max(starts) if end else min(starts)


def word_move(layout: DocumentLayout, offset: int, dx: int) -> int:
    """To the start of the next word on the screen to the right (dx=+1) or left (dx=-1). Visual,
    like every move: a Latin name inside Arabic text is crossed left to right, as it reads. From
    inside a word, a move towards that word's start stops there first, as in editors."""
    text = layout.text
    current = word_at(text, offset)
    if current is not None and current[0] < offset:
        (y0, x0), (y1, x1) = layout.position_of(current[0]), layout.position_of(offset)
        if y0 == y1 and (x0 - x1) * dx > 0:
            return current[0]
    position = offset
    for _ in range(len(text) + 1):
        moved = horizontal(layout, position, dx)
        if moved == position:
            return position
        position = moved
        word = word_at(text, position)
        if word is not None and word != current:
            return word[0]
    return position
