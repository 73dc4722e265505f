"""The side panel: the spans under the cursor, and the document's span list (jump, relabel, delete).

The list is drawn through the line API: labelling a word in a document with hundreds of spans
changes one list and redraws what is visible, without laying the screen out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.model import Span
from reader.colours import AA, readable_on
from reader.theme import colour_system, quantizer
from reader.widgets.safe import fit, safe, screen_text, snippet

ROW_HEIGHT = 2  # label and text; offsets, origin and state


def label_text_colours(widget: Widget, schema: LabelSchema) -> dict[str, str]:
    """Each label's colour made readable (WCAG AA) as text on the widget's background."""
    bg = widget.rich_style.bgcolor
    background = bg.get_truecolor().hex if bg is not None else "#000000"
    quantize = quantizer(colour_system(widget.app.console))
    return {label.name: readable_on(label.color, background, AA, quantize) for label in schema.labels}


@dataclass
class SpanAction(Message):
    """The annotator asked for something to be done to one span from the list."""

    span: Span
    action: str  # "jump", "delete", "relabel"


def origin_and_state(span: Span) -> str:
    """Where a span came from and where it stands, as two separate facts (screen-ready: the rule's
    name shaped and in visual order)."""
    if span.origin == "suggested":
        state = "pending suggestion" if span.pending else "accepted suggestion"
        return f"{state} {screen_text(span.rule or '')}".rstrip()
    return span.origin  # "manual" or "imported"


def describe(span: Span, text: str, width: int, colours: dict[str, str] | None = None) -> Text:
    """Two lines: label and the span's text as it reads; offsets, origin and state."""
    colour = (colours or {}).get(span.label) or "default"
    line = Text()
    line.append(fit(span.label, 12), style=f"bold {colour}" + (" italic" if span.pending else ""))
    line.append(" ")
    line.append(snippet(text[span.start : span.end], max(4, width - 14)))
    line.append("\n  ")
    line.append(safe(origin_and_state(span), "italic" if span.pending else ""))
    line.append(f"  {span.start}–{span.end}", style="dim")
    return line


class SpanList(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"spanlist--highlight"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "highlight(-1)", "Previous span", show=False),
        Binding("down", "highlight(1)", "Next span", show=False),
        Binding("enter", "span('jump')", "Go to span"),
        Binding("delete,backspace", "span('delete')", "Delete span"),
        Binding("t", "span('relabel')", "Relabel span (then a label key)"),
    ]

    def __init__(self, schema: LabelSchema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.schema = schema
        self.spans: list[Span] = []
        self.text = ""
        self.highlighted = 0
        self._rows: dict[tuple[Span, int], tuple[Strip, Strip]] = {}
        self.colours: dict[str, str] = {}

    def on_mount(self) -> None:
        self.colours = label_text_colours(self, self.schema)

    def set_spans(self, text: str, spans: list[Span]) -> None:
        if text != self.text:
            self._rows.clear()  # rows are kept per span: a new label draws one new row
        self.text = text
        self.spans = spans
        self.highlighted = min(self.highlighted, max(0, len(spans) - 1))
        self._resize_content(len(spans) * ROW_HEIGHT)
        self.refresh()

    def _resize_content(self, height: int) -> None:
        """Set the virtual height. Assigning virtual_size lays the whole screen out again (tens of ms
        per label); that is needed only when the scrollbar appears or goes."""
        size = Size(self.scrollable_content_region.width, height)
        if size == self.virtual_size:
            return
        window = self.scrollable_content_region.height
        if (self.virtual_size.height > window) == (height > window) and size.width == self.virtual_size.width:
            self.set_reactive(SpanList.virtual_size, size)
            if height > window:
                self.vertical_scrollbar.window_virtual_size = height
                self.vertical_scrollbar.refresh()
        else:
            self.virtual_size = size

    def action_highlight(self, delta: int) -> None:
        if not self.spans:
            return
        self.highlighted = max(0, min(len(self.spans) - 1, self.highlighted + delta))
        self.scroll_to_region(Region(0, self.highlighted * ROW_HEIGHT, 1, ROW_HEIGHT), animate=False)
        self.refresh()

    def action_span(self, action: str) -> None:
        if 0 <= self.highlighted < len(self.spans):
            self.post_message(SpanAction(self.spans[self.highlighted], action))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (int(self.scroll_y) + offset.y) // ROW_HEIGHT
        if 0 <= index < len(self.spans):
            self.highlighted = index
            self.refresh()
            self.post_message(SpanAction(self.spans[index], "jump"))

    def _row(self, index: int, width: int) -> tuple[Strip, Strip]:
        key = (self.spans[index], width)
        row = self._rows.get(key)
        if row is None:
            console = self.app.console
            lines = describe(self.spans[index], self.text, width, self.colours).split("\n")
            strips = [Strip(list(line.render(console)), line.cell_len) for line in lines[:ROW_HEIGHT]]
            strips += [Strip.blank(0)] * (ROW_HEIGHT - len(strips))
            row = self._rows[key] = (strips[0], strips[1])
        return row

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row, part = divmod(int(self.scroll_y) + y, ROW_HEIGHT)
        if row >= len(self.spans):
            return Strip.blank(width, base)
        strip = self._row(row, width)[part]
        style = base
        if row == self.highlighted and self.has_focus:
            style = base + self.get_component_rich_style("spanlist--highlight")
        return strip.apply_style(style).crop_extend(0, width, style)


class SpanPanel(Vertical):
    def __init__(self, schema: LabelSchema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.schema = schema
        self._shown_under: tuple[object, ...] | None = None
        self.colours: dict[str, str] = {}

    def on_mount(self) -> None:
        self.colours = label_text_colours(self, self.schema)

    def compose(self) -> ComposeResult:
        yield Static("Under the cursor", classes="panel-title")
        yield Static("", id="under-cursor")
        yield Static("Spans in this document", classes="panel-title")
        yield SpanList(self.schema, id="span-list")

    def show_cursor(self, text: str, spans: list[Span], cursor: int) -> None:
        """What is under the cursor: cheap, called on every move."""
        width = max(10, self.size.width - 2)
        under = sorted((s for s in spans if s.contains(cursor)), key=lambda s: (s.start, -s.end, s.label))
        key = (text, tuple(under), width)
        if key == self._shown_under:
            return
        self._shown_under = key
        body = Text("\n").join(describe(s, text, width, self.colours) for s in under) if under else Text("—")
        self.query_one("#under-cursor", Static).update(body, layout=False)  # fixed height: no relayout

    def show_spans(self, text: str, spans: list[Span]) -> None:
        """The document's span list, in text order."""
        self.query_one(SpanList).set_spans(text, sorted(spans, key=lambda s: (s.start, -s.end, s.label)))
