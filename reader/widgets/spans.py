"""The side panel: the spans under the cursor, and the document's span list (jump, relabel, delete)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.labels import LabelSchema
from annotations.model import Span
from reader.text.snippet import visual_snippet


@dataclass
class SpanAction(Message):
    """The annotator asked for something to be done to one span from the list."""

    span: Span
    action: str  # "jump", "delete", "relabel"


def describe(span: Span, text: str, schema: LabelSchema, width: int) -> Text:
    label = schema.get(span.label)
    colour = label.color if label else "white"
    line = Text()
    line.append(f"{span.label[:12]:<12}", style=f"bold {colour}" + (" italic" if span.pending else ""))
    line.append(" ")
    line.append(visual_snippet(text[span.start : span.end], max(4, width - 14)))
    line.append(f"\n  {span.start}–{span.end}", style="dim")
    if span.pending:
        line.append(f"  suggested ({span.rule or 'rule'})", style="dim italic")
    elif span.origin != "manual":
        line.append(f"  {span.origin}", style="dim")
    return line


class SpanList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "span('delete')", "Delete span"),
        Binding("t", "span('relabel')", "Relabel span"),
        Binding("enter", "span('jump')", "Go to span", show=False),
    ]

    spans: list[Span]

    def action_span(self, action: str) -> None:
        if self.highlighted is not None and 0 <= self.highlighted < len(self.spans):
            self.post_message(SpanAction(self.spans[self.highlighted], action))


class SpanPanel(Vertical):
    def __init__(self, schema: LabelSchema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.schema = schema

    def compose(self) -> ComposeResult:
        yield Static("Under the cursor", classes="panel-title")
        yield Static("", id="under-cursor")
        yield Static("Spans in this document", classes="panel-title")
        span_list = SpanList(id="span-list")
        span_list.spans = []
        yield span_list

    def show_cursor(self, text: str, spans: list[Span], cursor: int) -> None:
        """What is under the cursor: cheap, called on every move."""
        width = max(10, self.size.width - 2)
        under = sorted((s for s in spans if s.start <= cursor < s.end), key=lambda s: (s.start, -s.end, s.label))
        body = Text("\n").join(describe(s, text, self.schema, width) for s in under) if under else Text("—")
        self.query_one("#under-cursor", Static).update(body)

    def show_spans(self, text: str, spans: list[Span]) -> None:
        """The document's span list: rebuilt only when the spans change."""
        width = max(10, self.size.width - 2)
        ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.label))
        span_list = self.query_one(SpanList)
        keep = span_list.highlighted
        span_list.spans = ordered
        span_list.clear_options()
        span_list.add_options([Option(describe(s, text, self.schema, width)) for s in ordered])
        if ordered and keep is not None:
            span_list.highlighted = min(keep, len(ordered) - 1)
