"""The team screen (`T`, in the annotation app and in review): each annotator's progress, throughput
(documents per hour of time spent), label counts and the agreement table, drawn as bars and
refreshed as the others work. Under a blind routing policy an annotator sees only their own figures.

The figures are annotations/teamdata.py's; they are read from the store once, in a worker thread,
then followed change by change (:class:`TeamBoard`, fed by the screen that refreshes the store):
progress, throughput and label counts at once, within a second. The agreement report is computed
again off the UI thread when something changed, at most every
``MIN_INTERVAL`` seconds and never more than a quarter of the time (a big team's report takes a
while to compute: it waits three times as long as the last computation took). Every name on this
screen goes through ``screen_text`` (sanitised, Arabic shaped, in visual order) and is never read as
markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.agreement import Figures, Item, Report, compute
from annotations.gold import is_gold
from annotations.progress import Progress
from annotations.store import Changes, Store
from annotations.teamdata import TeamData, TeamFigures
from reader.widgets.safe import safe, screen_text, shown

MIN_INTERVAL = 2.0  # seconds between two computations of the figures
BAR_WIDTH = 20
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float | None, maximum: float, width: int = BAR_WIDTH) -> str:
    """``value`` out of ``maximum`` as a bar of ``width`` cells (eighths of a cell); empty for no value."""
    if value is None or maximum <= 0 or value <= 0:
        return " " * width
    cells = min(1.0, value / maximum) * width
    full = int(cells)
    part = int((cells - full) * 8)
    out = "█" * full + (_EIGHTHS[part] if full < width and part else "")
    return out.ljust(width)


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


class TeamBoard:
    """The team figures as one annotation or review screen keeps them: created when the team screen is
    first shown, then fed every change the screen's store refresh finds. Progress follows at once;
    the agreement report is computed again in a worker thread (see :class:`TeamScreen`)."""

    def __init__(self, store: Store) -> None:
        self.data = TeamData(store)
        self.loading = False  # a worker is reading the whole store (changes are kept for after)
        self.computing = False  # a worker is computing the agreement report
        self.buffered: list[Changes] = []
        self.changed = True  # progress changed since the screen last drew it
        self.agreement_dirty = True
        self.report: Report | None = None
        self.multi = 0  # documents in the report
        self.report_time = ""
        self.computed_at = 0.0
        self.took = 0.0  # seconds the last computation took

    def feed(self, changes: Changes) -> None:
        if not changes:
            return
        if self.loading:
            self.buffered.append(changes)
        elif self.data.loaded and self.data.follow(changes):
            self.changed = self.agreement_dirty = True
        # not loaded (never shown, or the shards were replaced): the next load reads everything

    def figures(self, viewer: str, blind: bool) -> TeamFigures:
        data = self.data
        rows = data.rows(viewer=viewer, blind=blind)
        if blind:
            return TeamFigures(rows, None, len(data.store), blind=True)
        stale = 0 if self.loading else data.stale()  # (a loading worker is filling it in)
        return TeamFigures(rows, self.report, len(data.store), multi=self.multi, stale=stale)


class TeamScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,T", "dismiss", "Close the team screen")]

    def __init__(self, board: TeamBoard, viewer: str, blind: Callable[[], bool]) -> None:
        super().__init__()
        self.board = board
        self.viewer = viewer
        self.blind = blind

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="team-body"):
            yield Static(Text("Team: reading the store…", style="bold"), id="team-figures")

    def on_mount(self) -> None:
        self.board.changed = True
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        board = self.board
        if board.loading:
            return
        if not board.data.loaded:
            board.loading = True
            self._load()
            return
        blind = self.blind()
        if board.changed:
            board.changed = False
            self._show()
        if blind or board.computing or not board.agreement_dirty:
            return
        if time.monotonic() - board.computed_at < max(MIN_INTERVAL, 3 * board.took):
            return
        board.computing = True
        board.agreement_dirty = False
        self._compute(board.data.pending(), board.data.items())

    @work(thread=True, group="team-load")
    def _load(self) -> None:
        """Read every record once; nothing else touches the board's data meanwhile (changes wait)."""
        board = self.board
        started = time.monotonic()
        try:
            board.data.load()
            self.app.call_from_thread(self._show, "agreement: computing…")  # progress first
            items = board.data.sync()
            report = compute(items) if items and not self.blind() else None
        except Exception as exc:  # a damaged store: say so, keep the app
            self.app.call_from_thread(self._failed, str(exc))
            return
        board.took = time.monotonic() - started
        self.app.call_from_thread(self._loaded, report, len(items))

    def _loaded(self, report: Report | None, multi: int) -> None:
        board = self.board
        board.loading = False
        board.report, board.multi = report, multi
        board.report_time = time.strftime("%H:%M:%S")
        board.computed_at = time.monotonic()
        board.agreement_dirty = report is None
        for changes in board.buffered:
            board.feed(changes)
        board.buffered.clear()
        board.changed = False
        self._show()

    @work(thread=True, exclusive=True, group="team-figures")
    def _compute(self, todo: list[tuple[str, tuple[str, ...], int]], items: list[Item]) -> None:
        """The agreement report: the items that changed built from the store, then everything
        computed -- off the screen's thread; the board's data is left alone until it is done."""
        started = time.monotonic()
        try:
            built = self.board.data.build(todo)
            every = items + [item for _d, _v, item, _s in built if item is not None]
            report = compute(every) if every else None
        except Exception as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.board.took = time.monotonic() - started
        self.app.call_from_thread(self._computed, built, report, len(every))

    def _computed(self, built: list[tuple[str, int, Item | None, int]], report: Report | None, multi: int) -> None:
        board = self.board
        board.computing = False
        board.data.install(built)
        board.report, board.multi = report, multi
        board.report_time = time.strftime("%H:%M:%S")
        board.computed_at = time.monotonic()
        board.agreement_dirty = board.agreement_dirty or bool(board.data.pending())
        if self.is_attached:
            self._show()

    def _failed(self, message: str) -> None:
        self.board.loading = self.board.computing = False
        self.board.buffered.clear()
        if self.is_attached:
            self.query_one("#team-figures", Static).update(safe(f"Team figures unavailable: {message}"))

    def _show(self, note: str = "") -> None:
        board = self.board
        figures = board.figures(self.viewer, self.blind())
        if not figures.blind and board.report_time:
            note = f"agreement as of {board.report_time}" + (" (updating)" if board.computing else "")
        self.query_one("#team-figures", Static).update(render_figures(figures, time.strftime("%H:%M:%S"), note))


