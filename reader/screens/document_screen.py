"""What the annotation screen and the review screen share: the document list, the article and a side
panel sized to the terminal's width, moving between documents, the view keys (diacritics, paragraph
direction, side panels), undo/redo, help, the team screen, and telling a store's refusal as a toast.

The keys both screens have are in reader.screens.common_keys.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar, Generic, ParamSpec, TypeVar

from textual import events
from textual.screen import Screen

from annotations.errors import UserError
from annotations.store import Changes
from reader.keyboard import unbound_key_message
from reader.options import ViewOptions
from reader.screens.help import HelpScreen
from reader.screens.team import TeamBoard, TeamScreen
from reader.session import Session
from reader.widgets.article import ArticleView
from reader.widgets.doclist import DocumentChosen, DocumentList
from reader.widgets.safe import safe_str

# The article keeps at least this share of the width; the side panels share the rest, each at most
# its natural width, and give way below their smallest useful width (F2 / F3 bring them back).
ARTICLE_SHARE = 0.6
DOCLIST_WIDTH = (16, 28)  # smallest, natural
PANEL_WIDTH = (28, 38)

ANSWER_PAST = {"accept": "accepted", "reject": "rejected", "skip": "skipped", "flag": "flagged"}

P = ParamSpec("P")
SessionT = TypeVar("SessionT", bound=Session)


def side_widths(width: int, show_documents: bool | None, show_panel: bool | None) -> tuple[int, int]:
    """Widths of the document list and the span panel (0: hidden) for a terminal width: together at
    most 40% of it, so the article keeps 60%. None means "if the width allows"; True/False is the
    annotator's choice (F2/F3), still kept within that share."""
    budget = int(width * (1 - ARTICLE_SHARE))
    want_panel = show_panel if show_panel is not None else budget >= PANEL_WIDTH[0]
    want_docs = show_documents if show_documents is not None else budget >= PANEL_WIDTH[0] + DOCLIST_WIDTH[0]
    docs = panel = 0
    if want_panel and want_docs:
        docs = min(DOCLIST_WIDTH[1], budget * 2 // 5)
        panel = min(PANEL_WIDTH[1], budget - docs)
    elif want_panel:
        panel = min(PANEL_WIDTH[1], budget)
    elif want_docs:
        docs = min(DOCLIST_WIDTH[1], budget)
    return docs, panel


def reports_user_errors(method: Callable[P, None]) -> Callable[P, None]:
    """A key whose action the store refuses (disk full, a damaged or locked store: a UserError) says
    so in a notification; the app goes on, and the store is as it was. For a screen's methods (the
    screen has a ``_notify(message, severity, timeout)``)."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(*args, **kwargs)
        except UserError as exc:
            screen: Any = args[0]
            screen._notify(f"not done: {exc.describe()}", "error", timeout=10)

    return guarded


def open_team_screen(screen: Any, session: Session, blind: Callable[[], bool]) -> TeamScreen:
    """The team screen for ``screen`` (which keeps its ``team_board``), with what this session wrote
    since it last looked."""
    session.record_time()
    if screen.team_board is None:
        screen.team_board = TeamBoard(session.store)
    board: TeamBoard = screen.team_board
    if session.touched:
        board.feed(Changes(records={(d, session.annotator) for d in session.touched}))
        session.touched.clear()
    return TeamScreen(board, session.annotator, blind)


class DocumentScreen(Screen[None], Generic[SessionT]):
    """A screen of documents (ids ``#documents``, ``#article``, ``#panel``) over a session."""

    # what the status line says when J finds every document answered
    ALL_ANSWERED: ClassVar[str] = "every document has an answer"

    def __init__(self, session: SessionT, options: ViewOptions | None) -> None:
        super().__init__()
        self.session = session
        self.options = options or ViewOptions()
        self.team_board: TeamBoard | None = None  # the team screen's figures, once it was shown
        self._awaiting: str | None = None  # what the next key is for (a label key, an annotator's number)

    # -- what each screen says its own way ----------------------------------------------------------
    def open_document(self, index: int) -> None:
        raise NotImplementedError

    def _status(self, note: str | None = None) -> None:
        raise NotImplementedError

    def _blind(self) -> bool:
        """Whether the team screen shows only this annotator's own figures."""
        return False

    # -- layout ------------------------------------------------------------------------------------
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
        """A toast, for what must be read in full; never parsed as markup, controls made visible."""
        self.notify(safe_str(message), severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    def take_key(self, event: events.Key) -> bool:
        """Every key, in the order typed, before the bindings: the app calls this from its own queue,
        where the bindings run, so a key acts on what the key before it did (a label key typed right
        after a move labels the new position). True: the key was taken here."""
        if event.character is None or not event.is_printable:
            if event.key == "escape" and self._awaiting:
                self._awaiting = None
                self._status("cancelled")
            return False  # (escape also clears the selection, as always)
        try:
            return self._typed(event, event.character)
        except UserError as exc:  # refused by the store: say so, the app goes on
            self._notify(f"not done: {exc.describe()}", "error", timeout=10)
            return True

    def _typed(self, event: events.Key, character: str) -> bool:
        """A printable key, before any binding: True if taken (a label key, a key awaited after another)."""
        raise NotImplementedError

    def _tell_unbound(self, event: events.Key, character: str) -> None:
        """A printable key that is neither a label key nor bound: say so (and whether its lower case is)."""
        if event.key in self.active_bindings:
            return
        lower = character.lower()
        lower_is_a_key = lower != character and (
            self.session.schema.by_key(lower) is not None or lower in self.active_bindings
        )
        self._status(unbound_key_message(character, lower_is_a_key))

    # -- documents ---------------------------------------------------------------------------------
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
            self._status(self.ALL_ANSWERED)
        else:
            self.open_document(target)

    # -- undo ----------------------------------------------------------------------------------------
    def _show_document(self, index: int) -> None:
        """Bring document ``index`` on screen for an undo or redo made on it."""
        raise NotImplementedError

    def _history_done(self, note: str) -> None:
        """Redraw the open document's spans after an undo or redo, saying what was done."""
        raise NotImplementedError

    def _after_history(self, result: tuple[str, object] | None, verb: str) -> None:
        if result is None:
            self._status(f"nothing to {verb}")
            return
        doc_id, action = result
        s = self.session
        if doc_id != s.doc_id and doc_id in s.ids:
            self._show_document(s.ids.index(doc_id))
        self.doclist.set_answer(doc_id, s.answers.get(doc_id))
        self._history_done(f"{verb}: {action.describe()}")  # type: ignore[attr-defined]

    @reports_user_errors
    def action_undo(self) -> None:
        self._after_history(self.session.undo(), "undo")

    @reports_user_errors
    def action_redo(self) -> None:
        self._after_history(self.session.redo(), "redo")

    # -- view ----------------------------------------------------------------------------------------
    def _set_options(self, options: ViewOptions) -> None:
        self.options = options
        self.article.set_options(options)

    def action_toggle_marks(self) -> None:
        self._set_options(self.options.toggled_marks())
        self._status("diacritics shown" if self.options.show_marks else "diacritics hidden")

    def action_cycle_direction(self) -> None:
        self._set_options(self.options.next_direction())
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
        self.app.push_screen(open_team_screen(self, self.session, self._blind))
