"""The annotation screen: document list, article, span panel, label legend and progress."""

from __future__ import annotations

import gc
from typing import ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from annotations.errors import UserError
from annotations.labels import LabelDef
from annotations.model import Span
from reader.screens.help import HelpScreen
from reader.screens.search import SearchScreen
from reader.session import Session
from reader.text.bidi_levels import Direction
from reader.text.snippet import visual_snippet
from reader.widgets.article import ArticleView
from reader.widgets.doclist import DocumentChosen, DocumentList
from reader.widgets.spans import SpanAction, SpanPanel

# Below these widths the side panels give their room to the article (F2 / F3 bring them back).
DOCLIST_MIN_WIDTH = 100
PANEL_MIN_WIDTH = 80


def _first(hits: list[tuple[int, int]], step: int) -> int:
    """Where a search going forward (step > 0) or backward enters a document's hits."""
    return (hits[0] if step > 0 else hits[-1])[0]


class AnnotateScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "answer('accept')", "Accept document"),
        Binding("r", "answer('reject')", "Reject document"),
        Binding("s", "answer('skip')", "Skip document"),
        Binding("f", "answer('flag')", "Flag document"),
        Binding("j", "document(1)", "Next document"),
        Binding("k", "document(-1)", "Previous document"),
        Binding("J", "next_unanswered", "Next unanswered document"),
        Binding("z,ctrl+z", "undo", "Undo"),
        Binding("Z,ctrl+y", "redo", "Redo"),
        Binding("slash", "search", "Search"),
        Binding("n", "hit(1)", "Next search hit"),
        Binding("N", "hit(-1)", "Previous search hit"),
        Binding("c", "suggestion('accept')", "Accept suggestion under cursor"),
        Binding("x", "suggestion('reject')", "Reject suggestion under cursor"),
        Binding("full_stop", "next_suggestion(1)", "Next suggestion"),
        Binding("comma", "next_suggestion(-1)", "Previous suggestion"),
        Binding("C", "await_label('accept_all')", "Accept all suggestions of a label (then its key)"),
        Binding("t", "await_label('relabel')", "Relabel span under cursor (then a label key)"),
        Binding("delete,backspace", "delete_span", "Delete span under cursor"),
        Binding("h", "toggle_marks", "Show/hide diacritics"),
        Binding("D", "cycle_direction", "Paragraph direction: auto/rtl/ltr"),
        Binding("f2", "toggle('#documents')", "Show/hide document list"),
        Binding("f3", "toggle('#panel')", "Show/hide span panel"),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def __init__(
        self, session: Session, *, direction: Direction = "auto", show_marks: bool = True, visual: bool = True
    ) -> None:
        super().__init__()
        self.session = session
        self.view_options = {"direction": direction, "show_marks": show_marks, "visual": visual}
        self.query_text = ""
        self._awaiting: str | None = None
        self._last_status = Text()

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        s = self.session
        with Horizontal(id="main"):
            yield DocumentList(s.ids, s.title, s.answers, id="documents")
            yield ArticleView(
                s.schema,
                id="article",
                on_cursor=self._cursor_changed,
                **self.view_options,  # type: ignore[arg-type]
            )
            yield SpanPanel(s.schema, id="panel")
        yield Static(self._legend(), id="legend")
        yield Static("", id="status")
        yield Footer()

    def _legend(self) -> Text:
        legend = Text()
        for label in self.session.schema.labels:
            legend.append(label.key, style=f"bold reverse {label.color}")
            legend.append(f" {label.name.title()}{' (line)' if label.scope == 'line' else ''}  ")
        return legend

    def on_mount(self) -> None:
        self.article.focus()
        self._apply_width(self.size.width)
        self.open_document(self.session.index)
        # Everything loaded so far lives for the whole session: keep the cyclic garbage collector from
        # walking it again and again (full collections otherwise stall a key press now and then).
        gc.freeze()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.query_one("#documents").display = width >= DOCLIST_MIN_WIDTH
        self.query_one("#panel").display = width >= PANEL_MIN_WIDTH

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    # -- documents ---------------------------------------------------------------------------------
    def open_document(self, index: int, cursor: int = 0) -> None:
        s = self.session
        s.go(index)
        doc = s.document()
        annotation = s.annotation()
        spans = list(annotation.spans) if annotation else []
        self.article.load(doc.text, spans, cursor=cursor)
        if self.query_text:
            self.article.set_hits(s.search(self.query_text))
        self.query_one(DocumentList).set_current(s.index)
        self.query_one(SpanPanel).show_spans(doc.text, spans)
        if annotation is not None and annotation.text_hash != doc.text_hash:
            self.notify(
                "This document's text changed after it was labelled: check the spans.",
                severity="warning",
                timeout=8,
            )
        self._status()

    def _refresh_spans(self) -> None:
        spans = self.session.spans()
        self.article.set_spans(spans)
        panel = self.query_one(SpanPanel)
        panel.show_spans(self.article.text, spans)
        panel.show_cursor(self.article.text, spans, self.article.cursor)
        self._status()

    def _status(self, note: str = "") -> None:
        s = self.session
        answer = s.answers.get(s.doc_id)
        y, _ = self.article.cursor_position()
        # Most useful first, so a narrow terminal cuts off the least useful part.
        text = Text()
        text.append(f" {s.index + 1}/{len(s.ids)} ", style="bold reverse")
        text.append(f" answered {s.answered}/{len(s.ids)}  ", style="bold")
        text.append(f"offset {self.article.cursor}  {self.article.layout_engine.describe_line(y)}  ")
        text.append(f"answer: {answer or '—'}  ")
        if note:
            text.append(f"{note}  ", style="italic")
        text.append(f"annotator: {s.annotator}  ", style="dim")
        text.append(s.doc_id, style="dim")
        if text != self._last_status:
            self._last_status = text
            # One fixed-height line: no relayout of the screen on every key press.
            self.query_one("#status", Static).update(text, layout=False)

    def on_document_chosen(self, message: DocumentChosen) -> None:
        self.open_document(message.index)
        self.article.focus()

    def action_document(self, step: int) -> None:
        target = self.session.index + step
        if 0 <= target < len(self.session.ids):
            self.open_document(target)
        else:
            self.notify("No more documents that way.", timeout=2)

    def action_next_unanswered(self) -> None:
        target = self.session.next_unanswered()
        if target is None:
            self.notify("Every document has an answer.", timeout=3)
        else:
            self.open_document(target)

    # -- cursor --------------------------------------------------------------------------------------
    def _cursor_changed(self, offset: int, selection: tuple[int, int] | None) -> None:
        if not self.is_mounted:
            return
        self.query_one(SpanPanel).show_cursor(self.article.text, self.article.spans, offset)
        self._status()

    # -- labels --------------------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.is_printable:
            if event.key == "escape" and self._awaiting:
                self._awaiting = None
                self._status("cancelled")
            return
        label = self.session.schema.by_key(event.character)
        if label is None:
            return
        event.stop()
        event.prevent_default()
        awaiting, self._awaiting = self._awaiting, None
        if awaiting == "relabel":
            self._relabel(label)
        elif awaiting == "accept_all":
            count = self.session.accept_all(label.name)
            self._refresh_spans()
            self._status(f"accepted {count} {label.name} suggestion(s)")
        else:
            self._apply_label(label)

    def _apply_label(self, label: LabelDef) -> None:
        article = self.article
        scope_line = label.scope == "line"
        target = self.session.line_range(article.cursor) if scope_line else article.selected_range()
        if target is None:
            self.notify("Nothing to label here: select some text or put the cursor on a word.", timeout=3)
            return
        try:
            span = self.session.label(label, *target)
        except (UserError, ValueError) as exc:
            self.notify(str(exc), severity="error")
            return
        article.selection = None
        article.anchor = None
        self._refresh_spans()
        if span is None:
            self._status(f"{label.name} is already there")
        else:
            # Shaped and in visual order, like everything else on screen.
            self._status(f"labelled {label.name}: {visual_snippet(article.text[span.start : span.end], 30)}")

    def _spans_under_cursor(self) -> list[Span]:
        cursor = self.article.cursor
        # Innermost first: the shortest span is the one the annotator is looking at.
        return sorted((s for s in self.session.spans() if s.start <= cursor < s.end), key=lambda s: s.end - s.start)

    def _relabel(self, label: LabelDef) -> None:
        under = self._spans_under_cursor()
        if not under:
            self.notify("No span under the cursor to relabel.", timeout=3)
            return
        self.session.relabel(under[0], label)
        self._refresh_spans()

    def action_await_label(self, purpose: str) -> None:
        self._awaiting = purpose
        self._status("press a label key (escape cancels)")

    def action_delete_span(self) -> None:
        under = self._spans_under_cursor()
        if under:
            self.session.delete(under[0])
            self._refresh_spans()
            self._status(f"deleted {under[0].label}")

    def on_span_action(self, message: SpanAction) -> None:
        span = message.span
        if message.action == "jump":
            self.article.move_to(span.start)
            self.article.select(span.start, span.end)
            self.article.focus()
        elif message.action == "delete":
            self.session.delete(span)
            self._refresh_spans()
        elif message.action == "relabel":
            self.article.move_to(span.start)
            self.action_await_label("relabel")

    # -- suggestions ---------------------------------------------------------------------------------
    def action_suggestion(self, verdict: str) -> None:
        pending = [s for s in self._spans_under_cursor() if s.pending]
        if not pending:
            self.notify("No suggestion under the cursor.", timeout=2)
            return
        if verdict == "accept":
            self.session.accept(pending[0])
        else:
            self.session.delete(pending[0])
        self._refresh_spans()
        self._status(f"{verdict}ed suggestion {pending[0].label}")

    def action_next_suggestion(self, step: int) -> None:
        cursor = self.article.cursor
        starts = sorted({s.start for s in self.session.spans() if s.pending})
        after = [o for o in starts if (o > cursor if step > 0 else o < cursor)]
        if not after:
            self.notify("No more suggestions that way.", timeout=2)
            return
        self.article.move_to(after[0] if step > 0 else after[-1])

    # -- answers, undo -----------------------------------------------------------------------------
    def action_answer(self, answer: str) -> None:
        s = self.session
        s.answer(answer)
        self.query_one(DocumentList).set_answer(s.doc_id, s.answers.get(s.doc_id))
        if s.answers.get(s.doc_id) is None:
            self._status("answer taken back")
            return
        if s.index + 1 < len(s.ids):
            self.open_document(s.index + 1)
        else:
            self._status(f"answered {answer}; this was the last document")

    def _after_history(self, action: object, verb: str) -> None:
        if action is None:
            self.notify(f"Nothing to {verb}.", timeout=2)
            return
        doc_id = getattr(action, "doc_id", self.session.doc_id)
        if doc_id != self.session.doc_id and doc_id in self.session.ids:
            self.open_document(self.session.ids.index(doc_id))
        self.query_one(DocumentList).set_answer(doc_id, self.session.answers.get(doc_id))
        self._refresh_spans()
        self._status(f"{verb}: {action.describe()}")  # type: ignore[attr-defined]

    def action_undo(self) -> None:
        self._after_history(self.session.undo(), "undo")

    def action_redo(self) -> None:
        self._after_history(self.session.redo(), "redo")

    # -- search --------------------------------------------------------------------------------------
    def action_search(self) -> None:
        def searched(query: str | None) -> None:
            if query is None:
                return
            self.query_text = query
            self.article.set_hits(self.session.search(query))
            self.action_hit(1, include_cursor=True)

        self.app.push_screen(SearchScreen(self.query_text), searched)

    def action_hit(self, step: int, include_cursor: bool = False) -> None:
        if not self.query_text:
            self.action_search()
            return
        cursor = self.article.cursor
        hits = self.article.hits  # the current document's hits, found when the query was set
        if step > 0:
            ahead = [h for h in hits if h[0] > cursor or (include_cursor and h[0] == cursor)]
        else:
            ahead = [h for h in reversed(hits) if h[0] < cursor]
        if ahead:
            self.article.move_to(ahead[0][0])
            self._status(f"hit {hits.index(ahead[0]) + 1}/{len(hits)} for «{visual_snippet(self.query_text, 30)}»")
            return
        self._search_corpus(self.query_text, step, hits)

    @work(thread=True, exclusive=True, group="corpus-search")
    def _search_corpus(self, query: str, step: int, here: list[tuple[int, int]]) -> None:
        """Look through the other documents off the UI thread: a 100,000-document corpus takes a
        while, and the annotator can keep reading (or search again, which cancels this one)."""
        worker = get_current_worker()
        shown = visual_snippet(query, 30)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._status, f"searching «{shown}»: {done}/{total} documents")

        other = self.session.next_document_with(query, step, cancelled=lambda: worker.is_cancelled, progress=progress)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._corpus_search_done, query, step, other, here)

    def _corpus_search_done(self, query: str, step: int, other: int | None, here: list[tuple[int, int]]) -> None:
        shown = visual_snippet(query, 30)
        if other is None:
            if here:
                self.article.move_to(_first(here, step))
                self._status(f"wrapped: {len(here)} hit(s) for «{shown}», only in this document")
            else:
                self.notify(f"No hit for «{shown}» in any document.", timeout=3)
            return
        self.open_document(other)
        hits = self.article.hits  # open_document searched it for the query
        self.article.move_to(_first(hits, step))
        self._status(f"{len(hits)} hit(s) for «{shown}» in this document")

    # -- view ----------------------------------------------------------------------------------------
    def action_toggle_marks(self) -> None:
        self.article.set_view_options(show_marks=not self.article.show_marks)
        self._status("diacritics shown" if self.article.show_marks else "diacritics hidden")

    def action_cycle_direction(self) -> None:
        order = ["auto", "rtl", "ltr"]
        direction = order[(order.index(self.article.direction) + 1) % 3]
        self.article.set_view_options(direction=direction)  # type: ignore[arg-type]
        self._status(f"paragraph direction: {direction}")

    def action_toggle(self, selector: str) -> None:
        widget = self.query_one(selector)
        widget.display = not widget.display

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.session.schema, self))
