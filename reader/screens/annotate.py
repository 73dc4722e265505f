"""The annotation screen: document list, article, span panel, label legend and status line.

It owns the view options (reader.options.ViewOptions) and routes keys to the session (the review
model) and to the article view (which owns the cursor and selection state); it keeps no other state
but the suggestion the review walk (. and ,) is on.
"""

from __future__ import annotations

import functools
import gc
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.notifications import Notification, Notify
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from annotations.errors import UserError
from annotations.labels import LabelDef
from annotations.model import Span
from reader.autotrain import AutoTrain
from reader.colours import Quantize
from reader.options import PendingPolicy, ViewOptions
from reader.screens import common_keys as keys
from reader.screens.document_screen import ANSWER_PAST, DocumentScreen, reports_user_errors
from reader.screens.pending import PendingScreen
from reader.screens.search import SearchScreen
from reader.session import Decision, Session, UnseenSuggestions
from reader.teamwatch import TeamWatch
from reader.theme import chip_ink, colour_system, quantizer
from reader.widgets.article import ArticleView, EdgeMoved
from reader.widgets.doclist import DocumentList
from reader.widgets.safe import safe, safe_str, screen_text, snippet
from reader.widgets.spans import SpanAction, SpanPanel


def _shown(name: str) -> str:
    """A name, a label or an id for the status line: controls made visible first, then (an Arabic
    name) shaped and in visual order through the layout engine, on its own."""
    return screen_text(name)


def _first(hits: list[tuple[int, int]], step: int) -> tuple[int, int]:
    """Where a search going forward (step > 0) or backward enters a document's hits."""
    return hits[0] if step > 0 else hits[-1]


