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

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Static

from annotations.adjudication import Candidate, SpanKey, next_open
from annotations.errors import UserError
from annotations.labels import LabelDef
from reader.adjudicate import AdjudicationSession
from reader.options import ViewOptions
from reader.screens import common_keys as keys
from reader.screens.document_screen import ANSWER_PAST, DocumentScreen, reports_user_errors
from reader.text.snippet import quoted
from reader.theme import chip_ink, colour_system, quantizer
from reader.widgets.article import ArticleView
from reader.widgets.candidates import CandidateChosen, CandidateList, ReviewPanel, holders_shown
from reader.widgets.doclist import DocumentList
from reader.widgets.safe import safe, safe_str, screen_text, snippet


class ReviewScreen(DocumentScreen[AdjudicationSession]):
    PANEL_CLASS = CandidateList  # the help screen lists its keys
    ALL_ANSWERED = "every document has been adjudicated"
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
        *keys.navigation("Next document not adjudicated yet"),
        *keys.history("kept in the gold record, also across restarts"),
        keys.team(),
        *keys.view("review panel"),
        keys.HELP,
    ]

    def __init__(self, session: AdjudicationSession, options: ViewOptions | None = None) -> None:
        super().__init__(session, options)
        self._walk: Candidate | None = None
        # the document `a` was pressed on with spans undecided, and those spans
        self._confirm_accept: tuple[str, frozenset[SpanKey]] | None = None
        self._note = ""

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
            legend.append(f" {screen_text(label.name.title())}  ")
        self.query_one("#legend", Static).update(legend)
        self.article.focus()
        self._apply_width(self.size.width)
        self.open_document(self.session.index)
        self.set_interval(self.FOLLOW_SECONDS, self._follow_store)

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
        answers = ", ".join(f"{screen_text(n)} {a}" for n, a in review.answers)
        text.append(safe(f"answers: {answers}  ", "dim"))
        text.append(safe(f"reviewer: {screen_text(s.reviewer)}  ", "dim"))
        text.append(safe(screen_text(s.doc_id), "dim"))
        self.query_one("#status", Static).update(text, layout=False)
        if (
            self._note
            and note
            and cell_len(f" {s.index + 1}/{len(s.ids)}  {open_} undecided  {note}") > self.size.width
        ):
            self._notify(note)

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
        who = holders_shown(self.session.review(), c)
        return f"{screen_text(c.span.label)} {quoted(shown)} — {who}; {c.state} — c accepts, x rejects"

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
            who = holders_shown(s.review(), c)
            self._refresh(f"{verdict}ed {screen_text(c.span.label)} ({who}); {left} undecided — . next")
        else:
            self._refresh(f"{screen_text(c.span.label)} is {verdict}ed already")

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
        choices = "  ".join(f"{n} {screen_text(name)}" for n, name in enumerate(names[:9], 1))
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
            self._refresh(f"took {screen_text(name)}'s version — z undoes")
        else:
            self._refresh(f"the gold record is {screen_text(name)}'s version already")

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
    def _typed(self, event: events.Key, character: str) -> bool:
        if self._awaiting == "version":
            self._awaiting = None
            self._take_version(character)
            return True
        label = self.session.schema.by_key(character)
        if label is None:
            self._tell_unbound(event, character)
            return False
        self._label(label)
        return True

    @reports_user_errors
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
            self._refresh(f"added the reviewer's own {screen_text(label.name)}: {shown}")
        elif verb == "accepted":
            self._refresh(f"accepted {screen_text(label.name)}: {shown}")
        else:
            self._refresh(f"{screen_text(label.name)} is in the gold record already: {shown}")

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

    def _show_document(self, index: int) -> None:
        # taken, not opened: opening would pre-accept the agreed spans of an untouched document
        s = self.session
        s.take(index)
        self.article.load(s.document().text, s.drawn(s.review()))
        self.doclist.set_current(s.index)

    def _history_done(self, note: str) -> None:
        self._walk = None
        self._refresh(note)
