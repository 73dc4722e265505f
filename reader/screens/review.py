"""The review (adjudication) screen of `reader review`: the documents two or more annotators
answered, each span of every annotator shown once with who has it, and keys to decide them into the
reviewer's gold record.

Layout as the annotation screen: the document list (the answer mark is the gold record's, the number
at the right the spans still undecided), the article (accepted spans drawn as accepted, undecided ones
in italic as suggestions are, rejected ones only in the panel), the review panel (annotators with
their answers, numbered for `v`; every span with its decision and holders), the status line. The
decisions are the session's (reader/adjudicate.py): each key is one saved, undoable step.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from annotations.adjudication import Candidate, SpanKey, holders_text, next_open
from annotations.errors import UserError
from annotations.labels import LabelDef
from reader.adjudicate import AdjudicationSession
from reader.keyboard import unbound_key_message
from reader.options import ViewOptions
from reader.screens.annotate import ANSWER_PAST, open_team_screen, reports_user_errors, side_widths
from reader.screens.help import HelpScreen
from reader.screens.team import TeamBoard
from reader.theme import chip_ink, colour_system, quantizer
from reader.widgets.article import ArticleView
from reader.widgets.candidates import CandidateChosen, CandidateList, ReviewPanel
from reader.widgets.doclist import DocumentChosen, DocumentList
from reader.widgets.safe import safe, safe_str, snippet


class ReviewScreen(Screen[None]):
    PANEL_CLASS = CandidateList  # the help screen lists its keys
    FOLLOW_SECONDS: ClassVar[float] = 1.0  # how often the annotators' work is looked for
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c", "decide('accept')", "Accept span", tooltip="the one . selected, or the innermost under the cursor"
        ),
        Binding(
            "x,delete,backspace", "decide('reject')", "Reject span", tooltip="a rejected span is listed in the panel"
        ),
        Binding("A", "accept_agreed", "Accept every span all annotators agree on"),
        Binding("v", "await_version", "Take one annotator's version (then their number)"),
        Binding("full_stop", "walk(1)", "Next undecided span (a disagreement)"),
        Binding("comma", "walk(-1)", "Previous undecided span"),
        Binding(
            "a",
            "answer('accept')",
            "Accept document: the gold record is final",
            tooltip="asks again while spans are undecided",
        ),
        Binding("r", "answer('reject')", "Reject document (gold: the document is rejected)"),
        Binding("s", "answer('skip')", "Skip document (come back later)"),
        Binding("j", "document(1)", "Next document"),
        Binding("k", "document(-1)", "Previous document"),
        Binding("J", "next_unanswered", "Next document not adjudicated yet"),
        Binding("z,ctrl+z", "undo", "Undo", tooltip="kept in the gold record, also across restarts"),
        Binding("Z,ctrl+y", "redo", "Redo"),
        Binding("T", "team", "Team: progress, throughput, labels, agreement"),
        Binding("h", "toggle_marks", "Show/hide diacritics"),
        Binding("D", "cycle_direction", "Paragraph direction: auto/rtl/ltr"),
        Binding("f2", "toggle_side('documents')", "Show/hide document list"),
        Binding("f3", "toggle_side('panel')", "Show/hide review panel"),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def __init__(self, session: AdjudicationSession, options: ViewOptions | None = None) -> None:
        super().__init__()
        self.session = session
        self.options = options or ViewOptions()
        self._walk: Candidate | None = None
        self._awaiting: str | None = None
        # the document `a` was pressed on with spans undecided, and those spans
        self._confirm_accept: tuple[str, frozenset[SpanKey]] | None = None
        self._note = ""
        self.team_board: TeamBoard | None = None

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        s = self.session
        with Horizontal(id="main"):
            yield DocumentList(s.ids, s.title, s.answers, pending_of=s.open_count, id="documents")
            yield ArticleView(s.schema, id="article", options=self.options, on_cursor=self._cursor_changed)
            yield ReviewPanel(s.schema, id="panel")
        yield Static(Text(), id="legend")
        yield Static(Text(), id="status")
        yield Footer()

    def on_mount(self) -> None:
        quantize = quantizer(colour_system(self.app.console))
        legend = Text(" review ", style="bold reverse")
        legend.append(" label keys add the reviewer's own span  ")
        for label in self.session.schema.labels:
            ink = chip_ink(label, quantize)
            legend.append(f" {safe_str(label.key)} ", style=f"bold {ink.color} on {ink.bgcolor}")
            legend.append(f" {safe_str(label.name.title())}  ")
        self.query_one("#legend", Static).update(legend)
        self.article.focus()
        self._apply_width(self.size.width)
        self.open_document(self.session.index)
        self.set_interval(self.FOLLOW_SECONDS, self._follow_store)

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        docs, panel = side_widths(width, self.options.show_documents, self.options.show_panel)
        for selector, cells in (("#documents", docs), ("#panel", panel)):
            widget = self.query_one(selector)
            widget.display = cells > 0
            if cells:
                widget.styles.width = cells

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def doclist(self) -> DocumentList:
        return self.query_one(DocumentList)

    def _notify(self, message: str, severity: str = "information", timeout: float = 4) -> None:
        self.notify(safe_str(message), severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    # -- documents ---------------------------------------------------------------------------------
    @reports_user_errors
    def open_document(self, index: int, note: str = "") -> None:
        s = self.session
        s.take(index)
        self._walk = None
        self._confirm_accept = None
        if s.annotation() is None:
            n = s.start()
            if n:
                note = f"{note}; " if note else ""
                note += f"pre-accepted {n} span(s) all annotators agree on — z undoes"
        review = s.review()
        self.article.load(s.document().text, s.drawn(review))
        self.doclist.set_current(s.index)
        if not review.reviewable:
            note = (note + "; " if note else "") + "fewer than two answered records on this text now"
        self._refresh(note)

    def _refresh(self, note: str | None = None) -> None:
        s = self.session
        review = s.review()
        self.article.set_spans(s.drawn(review))
        self.query_one(ReviewPanel).show(review, self.article.text, self._current())
        self.doclist.refresh_row(s.index)
        self._status(note)

    def _current(self) -> Candidate | None:
        """The candidate keys act on: the one the walk selected, else the innermost under the cursor."""
        walk = self._walk
        if walk is not None:
            found = self.session.review().find(walk.key)
            if found is not None:
                return found
        return self.session.candidate_under(self.article.cursor)

    def _status(self, note: str | None = None) -> None:
        s = self.session
        if note is not None:
            self._note = note
        review = s.review()
        open_ = review.count("open")
        gold = s.answers.get(s.doc_id)
        text = Text()
        text.append(f" {s.index + 1}/{len(s.ids)} ", style="bold reverse")
        text.append(f" {open_} undecided ", style="bold reverse" if open_ else "dim")
        text.append(" ")
        if self._note:
            text.append(safe(self._note, "italic"))
            text.append("  ")
        text.append(f"gold: {gold or '—'}  adjudicated {s.answered}/{len(s.ids)}  ")
        answers = ", ".join(f"{n} {a}" for n, a in review.answers)
        text.append(safe(f"answers: {answers}  ", "dim"))
        text.append(safe(f"reviewer: {s.reviewer}  ", "dim"))
        text.append(safe(s.doc_id, "dim"))
        self.query_one("#status", Static).update(text, layout=False)
        if (
            self._note
            and note
            and cell_len(f" {s.index + 1}/{len(s.ids)}  {open_} undecided  {note}") > self.size.width
        ):
            self._notify(note)

    def on_document_chosen(self, message: DocumentChosen) -> None:
        self.open_document(message.index)
        self.article.focus()

    def action_document(self, step: int) -> None:
        target = self.session.index + step
        if 0 <= target < len(self.session.ids):
            self.open_document(target)
        else:
            self._status("no more documents that way")

    def action_next_unanswered(self) -> None:
        target = self.session.next_unanswered()
        if target is None:
            self._status("every document has been adjudicated")
        else:
            self.open_document(target)

    @reports_user_errors
    def _follow_store(self) -> None:
        s = self.session
        changes = s.store.refresh()
        if self.team_board is not None:
            self.team_board.feed(changes)
        if not changes:
            return
        shown = s.review()  # as drawn: built from the records before this look
        changed, new = s.follow(changes)
        if new:
            self.doclist.rows_changed(s.index)
            self._notify(f"{len(new)} more document(s) ready for review (at the end of the list)")
        if changed:
            self.doclist.refresh()
        if s.doc_id in changed:
            now = s.review()
            # a fold, a reload or an annotator's time spent touches records without changing what
            # they say: only a real change of the spans or answers under review is announced
            if (now.answers, now.candidates, now.stale) != (shown.answers, shown.candidates, shown.stale):
                self._refresh("the annotators' records changed: the spans are shown as they are now")
            else:
                self._refresh()

    # -- the cursor ----------------------------------------------------------------------------------
    def _cursor_changed(self, offset: int, selection: tuple[int, int] | None) -> None:
        if not self.is_mounted:
            return
        walk = self._walk
        if walk is not None and selection != (walk.span.start, walk.span.end):
            self._walk = None
        self.query_one(ReviewPanel).show(self.session.review(), self.article.text, self._current())

    def on_candidate_chosen(self, message: CandidateChosen) -> None:
        c = message.candidate
        self.article.select(c.span.start, c.span.end, cursor=c.span.start)
        self._walk = c
        self.article.focus()
        self._refresh(self._describe(c))

    def _describe(self, c: Candidate) -> str:
        shown = snippet(self.article.text[c.span.start : c.span.end], 30)
        who = holders_text(self.session.review(), c)
        return f"{c.span.label} «{shown}» — {who}; {c.state} — c accepts, x rejects"

    # -- decisions -----------------------------------------------------------------------------------
    @reports_user_errors
    def action_decide(self, verdict: str) -> None:
        c = self._current()
        if c is None:
            self._status("no span here (. goes to the next undecided one)")
            return
        s = self.session
        done = s.accept_candidate(c) if verdict == "accept" else s.reject_candidate(c)
        left = s.review().count("open")
        if done:
            self._refresh(f"{verdict}ed {c.span.label} ({holders_text(s.review(), c)}); {left} undecided — . next")
        else:
            self._refresh(f"{c.span.label} is {verdict}ed already")

    @reports_user_errors
    def action_accept_agreed(self) -> None:
        n = self.session.accept_agreed()
        self._refresh(f"accepted {n} agreed span(s)" if n else "no agreed span is undecided")

    def action_await_version(self) -> None:
        names = self.session.review().annotators
        if not names:
            self._status("nobody answered this document")
            return
        self._awaiting = "version"
        choices = "  ".join(f"{n} {name}" for n, name in enumerate(names[:9], 1))
        self._status(f"whose version? {choices} (escape cancels)")

    @reports_user_errors
    def _take_version(self, digit: str) -> None:
        names = self.session.review().annotators
        n = int(digit) if digit.isdigit() else 0
        if not 1 <= n <= min(9, len(names)):
            self._status(f"{safe_str(digit)}: no annotator with that number — version cancelled")
            return
        name = names[n - 1]
        if self.session.take_version(name):
            self._walk = None
            self._refresh(f"took {name}'s version — z undoes")
        else:
            self._refresh(f"the gold record is {name}'s version already")

    def action_walk(self, step: int) -> None:
        review = self.session.review()
        found = next_open(review, self.article.cursor, step, after=self._walk)
        if found is None:
            way = "after" if step > 0 else "before"
            left = review.count("open")
            hint = " — a accepts the document, J goes to the next one" if not left else ""
            self._status(f"no undecided span {way} this one ({left} undecided){hint}")
            return
        self.article.select(found.span.start, found.span.end, cursor=found.span.start)
        self._walk = found
        self._refresh(self._describe(found))

    # -- label keys: the reviewer's own span; digits after v --------------------------------------------
    @reports_user_errors
    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.is_printable:
            if event.key == "escape" and self._awaiting:
                self._awaiting = None
                self._status("cancelled")
            return
        character = event.character
        if self._awaiting == "version":
            self._awaiting = None
            event.stop()
            event.prevent_default()
            self._take_version(character)
            return
        label = self.session.schema.by_key(character)
        if label is None:
            if event.key not in self.active_bindings:
                lower = character.lower()
                lower_is_a_key = lower != character and (
                    self.session.schema.by_key(lower) is not None or lower in self.active_bindings
                )
                self._status(unbound_key_message(character, lower_is_a_key))
            return
        event.stop()
        event.prevent_default()
        self._label(label)

    def _label(self, label: LabelDef) -> None:
        s = self.session
        target = s.label_target(label, self.article.selection, self.article.cursor)
        if target is None:
            self._status("nothing to label here: select some text or put the cursor on a word")
            return
        try:
            verb, _candidate = s.add_own(label, *target)
        except (UserError, ValueError) as exc:
            self._notify(exc.describe() if isinstance(exc, UserError) else str(exc), "error")
            return
        self.article.clear_selection()
        shown = snippet(self.article.text[target[0] : target[1]], 30)
        if verb == "added":
            self._refresh(f"added the reviewer's own {label.name}: {shown}")
        elif verb == "accepted":
            self._refresh(f"accepted {label.name}: {shown}")
        else:
            self._refresh(f"{label.name} is in the gold record already: {shown}")

    # -- answers, undo -----------------------------------------------------------------------------
    @reports_user_errors
    def action_answer(self, answer: str) -> None:
        s = self.session
        taking_back = s.answers.get(s.doc_id) == answer
        accepting = answer == "accept" and not taking_back
        shown = {c.key for c in s.review().candidates if c.state == "open"}
        if accepting:
            self._follow_store()  # decided on the annotators' latest records, not the last follow tick's
        review = s.review()
        open_keys = frozenset(c.key for c in review.candidates if c.state == "open")
        confirmed = self._confirm_accept
        if accepting and open_keys and not (confirmed and confirmed[0] == s.doc_id and open_keys <= confirmed[1]):
            self._confirm_accept = (s.doc_id, open_keys)
            new = len(open_keys - shown)
            arrived = f"{new} new from the annotators' records; " if new else ""
            self._status(
                f"{arrived}{len(open_keys)} span(s) still undecided are left out of the gold: "
                "a again to accept, . to decide them"
            )
            return
        self._confirm_accept = None
        position = f"doc {s.index + 1}/{len(s.ids)}"
        s.answer(answer)
        self.doclist.set_answer(s.doc_id, s.answers.get(s.doc_id))
        if s.answers.get(s.doc_id) is None:
            self._refresh(f"gold answer taken back for {position}")
            return
        done = f"gold {ANSWER_PAST[answer]} for {position}"
        if s.index + 1 < len(s.ids):
            self.open_document(s.index + 1, note=f"{done} — z undoes")
        else:
            self._refresh(f"{done}; this was the last document — z undoes")

    def _after_history(self, result: tuple[str, object] | None, verb: str) -> None:
        if result is None:
            self._status(f"nothing to {verb}")
            return
        doc_id, action = result
        s = self.session
        if doc_id != s.doc_id and doc_id in s.ids:
            s.take(s.ids.index(doc_id))
            self.article.load(s.document().text, s.drawn(s.review()))
            self.doclist.set_current(s.index)
        self._walk = None
        self.doclist.set_answer(doc_id, s.answers.get(doc_id))
        self._refresh(f"{verb}: {action.describe()}")  # type: ignore[attr-defined]

    @reports_user_errors
    def action_undo(self) -> None:
        self._after_history(self.session.undo(), "undo")

    @reports_user_errors
    def action_redo(self) -> None:
        self._after_history(self.session.redo(), "redo")

    # -- view ----------------------------------------------------------------------------------------
    def action_toggle_marks(self) -> None:
        self.options = self.options.toggled_marks()
        self.article.set_options(self.options)
        self._status("diacritics shown" if self.options.show_marks else "diacritics hidden")

    def action_cycle_direction(self) -> None:
        self.options = self.options.next_direction()
        self.article.set_options(self.options)
        self._status(f"paragraph direction: {self.options.direction}")

    def action_toggle_side(self, which: str) -> None:
        widget = self.query_one("#documents" if which == "documents" else "#panel")
        shown = not widget.display
        if which == "documents":
            self.options = replace(self.options, show_documents=shown)
        else:
            self.options = replace(self.options, show_panel=shown)
        self._apply_width(self.size.width)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.session.schema, self))

    @reports_user_errors
    def action_team(self) -> None:
        self.app.push_screen(open_team_screen(self, self.session, lambda: False))
