"""The review panel: the annotators of the document under review with their answers, and every
candidate span once — its label and text, who has it (all / which annotators / the reviewer's own)
and what the reviewer decided (accepted ✓, rejected ✗, open ?). Every user string is drawn through
``terminal_safe`` (names and labels shaped and in visual order) and never read as markup."""

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
from textual.widgets import Static

from annotations.adjudication import Candidate, Review, holders_text
from annotations.labels import LabelSchema
from reader.widgets.doclist import ANSWER_MARKS
from reader.widgets.safe import fit, safe, screen_text, shown, snippet
from reader.widgets.spans import label_text_colours

ROW_HEIGHT = 2
STATE_MARKS = {"accepted": "✓", "rejected": "✗", "open": "?"}


@dataclass
class CandidateChosen(Message):
    candidate: Candidate


def holders_shown(review: Review, c: Candidate) -> str:
    """Who has a candidate (``holders_text``), screen-ready: each annotator's name shaped and in
    visual order on its own."""
    who = holders_text(review, c)
    if c.holders and who != "all":
        who = ", ".join(map(screen_text, c.holders))
    return who


def describe_candidate(review: Review, c: Candidate, text: str, width: int, colour: str = "default") -> Text:
    """Two lines: decision, label and the span's text; who has it and where it is."""
    line = Text()
    line.append(f"{STATE_MARKS[c.state]} ", style="bold" if c.state != "open" else "bold italic")
    label_style = (
        f"bold {colour}" + (" italic" if c.state == "open" else "") + (" strike" if c.state == "rejected" else "")
    )
    line.append(fit(c.span.label, 12), style=label_style)
    line.append(" ")
    line.append(snippet(text[c.span.start : c.span.end], max(4, width - 16)))
    line.append("\n    ")
    who = holders_shown(review, c)
    line.append(safe(who, "bold" if who == "all" else "italic"))
    line.append(f"  {c.span.start}–{c.span.end}", style="dim")
    return line


def annotators_text(review: Review) -> Text:
    """The annotators, numbered for `v` + number (take a version), with their answers."""
    out = Text()
    for n, (name, answer) in enumerate(review.answers, 1):
        if n > 1:
            out.append("\n")
        out.append(f"{n} " if n <= 9 else "  ", style="bold")
        out.append(f"{ANSWER_MARKS.get(answer, '?')} ")
        out.append(shown(name))
        out.append(f" {answer}", style="dim")
    if not review.answers:
        out.append("—")
    agreed = sum(1 for c in review.candidates if review.agreed(c))
    out.append(
        f"\n{len(review.candidates)} spans: {agreed} agreed · {review.count('accepted')} ✓ "
        f"{review.count('rejected')} ✗ {review.count('open')} open",
        style="dim",
    )
    if review.stale:
        out.append(f"\n{review.stale} record(s) on an older text left out", style="dim")
    return out


class CandidateList(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"candidates--highlight", "candidates--current"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "highlight(-1)", "Previous span", show=False),
        Binding("down", "highlight(1)", "Next span", show=False),
        Binding("enter", "choose", "Go to span"),
    ]

    def __init__(self, schema: LabelSchema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.schema = schema
        self.review: Review | None = None
        self.text = ""
        self.highlighted = 0
        self.current: Candidate | None = None
        self.colours: dict[str, str] = {}

    def on_mount(self) -> None:
        self.colours = label_text_colours(self, self.schema)

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self.review.candidates if self.review is not None else ()

    def show(self, review: Review, text: str, current: Candidate | None) -> None:
        self.review = review
        self.text = text
        self.current = current
        keys = [c.key for c in review.candidates]
        if current is not None and current.key in keys:
            self.highlighted = keys.index(current.key)
            self.scroll_to_region(Region(0, self.highlighted * ROW_HEIGHT, 1, ROW_HEIGHT), animate=False)
        self.highlighted = min(self.highlighted, max(0, len(keys) - 1))
        size = Size(self.scrollable_content_region.width, len(keys) * ROW_HEIGHT)
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def action_highlight(self, delta: int) -> None:
        if not self.candidates:
            return
        self.highlighted = max(0, min(len(self.candidates) - 1, self.highlighted + delta))
        self.scroll_to_region(Region(0, self.highlighted * ROW_HEIGHT, 1, ROW_HEIGHT), animate=False)
        self.refresh()

    def action_choose(self) -> None:
        if 0 <= self.highlighted < len(self.candidates):
            self.post_message(CandidateChosen(self.candidates[self.highlighted]))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (int(self.scroll_y) + offset.y) // ROW_HEIGHT
        if 0 <= index < len(self.candidates):
            self.highlighted = index
            self.refresh()
            self.post_message(CandidateChosen(self.candidates[index]))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row, part = divmod(int(self.scroll_y) + y, ROW_HEIGHT)
        if self.review is None or row >= len(self.candidates):
            return Strip.blank(width, base)
        c = self.candidates[row]
        lines = describe_candidate(self.review, c, self.text, width, self.colours.get(c.span.label, "default"))
        line = lines.split("\n")[part] if part < len(lines.split("\n")) else Text()
        strip = Strip(list(line.render(self.app.console)), line.cell_len)
        style = base
        if self.current is not None and c.key == self.current.key:
            style += self.get_component_rich_style("candidates--current")
        if row == self.highlighted and self.has_focus:
            style += self.get_component_rich_style("candidates--highlight")
        return strip.apply_style(style).crop_extend(0, width, style)


class ReviewPanel(Vertical):
    def __init__(self, schema: LabelSchema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.schema = schema

    def compose(self) -> ComposeResult:
        yield Static("Annotators (v + number takes a version)", classes="panel-title")
        yield Static("", id="review-annotators")
        yield Static("Spans (each once)", classes="panel-title")
        yield CandidateList(self.schema, id="candidate-list")

    def show(self, review: Review, text: str, current: Candidate | None) -> None:
        self.query_one("#review-annotators", Static).update(annotators_text(review))
        self.query_one(CandidateList).show(review, text, current)