def render_figures(f: TeamFigures, when: str, note: str = "") -> RenderableType:
    parts: list[RenderableType] = []
    title = Text("Team", style="bold")
    reviewers = sum(1 for p in f.progress if is_gold(p.annotator))
    who = f"{len(f.progress) - reviewers} annotator(s)" + (f", {reviewers} reviewer(s)" if reviewers else "")
    title.append(f"  {who}, {f.documents} document(s) — updated {when}", style="dim")
    if note:
        title.append(f"; {note}", style="dim")
    parts.append(title)
    if f.blind:
        parts.append(Text("Blind routing: only your own figures are shown.", style="italic"))
    parts.append(_progress_table(f.progress, f.documents))
    labels = _labels_table(f.progress)
    if labels is not None:
        parts.append(labels)
    if not f.blind:
        parts.append(_agreement(f))
    parts.append(Text("escape closes; the figures follow the others' work as it is saved.", style="dim"))
    return Group(*parts)


def _progress_table(rows: list[Progress], documents: int) -> Table:
    table = Table(title="Progress", title_justify="left", box=None, padding=(0, 1), show_edge=False)
    for name, justify in (
        ("annotator", "left"),
        ("answered", "left"),
        ("", "right"),
        ("✓", "right"),
        ("✗", "right"),
        ("skip/flag", "right"),
        ("docs/h", "right"),
        ("time", "right"),
        ("spans", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    if not rows:
        table.add_row(Text("nobody has a record yet", style="dim"))
        return table
    for p in rows:
        per_hour = p.per_hour
        table.add_row(
            shown(p.annotator, "bold"),
            Text(bar(p.answered, max(documents, 1)), style="green"),
            Text(f"{p.answered}/{documents}"),
            Text(str(p.answers["accept"])),
            Text(str(p.answers["reject"])),
            Text(str(p.answers["skip"] + p.answers["flag"])),
            Text("—" if per_hour is None else f"{per_hour:.1f}"),
            Text(_duration(p.seconds)),
            Text(str(sum(p.labels.values()))),
        )
    return table


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _labels_table(rows: list[Progress]) -> Table | None:
    labels = sorted({label for p in rows for label, n in p.labels.items() if n > 0})
    if not labels:
        return None
    top = max((p.labels[label] for p in rows for label in labels), default=1)
    table = Table(title="Labels", title_justify="left", box=None, padding=(0, 1), show_edge=False)
    table.add_column("annotator", no_wrap=True)
    for label in labels:
        table.add_column(shown(label), no_wrap=True)
    for p in rows:
        cells: list[RenderableType] = [shown(p.annotator, "bold")]
        for label in labels:
            n = p.labels[label]
            cell = Text(bar(n, top, 8), style="cyan")
            cell.append(f" {n}")
            cells.append(cell)
        table.add_row(*cells)
    return table


def _agreement(f: TeamFigures) -> RenderableType:
    r = f.report
    if r is None or not r.pairs:
        return Text("Agreement: no document has been answered by two or more annotators yet.", style="dim")
    table = Table(
        title=f"Agreement ({f.multi} document(s) answered by two or more)",
        title_justify="left",
        box=None,
        padding=(0, 1),
        show_edge=False,
    )
    for name in ("who", "label", "docs", "F1 exact", "", "κ", "", "α", ""):
        table.add_column(name, no_wrap=True, justify="left" if name in ("who", "label", "") else "right")

    def row(who: str, fig: Figures) -> None:
        f1 = fig.spans.f1_exact
        table.add_row(
            safe(who, "bold"),
            Text("all labels") if fig.label is None else shown(fig.label),
            Text(str(fig.documents)),
            Text(_figure(f1)),
            Text(bar(f1, 1.0, 12), style="green"),
            Text(_figure(fig.kappa)),
            Text(bar(fig.kappa, 1.0, 12), style="yellow"),
            Text(_figure(fig.alpha)),
            Text(bar(fig.alpha, 1.0, 12), style="magenta"),
        )

    for fig in r.overall:
        row("all annotators", fig)
    for fig in r.pairs:
        if fig.label is None:
            row(f"{screen_text(fig.a)} – {screen_text(fig.b)}", fig)
    parts: list[RenderableType] = [table]
    if f.stale:
        parts.append(Text(f"{f.stale} answered record(s) made on an older text were left out.", style="dim"))
    swaps = r.swaps()[:5]
    if swaps:
        line = Text("Labels given to the same text: ", style="dim")
        line.append(safe(", ".join(f"{screen_text(a)}/{screen_text(b)} ×{n}" for a, b, n in swaps)))
        parts.append(line)
    return Group(*parts)