class AnnotateScreen(DocumentScreen[Session]):
    # time spent on the open document is saved with every action and at least this often, so the
    # team screen's throughput is current while someone reads a long article
    TIME_SAVE_SECONDS: ClassVar[float] = 60.0
    # how often the others' work (records, claims, imports, suggestions) is looked for
    FOLLOW_SECONDS: ClassVar[float] = 1.0

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "answer('accept')",
            "Accept document",
            tooltip="asks first while suggestions are pending (--on-pending)",
        ),
        Binding("r", "answer('reject')", "Reject document"),
        Binding("s", "answer('skip')", "Skip document"),
        Binding("f", "answer('flag')", "Flag document"),
        *keys.navigation("Next unanswered document"),
        *keys.history("kept per document, also across restarts"),
        Binding("slash", "search", "Search"),
        Binding("n", "hit(1)", "Next search hit", tooltip="selects the hit exactly: a label key labels the hit"),
        Binding("N", "hit(-1)", "Previous search hit"),
        Binding(
            "c",
            "suggestion('accept')",
            "Accept suggestion",
            tooltip="the one . selected, or the innermost under the cursor",
        ),
        Binding(
            "x",
            "suggestion('reject')",
            "Reject suggestion",
            tooltip="recorded: suggesting again does not bring it back",
        ),
        Binding(
            "full_stop",
            "next_suggestion(1)",
            "Next suggestion",
            tooltip="every pending suggestion once, nested ones too, in reading order",
        ),
        Binding("comma", "next_suggestion(-1)", "Previous suggestion"),
        Binding("C", "await_label('accept_all')", "Accept all suggestions of a label (then its key)"),
        Binding("t", "await_label('relabel')", "Relabel span under cursor (then a label key)"),
        Binding(
            "delete,backspace",
            "delete_span",
            "Delete span under cursor",
            tooltip="a suggestion deleted counts as rejected",
        ),
        *keys.view("span panel"),
        keys.team(tooltip="only your own under --blind"),
        keys.HELP,
    ]

    def __init__(
        self,
        session: Session,
        options: ViewOptions | None = None,
        on_pending: PendingPolicy = "ask",
        auto_train: AutoTrain | None = None,
    ) -> None:
        super().__init__(session, options)
        self.auto_train = auto_train
        current = auto_train.current() if auto_train is not None else None
        self._model_note = current.status if current is not None else ""
        self.on_pending: PendingPolicy = on_pending
        self.query_text = ""
        self._walk: Span | None = None  # the suggestion . and , last selected
        self._last_status = Text()
        self._note = ""
        self._note_toast: Notification | None = None
        # the others' progress (not under a blind routing policy)
        self.team_watch: TeamWatch | None = None
        self._others: list[tuple[str, int]] = []
        self._policy_error: str | None = None  # told once

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        s = self.session
        with Horizontal(id="main"):
            yield DocumentList(
                s.ids, s.title, s.answers, pending_of=s.pending_count, others_of=self._others_done, id="documents"
            )
            yield ArticleView(s.schema, id="article", options=self.options, on_cursor=self._cursor_changed)
            yield SpanPanel(s.schema, id="panel")
        yield Static(Text(), id="legend")
        yield Static(Text(), id="status")
        yield Footer()

    def _legend(self, width: int) -> Text:
        """The label keys, each entry whole on its line: with "(line)" after line-scoped labels when
        everything fits on one line, without it when that makes it fit (the help says it), else
        broken between entries, never inside one."""
        quantize = self._quantize()
        labels = self.session.schema.labels
        for marked in (True, False):
            entries = []
            for label in labels:
                ink = chip_ink(label, quantize)
                entry = Text()
                entry.append(f" {safe_str(label.key)} ", style=f"bold {ink.color} on {ink.bgcolor}")
                name = _shown(label.name.title())
                entry.append(f" {name}{' (line)' if marked and label.scope == 'line' else ''}")
                entries.append(entry)
            if sum(e.cell_len for e in entries) + len(entries) - 1 <= width:
                break
        legend = Text()
        used = 0
        for entry in entries:
            if used and used + 1 + entry.cell_len > width:
                legend.append("\n")
                used = 0
            elif used:
                legend.append(" ")
                used += 1
            legend.append_text(entry)
            used += entry.cell_len
        return legend

    def _quantize(self) -> Quantize:
        return quantizer(colour_system(self.app.console))

    def on_mount(self) -> None:
        self.query_one("#legend", Static).update(self._legend(self.size.width))
        self.article.focus()
        self._apply_width(self.size.width)
        self._watch_team()
        self.open_document(self.session.index)
        # Everything loaded so far lives for the whole session: keep the cyclic garbage collector from
        # walking it again and again (full collections otherwise stall a key press now and then).
        gc.freeze()
        # other annotators' (and importers') work on the same store shows within a second
        self.set_interval(self.FOLLOW_SECONDS, self._follow_store)
        self.set_interval(self.TIME_SAVE_SECONDS, self._save_time)

    @reports_user_errors
    def _save_time(self) -> None:
        self.session.record_time()

    @property
    def blind(self) -> bool:
        """Under a blind routing policy annotators do not see each other's work."""
        queue = self.session.queue
        return queue is not None and queue.policy.blind

    def _blind(self) -> bool:
        return self.blind

    def _watch_team(self) -> None:
        s = self.session
        if self.blind:
            self.team_watch, self._others = None, []
        elif self.team_watch is None and any(n != s.annotator for n in s.store.annotators()):
            self.team_watch = TeamWatch(s.store, s.annotator)
            self._others = self.team_watch.summary()

    def _others_done(self, doc_id: str) -> int:
        return self.team_watch.others_done(doc_id) if self.team_watch is not None else 0

    @reports_user_errors
    def _follow_store(self) -> None:
        """Every second: what the other processes did (their records, claims, imports, suggestions)
        and a changed routing policy."""
        s = self.session
        changes = s.store.refresh()
        if self.team_board is not None:
            self.team_board.feed(changes)
        everything = changes.reloaded or changes.documents
        note = None
        if recounted := s.follow_suggestions(changes, [s.doc_id, *self.doclist.shown_ids()]):
            self.doclist.refresh_docs(recounted)  # only the rows whose pending count changed
            drawn = sum(1 for span in self.article.spans if span.pending)
            if s.doc_id in recounted and (more := s.pending_count() - drawn) > 0:
                note = f"{more} new suggestion(s) in this document"
        policy = s.queue.policy if s.queue is not None else None
        queue_changed = s.follow_claims(changes.claims, everything=everything)
        policy_changed = s.queue is not None and s.queue.policy != policy
        if policy_changed:
            self._watch_team()  # blind may have changed: the others' marks and progress come or go
            self.doclist.refresh()
            self._notify("The routing policy changed: the document list follows it.", "warning")
        error = s.queue.policy_error if s.queue is not None else None
        if error is not None and error != self._policy_error:
            self._notify(f"The routing policy file is damaged; the policy in force stays: {error}", "error", timeout=10)
        self._policy_error = error
        if queue_changed:
            self.doclist.rows_changed(s.index)
        if changes.records or everything:
            if self.team_watch is None:
                self._watch_team()
                if self.team_watch is not None:
                    self.doclist.refresh()
            elif marked := self.team_watch.follow(changes):
                self._others = self.team_watch.summary()
                self.doclist.refresh_docs(marked)  # only the rows whose marks changed, if on screen
            if changes.reloaded or any(doc_id == s.doc_id for doc_id, _ in changes.records):
                self._refresh_spans(only_if_changed=True)
        if queue_changed or policy_changed or changes.records or everything:
            self._status(note)

    def _apply_width(self, width: int) -> None:
        self.query_one("#legend", Static).update(self._legend(width))
        super()._apply_width(width)

    # -- documents ---------------------------------------------------------------------------------
    def open_document(self, index: int, cursor: int = 0, note: str = "") -> None:
        s = self.session
        opened, lost = s.take(index)
        if lost:
            self.doclist.rows_changed(s.index)
            taken = f"{len(lost)} document(s) taken by others meanwhile (routing overlap reached)"
            note = f"{note}; {taken}" if note else taken
        if opened is None:
            self._status(f"{note}: nothing further that way" if note else "nothing further that way")
            return
        doc = s.document()
        annotation = s.annotation()
        spans = list(annotation.spans) if annotation else []
        self._walk = None
        self.article.load(doc.text, spans, cursor=cursor)
        if self.query_text:
            self.article.set_hits(s.search(self.query_text))
        self.doclist.set_current(s.index)
        self.query_one(SpanPanel).show_spans(doc.text, spans)
        if annotation is not None and annotation.text_hash != doc.text_hash:
            self._notify("This document's text changed after it was labelled: check the spans.", "warning")
        self._status(note)

    def _refresh_spans(self, *, only_if_changed: bool = False) -> None:
        spans = self.session.spans()
        if only_if_changed and set(spans) == set(self.article.spans):
            return  # (another process folded the store, or worked on this document: not on our spans)
        self.article.set_spans(spans)
        panel = self.query_one(SpanPanel)
        panel.show_spans(self.article.text, spans)
        panel.show_cursor(self.article.text, spans, self.article.cursor)
        self.doclist.refresh_row(self.session.index)

    def _status(self, note: str | None = None, *, shorter: str | None = None) -> None:
        """Redraw the status line. ``note`` (what the last key did) stays until the next note. Routine
        notes are worded to fit the line beside the counters (``shorter``: the same said in fewer
        words, used when the note does not fit); one that still does not fit (a narrow terminal) is
        also shown as a toast, which the next note replaces, so a toast never shows a stale message."""
        s = self.session
        pending = s.pending_count()
        head = f" {s.index + 1}/{len(s.ids)} "
        counts = f" {pending} pending "
        if note is not None:
            room = self.size.width - cell_len(head + counts) - 1
            if shorter is not None and cell_len(note) > room:
                note = shorter
            self._note = note
            if note and cell_len(note) > room:
                self._toast_note(note)
            else:
                self._drop_note_toast()
        answer = s.answers.get(s.doc_id)
        y, _ = self.article.cursor_position()
        # Most useful first, so a narrow terminal cuts off the least useful part.
        text = Text()
        text.append(head, style="bold reverse")
        text.append(counts, style="bold reverse" if pending else "dim")
        text.append(" ")
        if self._note:
            text.append(safe(self._note, "italic"))
            text.append("  ")
        # "done": every answer counts (accept, reject, skip, flag); the team screen splits them
        text.append(f"answer: {answer or '—'}  done {s.answered}/{len(s.ids)}  ")
        if self._others:  # the others' progress, live (not under blind routing)
            others = ", ".join(f"{_shown(name)} {n}" for name, n in self._others[:6])
            text.append(safe(f"others: {others}  ", "bold"))
        text.append(f"offset {self.article.cursor}  {self.article.layout_engine.describe_line(y)}  ")
        text.append(safe(f"annotator: {_shown(s.annotator)}  ", "dim"))
        text.append(safe(_shown(s.doc_id), "dim"))
        if self._model_note:
            text.append("  ")
            text.append(safe(self._model_note, "dim"))
        if text != self._last_status:
            self._last_status = text
            # One fixed-height line: no relayout of the screen on every key press.
            self.query_one("#status", Static).update(text, layout=False)

    def _toast_note(self, note: str) -> None:
        """A note too long for the status line, as a toast in place of the previous one."""
        self._drop_note_toast()
        toast = Notification(safe_str(note), "", "information", 4, markup=False)
        self._note_toast = toast
        self.app.post_message(Notify(toast))

    def _drop_note_toast(self) -> None:
        toast, self._note_toast = self._note_toast, None
        # Textual has no public call to withdraw one toast; errors and warnings stay up
        if toast is not None and toast in self.app._notifications:
            self.app._unnotify(toast)

    # -- cursor --------------------------------------------------------------------------------------
    def _cursor_changed(self, offset: int, selection: tuple[int, int] | None) -> None:
        if not self.is_mounted:
            return
        walk = self._walk
        if walk is not None and selection != (walk.start, walk.end):
            self._walk = None  # the annotator moved away from the suggestion the walk was on
        self.query_one(SpanPanel).show_cursor(self.article.text, self.article.spans, offset)
        self._status()

    # -- keys that are not bindings: labels, and telling about keys that do nothing ------------------------
    def _typed(self, event: events.Key, character: str) -> bool:
        label = self.session.schema.by_key(character)
        awaiting, self._awaiting = self._awaiting, None
        if label is None:
            if awaiting is not None:
                self._status(f"{safe_str(character)} is not a label key: {awaiting.replace('_', ' ')} cancelled")
                return True
            self._tell_unbound(event, character)
            return False
        self._label_key(label, awaiting)
        return True

    @reports_user_errors
    def _label_key(self, label: LabelDef, awaiting: str | None) -> None:
        if awaiting == "relabel":
            self._relabel(label)
        elif awaiting == "accept_all":
            count = self.session.accept_all(label.name)
            self._refresh_spans()
            name = _shown(label.name)
            self._status(f"accepted {count} {name} suggestion(s)" if count else f"no pending {name}")
        else:
            self._apply_label(label)

    def _apply_label(self, label: LabelDef) -> None:
        article = self.article
        target = self.session.label_target(label, article.selection, article.cursor)
        if target is None:
            self._status("nothing to label here: select some text or put the cursor on a word")
            return
        try:
            outcome = self.session.label(label, *target)
        except (UserError, ValueError) as exc:
            self._notify(exc.describe() if isinstance(exc, UserError) else str(exc), "error")
            return
        article.clear_selection()  # a label key uses the selection up, whatever it did
        self._refresh_spans()
        span = outcome.span
        shown = snippet(article.text[span.start : span.end], 30)
        if outcome.verb == "already":
            self._status(f"{_shown(label.name)} is already there: {shown}")
        elif outcome.verb == "accepted":
            self._status(f"accepted suggestion {_shown(label.name)}: {shown}")
        elif outcome.verb == "replaced":
            self._status(f"labelled {_shown(label.name)} instead of the suggestion: {shown}")
        else:
            self._status(f"labelled {_shown(label.name)}: {shown}")

    def _spans_under_cursor(self) -> list[Span]:
        cursor = self.article.cursor
        # Innermost first: the shortest span is the one the annotator is looking at.
        return sorted((s for s in self.session.spans() if s.contains(cursor)), key=lambda s: s.end - s.start)

    def _relabel(self, label: LabelDef) -> None:
        under = self._spans_under_cursor()
        if not under:
            self._status("no span under the cursor to relabel")
            return
        if self.session.relabel(under[0], label):
            self._refresh_spans()
            self._status(f"relabelled {_shown(under[0].label)} -> {_shown(label.name)}")
        else:
            self._status(f"it is {_shown(label.name)} already")

    def action_await_label(self, purpose: str) -> None:
        self._awaiting = purpose
        self._status("press a label key (escape cancels)")

    @reports_user_errors
    def action_delete_span(self) -> None:
        under = self._spans_under_cursor()
        if not under:
            self._status("no span under the cursor")
            return
        span = under[0]
        self.session.delete(span)
        self._refresh_spans()
        what = "rejected suggestion" if span.origin == "suggested" else "deleted"
        self._status(f"{what} {_shown(span.label)} — z undoes")

    @reports_user_errors
    def on_span_action(self, message: SpanAction) -> None:
        span = message.span
        if message.action == "jump":
            self.article.select(span.start, span.end, cursor=span.start)
            self.article.focus()
        elif message.action == "delete":
            self.session.delete(span)
            self._refresh_spans()
            self._status(f"deleted {_shown(span.label)} — z undoes")
        elif message.action == "relabel":
            self.article.move_to(span.start)
            self.action_await_label("relabel")

    def on_edge_moved(self, message: EdgeMoved) -> None:
        """``[ ] { }``: say what the selection is now, or why nothing moved."""
        if message.selection is None:
            self._status("no selection: [ ] { } trim a selection's edges")
            return
        start, end = message.selection
        shown = snippet(self.article.text[start:end], 24)
        stuck = "" if message.changed else " (an edge cannot pass the other or the text's end)"
        self._status(f"selection {start}–{end}: {shown}{stuck}")

    # -- suggestions ---------------------------------------------------------------------------------
    def _suggestion_here(self) -> Span | None:
        """The suggestion c and x act on: the one the walk selected, else the innermost pending one
        under the cursor."""
        pending = self.session.pending()
        walk = self._walk
        if walk is not None and walk in pending:
            return walk
        under = [s for s in pending if s.contains(self.article.cursor)]
        return min(under, key=lambda s: s.end - s.start) if under else None

    @reports_user_errors
    def action_suggestion(self, verdict: str) -> None:
        span = self._suggestion_here()
        if span is None:
            self._status("no pending suggestion here (. finds the next one)")
            return
        if verdict == "accept":
            self.session.accept(span)
        else:
            self.session.reject(span)
        self._refresh_spans()
        left = self.session.pending_count()
        name = _shown(span.label)
        self._status(f"{verdict}ed {name}; {left} pending — . for the next", shorter=f"{verdict}ed {name}")

    def action_next_suggestion(self, step: int) -> None:
        s = self.session
        found = s.next_suggestion(self.article.cursor, step, after=self._walk)
        if found is None:
            left = s.pending_count()
            way = "after" if step > 0 else "before"
            self._status(f"no pending suggestion {way} this one ({left} pending in the document)")
            return
        self.article.select(found.start, found.end, cursor=found.start)
        self._walk = found
        order = s.pending()
        where = f"suggestion {order.index(found) + 1}/{len(order)} {_shown(found.label)}"
        self._status(
            f"{where} ({_shown(found.rule or 'rule')}): c accepts, x rejects", shorter=f"{where}: c accepts, x rejects"
        )

    # -- answers, undo -----------------------------------------------------------------------------
    @reports_user_errors
    def action_answer(self, answer: str) -> None:
        s = self.session
        taking_back = s.answers.get(s.doc_id) == answer
        if answer != "accept" or taking_back:
            self._answer(answer, None)
            return
        # Accepting is decided on the store's latest state, not on the last follow tick: suggestions
        # another process added since are taken in (and drawn) first.
        shown = {span.key for span in self.article.spans if span.pending}
        self._follow_store()
        pending = s.pending()
        unseen = [span for span in pending if span.key not in shown]
        if unseen:
            self._refresh_spans()
            self._ask_pending(pending, unseen)
            return
        if pending:
            policy = self.on_pending
            if policy == "refuse":
                self._status(f"{len(pending)} suggestion(s) still pending: decide them first (. walks to them)")
                return
            if policy == "ask":
                self._ask_pending(pending, [])
                return
            self._answer(answer, policy, seen=pending)
            return
        self._answer(answer, None, seen=[])

    def _ask_pending(self, pending: list[Span], unseen: list[Span]) -> None:
        """Ask what to do with the pending suggestions before accepting. New ones the annotator was not
        shown are always asked about (whatever ``--on-pending`` says, which is for suggestions they
        had in front of them); under ``refuse`` they must be decided first like any other."""
        n = len(pending)
        if self.on_pending == "refuse":
            self._status(f"{len(unseen)} new suggestion(s) arrived; {n} pending: decide them first (. walks to them)")
            return
        asked = list(pending)
        self.app.push_screen(
            PendingScreen(n, new=len(unseen)), functools.partial(self._answer_after_prompt, seen=asked)
        )

    @reports_user_errors
    def _answer_after_prompt(self, decision: Decision | None, *, seen: list[Span]) -> None:
        if decision is None:
            self._status("not answered: the pending suggestions are still there (. walks to them)")
            return
        self._answer("accept", decision, seen=seen)

    def _answer(self, answer: str, decide: Decision | None, *, seen: list[Span] | None = None) -> None:
        s = self.session
        position = f"doc {s.index + 1}/{len(s.ids)}"
        pending = s.pending_count()
        try:
            s.answer(answer, decide, seen=seen)
        except UnseenSuggestions as exc:
            # more arrived between the question and the store's lock: nothing saved; show and ask again
            self._refresh_spans()
            self._ask_pending(s.pending(), exc.spans)
            return
        self.doclist.set_answer(s.doc_id, s.answers.get(s.doc_id))
        if s.answers.get(s.doc_id) is None:
            self._refresh_spans()
            self._status(f"answer taken back for {position}")
            return
        if answer == "accept" and self.auto_train is not None and self.auto_train.count_accept():
            self._model_note = "model: training…"
            self._retrain()
        done = f"{ANSWER_PAST[answer]} {position}"
        if decide is not None:
            done += f" and {'accepted' if decide == 'accept' else 'rejected'} {pending} suggestion(s)"
        if s.index + 1 < len(s.ids):
            try:
                self.open_document(s.index + 1, note=f"{done} — z undoes")
            except UserError as exc:  # the answer is saved; only moving on failed (a full disk)
                self._refresh_spans()
                self._status(f"{done} — z undoes")
                self._notify(f"{done}, but the next document could not be opened: {exc.describe()}", "error", 10)
        else:
            self._refresh_spans()
            self._status(f"{done}; this was the last document — z undoes")

    def _show_document(self, index: int) -> None:
        self.open_document(index)

    def _history_done(self, note: str) -> None:
        self._refresh_spans()
        self._status(note)

    # -- search --------------------------------------------------------------------------------------
    def action_search(self) -> None:
        def searched(query: str | None) -> None:
            if query is None:
                return
            self.query_text = query
            self.article.set_hits(self.session.search(query))
            self.action_hit(1, include_cursor=True)

        self.app.push_screen(SearchScreen(self.query_text), searched)

    def _go_to_hit(self, hit: tuple[int, int]) -> None:
        """A hit is selected exactly (not snapped to its word): a label key labels the hit, as seen."""
        self.article.select(hit[0], hit[1], cursor=hit[0])

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
            self._go_to_hit(ahead[0])
            self._status(f"hit {hits.index(ahead[0]) + 1}/{len(hits)} for «{snippet(self.query_text, 30)}»")
            return
        self._search_corpus(self.query_text, step, hits)

    @work(thread=True, exclusive=True, group="auto-train")
    def _retrain(self) -> None:
        """Retrain the model (``--auto-train``): the worker thread only waits for the child process."""
        if self.auto_train is None:
            return
        trained = self.auto_train.run()
        self.app.call_from_thread(self._trained, trained.status)

    def _trained(self, note: str) -> None:
        self._model_note = note
        self._status()

    @work(thread=True, exclusive=True, group="corpus-search")
    def _search_corpus(self, query: str, step: int, here: list[tuple[int, int]]) -> None:
        """Look through the other documents off the UI thread: a 100,000-document corpus takes a
        while, and the annotator can keep reading (or search again, which cancels this one)."""
        worker = get_current_worker()
        shown = snippet(query, 30)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._status, f"searching «{shown}»: {done}/{total} documents")

        other = self.session.next_document_with(query, step, cancelled=lambda: worker.is_cancelled, progress=progress)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._corpus_search_done, query, step, other, here)

    def _corpus_search_done(self, query: str, step: int, other: int | None, here: list[tuple[int, int]]) -> None:
        shown = snippet(query, 30)
        if other is None:
            if here:
                self._go_to_hit(_first(here, step))
                self._status(f"wrapped: {len(here)} hit(s) for «{shown}», only in this document")
            else:
                self._status(f"no hit for «{shown}» in any document")
            return
        self.open_document(other)
        hits = self.article.hits  # open_document searched it for the query
        self._go_to_hit(_first(hits, step))
        self._status(f"{len(hits)} hit(s) for «{shown}» in this document")
