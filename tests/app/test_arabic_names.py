"""Arabic names, labels and ids on every screen, through Pilot: the team screen, the review screen
(status line, panel, version prompt), the document list and the span list. A terminal neither shapes
nor reorders, so what a user must see is the shaped string in visual order (what
``screen_text`` gives), never the logical letters, and columns that stay aligned."""

from __future__ import annotations

import io
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from test_review_mode import build as build_review  # the review and team fixtures (same directory)
from test_review_mode import panel, reviewing
from test_team import TEXT, annotating, answer, wait_until
from textual.widgets import Static

from annotations.model import Document, Span
from annotations.store import Store
from reader.screens.team import TeamScreen
from reader.text.snippet import screen_text
from reader.widgets.doclist import DocumentList
from reader.widgets.spans import describe

SIZE = (150, 40)
SARA, OMAR = "سارة", "عمر"
SARA_SHOWN = "\ufe93\ufead\ufe8e\ufeb3"  # سارة shaped, left to right as the terminal gets it
OMAR_SHOWN = "\ufeae\ufee4\ufecb"


def team_text(app: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    console.print(app.screen.query_one("#team-figures", Static).content)  # type: ignore[attr-defined]
    return console.export_text()


def status(app: object) -> str:
    return str(app.screen.query_one("#status", Static).render())  # type: ignore[attr-defined]


async def test_the_team_screen_shows_arabic_names_shaped_and_aligned(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with Store.open(path) as s:
        s.add_documents([Document(f"خبر-{i}", TEXT) for i in range(4)])
    with Store.open(path, annotator=OMAR) as omar:
        answer(omar, "خبر-0", OMAR, [Span(4, 8, "PERSON")])
        with annotating(path, SARA) as (app, _store):
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                # the document list: titles shaped, in visual order
                doclist = app.screen.query_one(DocumentList)
                assert screen_text("قال محمد") in str(doclist.render_line(1).text)
                await pilot.press("p", "a")  # sara labels and accepts the first document
                await pilot.press("T")
                assert isinstance(app.screen, TeamScreen)
                await wait_until(pilot, lambda: "Agreement" in team_text(app))
                shown = team_text(app)
                assert SARA_SHOWN in shown and OMAR_SHOWN in shown
                assert SARA not in shown and OMAR not in shown  # no name in logical order
                # the pair, each name shaped on its own, in the interface's left-to-right order
                assert f"{SARA_SHOWN} – {OMAR_SHOWN}" in shown
                # the progress table: "1/4" starts in the same column on both annotators' rows
                rows = [line for line in shown.splitlines() if "1/4" in line]
                assert len(rows) == 2
                assert len({cell_len(line[: line.index("1/4")]) for line in rows}) == 1


async def test_the_review_screen_shows_arabic_names_shaped(tmp_path: Path) -> None:
    with reviewing(build_review(tmp_path / "s.json", omar=OMAR)) as (app, _store):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown = panel(app)
            assert f"✓ {OMAR_SHOWN} accept" in shown  # the annotators, numbered
            assert f"    {OMAR_SHOWN}" in shown  # who holds a span
            assert OMAR not in shown
            assert f"answers: sara accept, {OMAR_SHOWN} accept" in status(app)
            await pilot.press("v")  # the version prompt lists the names
            await pilot.pause()
            line = status(app)
            assert f"2 {OMAR_SHOWN}" in line and OMAR not in line
            await pilot.press("2")
            await pilot.pause()
            assert f"took {OMAR_SHOWN}'s version" in status(app)


def test_the_span_list_shows_an_arabic_label_and_rule_shaped_in_a_fixed_column() -> None:
    text = "قال محمد إن حماس وافقت"
    rows = [
        describe(Span(4, 8, "شخص", origin="suggested", pending=True, rule="قائمة"), text, 40),
        describe(Span(12, 16, "ORGANIZATION"), text, 40),
    ]
    first = rows[0].plain.splitlines()
    assert first[0].startswith(screen_text("شخص")) and "شخص" not in rows[0].plain
    assert screen_text("قائمة") in first[1]
    # the span's text starts in the same column whatever the label
    assert {cell_len(r.plain.splitlines()[0][:13]) for r in rows} == {13}
    assert rows[0].plain.splitlines()[0][13:].startswith(screen_text("محمد"))
