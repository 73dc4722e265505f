"""The article's cursor and selection: one immutable value and the pure transitions between values.

The article view holds the current :class:`CursorState` and draws it; every change goes through the
view's one setter, which redraws what changed. Nothing else assigns a cursor or a selection, so what
is painted is always what a label key will act on. No Textual here: the transitions are tested
directly (tests/unit/app_logic/test_cursor.py).

Offsets are logical code-point offsets. The cursor is the offset of the character its cell shows;
a selection is a half-open range ``(start, end)``.

How selections grow:

* by characters (shift + arrows, mouse drag): from the anchor character to the cursor character,
  snapped to whole words at both ends;
* by words (ctrl + shift + arrows): from the selection, or from the word under the cursor, one whole
  word per press, as editors do. The first press selects the word under the cursor; each further
  press adds the next word on the side the cursor is on, and a press the other way gives it back.
  Arrows are visual: the first press reads the way the arrow points where the cursor is
  (ctrl + shift + ← in right-to-left text reads forward, → in a Latin name inside it too), and
  further presses keep that way, across numbers and Latin words whose cells run the other way;
* set exactly (a search hit, a suggestion, the span list, ``[ ] { }`` edge keys): kept as set, not
  snapped, so a hit inside a word (أوستن in لأوستن) is what gets labelled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reader.text import DocumentLayout
from reader.text import navigation as nav
from reader.text.words import is_word_char, snap_to_words, word_at

Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class CursorState:
    cursor: int = 0
    selection: Range | None = None
    # The character an extension by keys or by the mouse started from; None when the selection was
    # set as a whole (then the next extension grows it on the side it moves towards).
    anchor: int | None = None
    # The column up/down moves keep across short lines.
    goal_x: int | None = None
    # The last word-wise extension: its arrow (-1, +1) and whether that read forward. Further presses
    # of the same arrow keep that way through numbers and Latin names (whose cells run the other way).
    word_step: tuple[int, bool] | None = None

    def target(self, text: str) -> Range | None:
        """What a label key applies to: the selection, or else the word under the cursor."""
        if self.selection is not None:
            return self.selection
        return word_at(text, self.cursor)


def at(offset: int) -> CursorState:
    """A bare cursor on offset."""
    return CursorState(cursor=offset)


def moved(
    state: CursorState, layout: DocumentLayout, offset: int, *, extend: bool, goal_x: int | None = None
) -> CursorState:
    """The cursor on offset. ``extend`` grows the selection by characters from the anchor (set to the
    old cursor if there is none); otherwise the selection goes. ``goal_x`` is kept for vertical moves."""
    if not extend:
        return CursorState(cursor=offset, goal_x=goal_x)
    anchor = state.cursor if state.anchor is None else state.anchor
    return CursorState(cursor=offset, selection=_span_between(layout, anchor, offset), anchor=anchor, goal_x=goal_x)


def dragged_from(offset: int) -> CursorState:
    """A mouse button went down on offset: a cursor there, anchoring a drag."""
    return CursorState(cursor=offset, anchor=offset)


def drag_ended(state: CursorState) -> CursorState:
    """The mouse button went up: a click without a move is a cursor, not a one-letter selection."""
    if state.anchor == state.cursor:
        return CursorState(cursor=state.cursor)
    return replace(state, anchor=None)


def selected(state: CursorState, start: int, end: int, *, cursor: int | None = None) -> CursorState:
    """The range exactly as given (not snapped); the cursor stays unless given."""
    where = state.cursor if cursor is None else cursor
    if end <= start:
        return CursorState(cursor=where)
    return CursorState(cursor=where, selection=(start, end))


def cleared(state: CursorState) -> CursorState:
    """No selection; the cursor stays."""
    return CursorState(cursor=state.cursor)


def word_selected(state: CursorState, text: str) -> CursorState:
    """The word under the cursor, selected (unchanged if the cursor is not on a word)."""
    word = word_at(text, state.cursor)
    return state if word is None else selected(state, *word)


def edge_moved(state: CursorState, text: str, edge: str, delta: int) -> CursorState:
    """One edge of the selection (or of the word under the cursor) moved by one character, without
    snapping: how a clitic is trimmed off (حماس inside لحماس)."""
    current = state.target(text)
    if current is None:
        return state
    start, end = current
    if edge == "start":
        start = max(0, min(start + delta, end - 1))
    else:
        end = min(len(text), max(end + delta, start + 1))
    return selected(state, start, end)


def word_extended(state: CursorState, layout: DocumentLayout, dx: int) -> CursorState:
    """ctrl + shift + an arrow: grow (or give back) the selection by one whole word; see the module
    docstring. ``dx`` is visual (-1 left, +1 right); which way that reads is taken at the cursor."""
    text = layout.text
    if state.word_step is not None and abs(state.word_step[0]) == abs(dx):
        last_dx, last_forward = state.word_step
        forward = last_forward if last_dx == dx else not last_forward
    else:
        step = nav.horizontal(layout, state.cursor, dx)
        if step == state.cursor:
            return state
        forward = step > state.cursor
    return replace(_word_extended(state, text, forward), word_step=(dx, forward))


def _word_extended(state: CursorState, text: str, forward: bool) -> CursorState:
    if state.selection is None:
        word = word_at(text, state.cursor) or (
            _next_word(text, state.cursor) if forward else _prev_word(text, state.cursor)
        )
        if word is None:
            return state
        start, end = word
        return _grown(start, end, head_at_end=forward)
    start, end = state.selection
    # The cursor is on the moving end; a selection set as a whole grows where the key points.
    anchor = state.cursor if state.anchor is None else state.anchor
    head_at_end = forward if anchor == state.cursor else state.cursor > anchor
    if head_at_end:
        if forward:
            nxt = _next_word(text, end)
            return state if nxt is None else _grown(start, nxt[1], head_at_end=True)
        last_start = max(start, _word_start(text, end - 1))
        kept = _prev_word(text, last_start)
        if kept is not None and kept[1] > start:
            return _grown(start, kept[1], head_at_end=True)
        before = _prev_word(text, start)  # only one word left: grow the other way, keeping it
        return state if before is None else _grown(before[0], end, head_at_end=False)
    if not forward:
        before = _prev_word(text, start)
        return state if before is None else _grown(before[0], end, head_at_end=False)
    first_end = min(end, _word_end(text, start))
    kept = _next_word(text, first_end)
    if kept is not None and kept[0] < end:
        return _grown(kept[0], end, head_at_end=False)
    after = _next_word(text, end)
    return state if after is None else _grown(start, after[1], head_at_end=True)


# -- helpers -----------------------------------------------------------------------------------------
def _span_between(layout: DocumentLayout, anchor: int, cursor: int) -> Range | None:
    a0, a1 = nav.cluster_range(layout, anchor)
    c0, c1 = nav.cluster_range(layout, cursor)
    start, end = min(a0, c0), max(a1, c1)
    if end <= start:
        return None
    return snap_to_words(layout.text, start, end)


def _grown(start: int, end: int, *, head_at_end: bool) -> CursorState:
    """A word-wise selection with its cursor on the moving end and its anchor on the other."""
    if head_at_end:
        return CursorState(cursor=end - 1, selection=(start, end), anchor=start)
    return CursorState(cursor=start, selection=(start, end), anchor=end - 1)


def _next_word(text: str, offset: int) -> Range | None:
    """The word at offset, or the first one after it."""
    i = max(0, offset)
    while i < len(text) and not is_word_char(text[i]):
        i += 1
    return word_at(text, i) if i < len(text) else None


def _prev_word(text: str, offset: int) -> Range | None:
    """The last word that ends at or before offset."""
    i = min(offset, len(text)) - 1
    while i >= 0 and not is_word_char(text[i]):
        i -= 1
    return word_at(text, i) if i >= 0 else None


def _word_start(text: str, offset: int) -> int:
    word = word_at(text, offset)
    return word[0] if word else offset


def _word_end(text: str, offset: int) -> int:
    word = word_at(text, offset)
    return word[1] if word else offset + 1
