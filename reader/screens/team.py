"""The team screen (`T`, in the annotation app and in review): each annotator's progress, throughput
(documents per hour of time spent), label counts and the agreement table, drawn as bars and
refreshed as the others work. Under a blind routing policy an annotator sees only their own figures.

The figures are annotations/teamdata.py's; they are read from the store once, in a worker thread,
then followed change by change (:class:`TeamBoard`, fed by the screen that refreshes the store). The
agreement report is computed again off the UI thread when something changed, at most every
``MIN_INTERVAL`` seconds. Every name on this screen goes through ``terminal_safe`` and is never
read as markup.
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

from annotations.agreement import Figures
from annotations.progress import Progress
from annotations.store import Changes, Store
from annotations.teamdata import TeamData, TeamFigures, figures
from reader.widgets.safe import safe

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
    first shown, then fed every change the screen's store refresh finds (buffered while a worker
    reads the store)."""

    def __init__(self, store: Store) -> None:
        self.data = TeamData(store)
        self.busy = False
        self.dirty = True
        self.buffered: list[Changes] = []
        self.figures: TeamFigures | None = None
        self.computed_at = 0.0

    def feed(self, changes: Changes) -> None:
        if not changes:
            return
        if self.busy or not self.data.loaded:
            self.buffered.append(changes)
        elif self.data.follow(changes):
            self.dirty = True

    def settle(self) -> None:
        """After a computation: take in what came meanwhile."""
        for changes in self.buffered:
            if self.data.follow(changes):
                self.dirty = True
        self.buffered.clear()


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
        if self.board.figures is not None:
            self._show(self.board.figures)
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        board = self.board
        if board.busy:
            return
        if not board.dirty and board.figures is not None and board.figures.blind == self.blind():
            return
        if time.monotonic() - board.computed_at < MIN_INTERVAL and board.figures is not None:
            return
        board.busy = True
        self._compute(self.blind())

    @work(thread=True, exclusive=True, group="team-figures")
    def _compute(self, blind: bool) -> None:
        board = self.board
        try:
            if not board.data.loaded:
                board.data.load()
            items = [] if blind else board.data.items()
            result = figures(board.data, items, viewer=self.viewer, blind=blind)
        except Exception as exc:  # a damaged store: say so, keep the app
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._done, result)

    def _failed(self, message: str) -> None:
        self.board.busy = False
        self.board.buffered.clear()
        self.query_one("#team-figures", Static).update(safe(f"Team figures unavailable: {message}"))

    def _done(self, result: TeamFigures) -> None:
        board = self.board
        board.busy = False
        board.dirty = False
        board.figures = result
        board.computed_at = time.monotonic()
        board.settle()
        if self.is_attached:
            self._show(result)

    def _show(self, f: TeamFigures) -> None:
        self.query_one("#team-figures", Static).update(render_figures(f, time.strftime("%H:%M:%S")))


def render_figures(f: TeamFigures, when: str) -> RenderableType:
    parts: list[RenderableType] = []
    title = Text("Team", style="bold")
    title.append(f"  {len(f.progress)} annotator(s), {f.documents} document(s) — updated {when}", style="dim")
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
            safe(p.annotator, "bold"),
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
        table.add_column(safe(label), no_wrap=True)
    for p in rows:
        cells: list[RenderableType] = [safe(p.annotator, "bold")]
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
            safe("all labels" if fig.label is None else fig.label),
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
            row(f"{fig.a} – {fig.b}", fig)
    parts: list[RenderableType] = [table]
    if f.stale:
        parts.append(Text(f"{f.stale} answered record(s) made on an older text were left out.", style="dim"))
    swaps = r.swaps()[:5]
    if swaps:
        line = Text("Labels given to the same text: ", style="dim")
        line.append(safe(", ".join(f"{a}/{b} ×{n}" for a, b, n in swaps)))
        parts.append(line)
    return Group(*parts)
