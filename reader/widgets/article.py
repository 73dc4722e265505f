"""The article: laid out by reader.text, drawn through Textual's line API with a per-line cache.

The widget holds the cursor and selection state (reader.cursor.CursorState: a pure value with pure
transitions) and draws it, with spans, search hits and placeholders, on the cells that show them.
Every change of that state goes through one setter, which redraws exactly the lines it touches. The
widget changes nothing in the store: the screen acts on what it reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from annotations.labels import LabelSchema
from annotations.model import Span
from reader import cursor as cur
from reader.colours import Quantize
from reader.cursor import CursorState
from reader.options import ViewOptions
from reader.overlays import RangeIndex, cell_runs, changed_ranges
from reader.text import DocumentLayout, VisualLine
from reader.text import navigation as nav
from reader.theme import colour_system, quantizer, schema_inks
from reader.widgets.scrollbar import StripScrollBar

# Documents up to this size are laid out whole when opened, so the scrollbar is exact from the start;
# bigger ones are laid out as they are scrolled to.
EAGER_LAYOUT_CHARS = 200_000


@dataclass
class CursorMoved(Message):
    """The cursor or the selection changed."""

    offset: int
    selection: tuple[int, int] | None


@dataclass
class EdgeMoved(Message):
    """An edge key (``[ ] { }``) was pressed: the selection after it (None: nothing to trim), and
    whether it changed."""

    selection: tuple[int, int] | None
    changed: bool


def span_styles(
    schema: LabelSchema, group_style: Callable[[str], Style], background: str, quantize: Quantize
) -> dict[tuple[str, bool], Style]:
    """Style per (label, pending). How a group is drawn (underline for quotations, italics for
    pending suggestions...) comes from the stylesheet's component classes ``article--<group>`` and
    ``article--<group>-pending``; the colours from the label schema, made readable on the article's
    background by the theme rules (reader/theme.py). Pending suggestions never look accepted."""
    inks = schema_inks(schema, background, quantize)
    styles: dict[tuple[str, bool], Style] = {}
    for label in schema.labels:
        for pending in (False, True):
            drawn = group_style(f"article--{label.group}{'-pending' if pending else ''}")
            ink = inks[label.name, pending]
            styles[label.name, pending] = drawn + Style(color=ink.color, bgcolor=ink.bgcolor)
    return styles


# Drawing order: boilerplate under quotations under entities, so nested spans stay visible together.
_GROUP_ORDER = {"boilerplate": 0, "quote": 1, "entity": 2}


class ArticleView(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--cursor",
        "article--selection",
        "article--search",
        "article--placeholder",
        "article--entity",
        "article--entity-pending",
        "article--quote",
        "article--quote-pending",
        "article--boilerplate",
        "article--boilerplate-pending",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Cursor left (forward in right-to-left text)", show=False),
        Binding("right", "move(1)", "Cursor right (back in right-to-left text)", show=False),
        Binding("up", "move_line(-1)", "Line up", show=False),
        Binding("down", "move_line(1)", "Line down", show=False),
        Binding("ctrl+left", "move_word(-1)", "Word to the left", show=False),
        Binding("ctrl+right", "move_word(1)", "Word to the right", show=False),
        Binding("home", "line_edge(False)", "Start of the line (its right end in right-to-left text)", show=False),
        Binding("end", "line_edge(True)", "End of the line", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("g,ctrl+home", "top", "Top of article", show=False),
        Binding("G,ctrl+end", "bottom", "Bottom of article", show=False),
        Binding("shift+left", "move(-1, True)", "Select left", show=False),
        Binding("shift+right", "move(1, True)", "Select right", show=False),
        Binding("shift+up", "move_line(-1, True)", "Select up", show=False),
        Binding("shift+down", "move_line(1, True)", "Select down", show=False),
        Binding("ctrl+shift+left", "move_word(-1, True)", "Select word left", show=False),
        Binding("ctrl+shift+right", "move_word(1, True)", "Select word right", show=False),
        Binding("shift+home", "line_edge(False, True)", "Select to line start", show=False),
        Binding("shift+end", "line_edge(True, True)", "Select to line end", show=False),
        Binding("w", "select_word", "Select the word under the cursor", show=False),
        Binding("escape", "clear_selection", "Clear selection", show=False),
        Binding("left_square_bracket", "edge('start', -1)", "Selection start: 1 letter earlier", show=False),
        Binding("right_square_bracket", "edge('start', 1)", "Selection start: 1 letter later", show=False),
        Binding("left_curly_bracket", "edge('end', -1)", "Selection end: 1 letter earlier", show=False),
        Binding("right_curly_bracket", "edge('end', 1)", "Selection end: 1 letter later", show=False),
    ]

    def __init__(
        self,
        schema: LabelSchema,
        *,
        options: ViewOptions | None = None,
        on_cursor: Callable[[int, tuple[int, int] | None], None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        # Called synchronously on every cursor or selection change, so whoever shows the cursor's
        # context (status bar, span panel) is drawn in the same frame as the cursor itself. Without
        # it, a CursorMoved message is posted instead.
        self.on_cursor = on_cursor
        self.schema = schema
        self.options = options or ViewOptions()
        self._span_styles: dict[tuple[str, bool], Style] = {}  # from the stylesheet, once mounted
        self._groups = {label.name: label.group for label in schema.labels}
        self.layout_engine = self._new_layout("", 80)
        self._state = CursorState()
        self.spans: list[Span] = []
        self.hits: list[tuple[int, int]] = []
        # Which spans and hits a line shows is found through these, not by a scan of them all.
        self._span_index = RangeIndex([])
        self._hit_index = RangeIndex([])
        # Lines are cached by everything that decides how they look (see render_line); this counter
        # stands for the layout itself and is bumped when it is rebuilt.
        self._layout_version = 0
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._dragging = False
        self._frame: _Frame | None = None  # see render_lines
        self._ligature_edges: frozenset[int] = frozenset()  # see _update_boundaries

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's scroll bar, drawn faster (reader/widgets/scrollbar.py): a page key moves it."""
        if self._vertical_scrollbar is None:
            bar = StripScrollBar(vertical=True, name="vertical", thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def _new_layout(self, text: str, width: int) -> DocumentLayout:
        o = self.options
        return DocumentLayout(text, width, direction=o.direction, show_marks=o.show_marks, visual=o.visual)

    def on_mount(self) -> None:
        self.restyle()

    def restyle(self) -> None:
        """Derive the span styles from the stylesheet, the schema and the theme (on mount and when the
        theme changes). Partial styles: only what the stylesheet sets, so overlays combine (an entity's
        background under a quotation's underline under the cursor's reverse)."""
        background = self.rich_style.bgcolor
        hex_bg = background.get_truecolor().hex if background is not None else "#000000"
        quantize = quantizer(colour_system(self.app.console))
        self._span_styles = span_styles(
            self.schema, lambda name: self.get_component_rich_style(name, partial=True), hex_bg, quantize
        )
        self._invalidate(layout=True)

    # -- content ---------------------------------------------------------------------------------
    def load(self, text: str, spans: list[Span], *, cursor: int = 0) -> None:
        width = max(1, self.scrollable_content_region.width or 80)
        self.layout_engine = self._new_layout(text, width)
        self._set_spans(spans)
        self._set_hits([])
        self._state = cur.at(min(cursor, max(0, len(text) - 1)))
        self._update_boundaries(recompute=True)
        if len(text) <= EAGER_LAYOUT_CHARS:
            self.layout_engine.exact_line_count()
        self._invalidate(layout=True)
        self.scroll_to(0, 0, animate=False)
        self._scroll_to_cursor()
        self._announce()

    def set_spans(self, spans: list[Span]) -> None:
        changed = set(self.spans) ^ set(spans)
        self._set_spans(spans)
        self._update_boundaries(recompute=True)
        self._refresh_ranges([(s.start, s.end) for s in changed])

    def set_hits(self, hits: list[tuple[int, int]]) -> None:
        self._set_hits(hits)
        self._update_boundaries(recompute=True)
        self._invalidate()

    def set_options(self, options: ViewOptions) -> None:
        """New view options (the screen owns them); the layout follows."""
        self.options = options
        self.layout_engine.set_options(direction=options.direction, show_marks=options.show_marks)
        self._invalidate(layout=True)
        self._scroll_to_cursor()

    def _set_spans(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: (_GROUP_ORDER.get(self._groups.get(s.label, "entity"), 2), s.start))
        self._span_index = RangeIndex([(s.start, s.end) for s in self.spans])

    def _set_hits(self, hits: list[tuple[int, int]]) -> None:
        self.hits = hits
        self._hit_index = RangeIndex(hits)

    @property
    def text(self) -> str:
        return self.layout_engine.text

    def _invalidate(self, *, layout: bool = False) -> None:
        if layout:
            self._layout_version += 1
            self._cache.clear()
        self._sync_size()
        self.refresh()

    def _sync_size(self, needed: int = 0) -> None:
        """Size the scrollable area to the line count. Until the count settles it is an estimate that
        moves a little with every paragraph laid out, and each new size re-lays out the whole screen
        (a frame's worth of work); so the estimate is followed only when it has moved by more than 1%
        or the line the view must show (``needed``) lies beyond it."""
        layout = self.layout_engine
        height = layout.settled_line_count
        current = self.virtual_size.height
        if height is None:
            height = layout.estimated_line_count
            if current and abs(height - current) * 100 <= current and needed < current:
                height = current
        size = Size(layout.width, max(height, needed))
        if size != self.virtual_size:
            self.virtual_size = size

    def _update_boundaries(self, *, recompute: bool = False) -> None:
        """Where a span, a search hit or the selection begins or ends between a lam and an alef, the
        engine draws the two letters in two cells, so the boundary can be seen. Span and hit edges
        are filtered once when they change; the selection's are added on every change of it."""
        engine = self.layout_engine
        if recompute:
            edges = {o for s in self.spans for o in (s.start, s.end)} | {o for h in self.hits for o in h}
            self._ligature_edges = engine.ligature_splits(edges)
        if engine.set_boundaries(self._ligature_edges | engine.ligature_splits(self.selection or ())):
            if len(self.text) <= EAGER_LAYOUT_CHARS:
                engine.exact_line_count()  # only the paragraphs drawn again are laid out
            self._invalidate(layout=True)

    # -- cursor and selection: one state, one setter ---------------------------------------------
    @property
    def state(self) -> CursorState:
        return self._state

    @property
    def cursor(self) -> int:
        return self._state.cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        return self._state.selection

    def target(self) -> tuple[int, int] | None:
        """What a label key applies to: the selection, or else the word under the cursor."""
        return self._state.target(self.text)

    def _set_state(self, new: CursorState) -> None:
        """The one place the cursor and selection change: redraw the lines the old and the new state
        touch, scroll to the cursor and report it."""
        old = self._state
        self._state = new
        ranges: list[tuple[int, int]] = []
        if old.cursor != new.cursor:
            ranges += [(old.cursor, old.cursor + 1), (new.cursor, new.cursor + 1)]
        if old.selection != new.selection:
            ranges += changed_ranges(old.selection, new.selection)
            self._update_boundaries()
        self._refresh_ranges(ranges)
        self._scroll_to_cursor()
        self._announce()

    def move_to(self, offset: int) -> None:
        """Put the cursor on a logical offset (clearing any selection), redraw and scroll to it."""
        self._set_state(cur.at(offset))

    def select(self, start: int, end: int, *, cursor: int | None = None) -> None:
        """Select exactly [start, end) (not snapped); the cursor moves to ``cursor`` if given."""
        self._set_state(cur.selected(self._state, start, end, cursor=cursor))

    def clear_selection(self) -> None:
        if self._state.selection is not None:
            self._set_state(cur.cleared(self._state))

    def _refresh_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Redraw only the lines showing these logical ranges: a cursor move or a new label touches
        a line or two, not the whole screen."""
        layout = self.layout_engine
        for start, end in ranges:
            first = layout.position_of(start)[0]
            last = layout.position_of(max(start, end - 1))[0] if end > start else first
            self.refresh_lines(first, last - first + 1)

    # -- actions ------------------------------------------------------------------------------------
    def _move(self, offset: int, extend: bool, goal_x: int | None = None) -> None:
        self._set_state(cur.moved(self._state, self.layout_engine, offset, extend=extend, goal_x=goal_x))

    def action_move(self, dx: int, extend: bool = False) -> None:
        self._move(nav.horizontal(self.layout_engine, self.cursor, dx), extend)

    def action_move_line(self, dy: int, extend: bool = False) -> None:
        offset, goal = nav.vertical(self.layout_engine, self.cursor, dy, self._state.goal_x)
        self._move(offset, extend, goal)

    def action_move_word(self, dx: int, extend: bool = False) -> None:
        if extend:
            self._set_state(cur.word_extended(self._state, self.layout_engine, dx))
        else:
            self._move(nav.word_move(self.layout_engine, self.cursor, dx), False)

    def action_line_edge(self, end: bool, extend: bool = False) -> None:
        self._move(nav.line_edge(self.layout_engine, self.cursor, end=end), extend)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        offset, goal = nav.vertical(self.layout_engine, self.cursor, direction * height, self._state.goal_x)
        self.scroll_relative(y=direction * height, animate=False)
        self._move(offset, False, goal)

    def action_top(self) -> None:
        self._move(0, False)

    def action_bottom(self) -> None:
        layout = self.layout_engine
        last = layout.line(layout.last_line_index())
        self._move(last.start if last is not None else 0, False)

    def action_select_word(self) -> None:
        self._set_state(cur.word_selected(self._state, self.text))

    def action_clear_selection(self) -> None:
        self.clear_selection()

    def action_edge(self, edge: str, delta: int) -> None:
        """Move one edge of the selection (or of the word under the cursor) by one character,
        without snapping: this is how a clitic is trimmed off (حماس inside لحماس)."""
        before = self._state
        self._set_state(cur.edge_moved(before, self.text, edge, delta))
        self.post_message(EdgeMoved(self._state.selection, self._state != before))

    # -- mouse ------------------------------------------------------------------------------------
    def _offset_at_event(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        scroll_x, scroll_y = self.scroll_offset
        line = self.layout_engine.line(scroll_y + offset.y)
        if line is None:
            return None
        found = nav.nearest_offset(line, offset.x + scroll_x)  # on padding: the nearest character
        return found if found is not None else line.start

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at_event(event)
        if offset is None or event.button != 1:
            return
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self._set_state(cur.dragged_from(offset))  # the click point is where a drag starts from

    async def _on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._offset_at_event(event)
        if offset is not None and offset != self.cursor:
            self._move(offset, True)

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            self._set_state(cur.drag_ended(self._state))

    async def _on_click(self, event: events.Click) -> None:
        if event.chain == 2:
            offset = self._offset_at_event(event)
            if offset is not None:
                self._set_state(cur.word_selected(cur.at(offset), self.text))

    # -- geometry --------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        width = max(1, self.scrollable_content_region.width)
        if width != self.layout_engine.width:
            self.layout_engine.set_width(width)
            if len(self.text) <= EAGER_LAYOUT_CHARS:
                self.layout_engine.exact_line_count()
            self._invalidate(layout=True)
            self.call_after_refresh(self._scroll_to_cursor)
            self._announce()  # the line count changed with the width: the status line shows it

    def cursor_position(self) -> tuple[int, int]:
        return self.layout_engine.position_of(self.cursor)

    def _scroll_to_cursor(self) -> None:
        y, x = self.cursor_position()
        self._sync_size(y + 1)
        self.scroll_to_region(Region(x, y, 1, 1), animate=False, immediate=True)

    def _announce(self) -> None:
        if self.on_cursor is not None:
            self.on_cursor(self.cursor, self.selection)
        else:
            self.post_message(CursorMoved(self.cursor, self.selection))

    # -- drawing ---------------------------------------------------------------------------------
    def _new_frame(self) -> _Frame:
        scroll_x, scroll_y = self.scroll_offset
        style = self.get_component_rich_style
        look = _Look(
            self.scrollable_content_region.width,
            self.rich_style,
            style("article--cursor", partial=True),
            style("article--selection", partial=True),
            style("article--search", partial=True),
            style("article--placeholder", partial=True),
        )
        return _Frame(scroll_x, scroll_y, look)

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of a frame shares is worked out once per frame, not once per line (asking
        # Textual for the widget's style walks the stylesheet: most of a full repaint's time).
        self._frame = self._new_frame()
        try:
            strips = super().render_lines(crop)
        finally:
            self._frame = None
        if self.layout_engine.settled_line_count != self.virtual_size.height:
            self.call_after_refresh(self._sync_size)
        return strips

    def render_line(self, y: int) -> Strip:
        frame = self._frame or self._new_frame()
        look = frame.look
        index = frame.scroll_y + y
        line = self.layout_engine.line(index)
        if line is None:
            if index == 0:  # an empty document still shows where the cursor is
                return Strip([Segment(" ", look.base + look.cursor)], 1)
            return Strip.blank(look.width, look.base)
        start, end = line.start, line.end
        cursor = self._state.cursor
        cursor_here = start <= cursor < end or (start == end == cursor)
        # The part of the selection on this line: extending it redraws only the lines it reaches.
        selection = self._state.selection
        if selection is not None:
            a, b = selection
            selection = (max(a, start), min(b, end)) if a < end and b > start else None
        spans = tuple(self.spans[i] for i in self._span_index.overlapping(start, end))
        hits = tuple(self.hits[i] for i in self._hit_index.overlapping(start, end))
        # A line is drawn again only when something that decides how it looks has changed: the
        # layout and the styles (a new generation of either clears the cache), the frame's width
        # and styles, and the spans, hits, cursor and selection on the line. A label or a cursor
        # move draws again only the lines it touches; a page back to lines seen before draws none.
        # (start: until line counts settle, the line at an index can change.)
        key = (
            index,
            start,
            self._layout_version,
            look,
            spans,
            hits,
            cursor if cursor_here else None,
            selection,
        )
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw_line(line, look, spans, hits, cursor if cursor_here else None, selection)
            self._cache[key] = strip
        if frame.scroll_x or strip.cell_length != look.width:
            return strip.crop_extend(frame.scroll_x, frame.scroll_x + look.width, look.base)
        return strip

    def _draw_line(
        self,
        line: VisualLine,
        look: _Look,
        spans: tuple[Span, ...],
        hits: tuple[tuple[int, int], ...],
        cursor: int | None,
        selection: tuple[int, int] | None,
    ) -> Strip:
        """One segment per run of cells that look the same (reader.overlays.cell_runs), drawn in
        the order spans (boilerplate, quotations, entities), search hits, selection, placeholder,
        cursor; padded to the frame's width."""
        base = look.base
        if cursor is not None and line.start == line.end:  # an empty line: the cursor at its start edge
            pad = max(0, self.layout_engine.width - 1) if line.direction == "rtl" else 0
            return Strip(
                [Segment(" " * pad, base), Segment(" ", base + look.cursor)]
                if pad
                else [Segment(" ", base + look.cursor)],
                pad + 1,
            )
        overlays: list[tuple[int, int]] = [(s.start, s.end) for s in spans]
        layers = [self._span_styles.get((s.label, s.pending), Style()) for s in spans]
        overlays += hits
        layers += [look.hit] * len(hits)
        if selection is not None:
            overlays.append(selection)
            layers.append(look.selection)
        cursor_bit = 0
        if cursor is not None:
            overlays.append((cursor, cursor + 1))
            cursor_bit = 1 << len(overlays)
        runs = cell_runs(line.glyphs, line.cell_start, line.cell_end, line.cell_owner, line.placeholder, overlays)
        styles: dict[int, Style] = {0: base}
        segments: list[Segment] = []
        for text, mask in runs:
            style = styles.get(mask)
            if style is None:
                style = base
                for i, layer in enumerate(layers):
                    if mask >> (i + 1) & 1:
                        style = style + layer
                if mask & 1:
                    style = style + look.placeholder
                if mask & cursor_bit:
                    style = style + look.cursor
                styles[mask] = style
            if segments and segments[-1].style == style:
                segments[-1] = Segment(segments[-1].text + text, style)
            else:
                segments.append(Segment(text, style))
        length = line.width
        if length < look.width:
            segments.append(Segment(" " * (look.width - length), base))
            length = look.width
        return Strip(segments, length)


class _Look(NamedTuple):
    """What decides how every line of a frame looks, besides what is on the line itself."""

    width: int
    base: Style
    cursor: Style
    selection: Style
    hit: Style
    placeholder: Style


class _Frame(NamedTuple):
    """What every line of one frame shares: the scroll offset and the look."""

    scroll_x: int
    scroll_y: int
    look: _Look
