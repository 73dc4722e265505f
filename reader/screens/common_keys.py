"""The keys the annotation screen and the review screen both have, built in one place so that they
are bound and worded the same on both. Each screen still lists its own BINDINGS (the help screen
lists a screen's own bindings, in that order); it takes these into its list."""

from __future__ import annotations

from textual.binding import Binding


def navigation(next_unanswered: str) -> list[Binding]:
    """j / k / J: the next and previous document, and the next one still to be answered."""
    return [
        Binding("j", "document(1)", "Next document"),
        Binding("k", "document(-1)", "Previous document"),
        Binding("J", "next_unanswered", next_unanswered),
    ]


def history(kept: str) -> list[Binding]:
    """z / Z: undo and redo (``kept``: where the history lives, for the help)."""
    return [
        Binding("z,ctrl+z", "undo", "Undo", tooltip=kept),
        Binding("Z,ctrl+y", "redo", "Redo"),
    ]


def view(panel: str) -> list[Binding]:
    """How the article and the side panels are shown (``panel``: what the right-hand panel is)."""
    return [
        Binding("h", "toggle_marks", "Show/hide diacritics"),
        Binding("D", "cycle_direction", "Paragraph direction: auto/rtl/ltr"),
        Binding("f2", "toggle_side('documents')", "Show/hide document list"),
        Binding("f3", "toggle_side('panel')", f"Show/hide {panel}"),
    ]


def team(tooltip: str = "") -> Binding:
    return Binding("T", "team", "Team: progress, throughput, labels, agreement", tooltip=tooltip)


HELP = Binding("question_mark,f1", "help", "Help")
