"""The help screen, generated from the bindings in force and the label schema: it cannot drift
from what the keys really do."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.labels import LabelSchema
from reader.text.snippet import interface_lines
from reader.theme import chip_ink, colour_system, quantizer
from reader.widgets.article import ArticleView
from reader.widgets.doclist import ANSWER_MARKS
from reader.widgets.safe import safe, safe_str
from reader.widgets.spans import SpanList

SELECTION_HELP = (
    "Selecting: shift + arrows and mouse drags select by letters and snap to whole words; ctrl + shift + "
    "arrows select word by word — the first press takes the word under the cursor, each further press "
    "one more word, the other way gives one back; [ ] { } move an edge by one letter without snapping. "
    "n / N and . / , select the search hit or the suggestion exactly, so a label key labels what is "
    "selected. Pending suggestions are italic; accepted spans are filled."
)

_KEY_NAMES = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
    "slash": "/",
    "question_mark": "?",
    "full_stop": ".",
    "comma": ",",
}


def key_display(keys: str) -> str:
    return " / ".join(_KEY_NAMES.get(k, k) for k in keys.split(","))


def bindings_of(node_class: type[DOMNode]) -> list[Binding]:
    found: list[Binding] = []
    for binding in node_class.BINDINGS:
        if isinstance(binding, Binding):
            found.append(binding)
        elif isinstance(binding, tuple):
            found.append(Binding(*binding))
    return found


def help_table(title: str, bindings: list[Binding]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for binding in bindings:
        if binding.description:
            what = Text(binding.description)
            if binding.tooltip:
                what.append(f" — {binding.tooltip}", style="dim")
            table.add_row(Text(key_display(binding.key)), what)
    return table


def _wrapped(lines: list[str], style: str = "") -> Text:
    """Wrapped lines as one cell of the help: each line sanitised on its own and the breaks kept as
    line breaks (sanitising the joined text would draw every break as the control picture ␊); the
    space a line was broken at is not kept at the start of the next."""
    out = Text(end="")
    for i, line in enumerate(lines):
        if i:
            out.append("\n")
        out.append_text(safe(line.strip(" "), style))
    return out


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "dismiss", "Close help")]

    def __init__(self, schema: LabelSchema, screen: DOMNode) -> None:
        super().__init__()
        self.schema = schema
        self.screen_class = type(screen)
        # the side panel's keys: the span list, or the review panel's list in `reader review`
        self.panel_class: type[DOMNode] = getattr(screen, "PANEL_CLASS", SpanList)

    def compose(self) -> ComposeResult:
        labels = Table(title="Labels", title_justify="left", show_header=False, box=None, padding=(0, 2))
        labels.add_column(no_wrap=True)
        labels.add_column()
        quantize = quantizer(colour_system(self.app.console))
        # the description column's width inside the help box (90% of the screen, border, padding,
        # the key column): descriptions are wrapped by the layout engine, Arabic shaped and ordered
        width = max(20, int(self.app.size.width * 0.9) - 18)
        for label in self.schema.labels:
            scope = (
                "the whole line under the cursor"
                if label.scope == "line"
                else "the selection, a pending suggestion of it under the cursor, or the word under the cursor"
            )
            ink = chip_ink(label, quantize)
            what = _wrapped(interface_lines(f"{label.name} ({label.group}): labels {scope}", width))
            if label.description:
                what.append("\n")
                what.append_text(_wrapped(interface_lines(label.description, width), "dim"))
            labels.add_row(Text(f" {safe_str(label.key)} ", style=f"bold {ink.color} on {ink.bgcolor}"), what)
        marks = "   ".join(f"{mark} {answer or 'no answer'}" for answer, mark in ANSWER_MARKS.items())
        marks += (
            "   a small figure beside the mark: how many others answered it (not under blind routing)"
            "   a number at the right: suggestions still pending (in review: spans still undecided)"
        )
        with VerticalScroll(id="help-body"):
            yield Static(Text("reader — keys", style="bold"))
            yield Static(labels)
            yield Static(help_table("Reading and selecting (article)", bindings_of(ArticleView)))
            yield Static(help_table("Documents, answers, review", bindings_of(self.screen_class)))
            yield Static(help_table("Side panel list (tab to it)", bindings_of(self.panel_class)))
            yield Static(Text(f"Document list: {marks}"))
            yield Static(Text(SELECTION_HELP))
            yield Static(Text("ctrl+q quits. Every action is saved as it happens.", style="dim"))
