"""What the layout engine shows through the article view: a boundary inside a lam-alef ligature is
drawn (the two letters in two cells), and "line N/M" marks what is still an estimate."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.store import Store
from reader.app import ReaderApp
from reader.commands.app import open_paths
from reader.session import Session
from reader.widgets.article import ArticleView

ROOT = Path(__file__).parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
SCHEMA = LabelSchema.default()
WORD = "لإسرائيل"  # the clitic لـ and إسرائيل: lam and alef form one ligature cell
LAM_INITIAL, ALEF_HAMZA_BELOW_FINAL = "\ufedf", "\ufe88"
LIGATURES = "\ufef9\ufefa"  # lam with alef with hamza below, isolated and final


@contextmanager
def opened(store_path: Path, *paths: Path) -> Iterator[ReaderApp]:
    store = Store.open(store_path)
    try:
        ids = open_paths(store, [str(p) for p in paths], "pilot", SCHEMA)
        yield ReaderApp(Session(store, "pilot", SCHEMA, ids=ids))
    finally:
        store.close()


def word_at(text: str) -> int:
    """Where WORD stands as a whole word (the seed also has لإسرائيلي and لإسرائيلية)."""
    return next(m.start() for m in re.finditer(WORD + r"(?!\w)", text))


def drawn_line(view: ArticleView, offset: int) -> tuple[str, list[list[int]]]:
    """The text the view draws on the line showing offset, and the offsets of each of its cells."""
    y, _ = view.layout_engine.position_of(offset)
    line = view.layout_engine.line(y)
    assert line is not None
    strip = view.render_line(y - int(view.scroll_offset.y))
    return strip.text, [list(line.offsets_at(x)) for x in range(line.width)]


async def test_a_selection_edge_between_lam_and_alef_is_drawn(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as app:
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.screen.query_one(ArticleView)
            at = word_at(view.text)
            view.move_to(at)
            await pilot.press("w")  # the whole word: one ligature cell
            await pilot.pause()
            text, cells = drawn_line(view, at)
            assert [at, at + 1] in cells and any(ch in text for ch in LIGATURES)
            await pilot.press("right_square_bracket")  # selection starts one letter later: إسرائيل
            await pilot.pause()
            assert view.selection == (at + 1, at + len(WORD))
            text, cells = drawn_line(view, at)
            assert [at] in cells and [at + 1] in cells
            assert LAM_INITIAL in text and ALEF_HAMZA_BELOW_FINAL in text
            # Labelled, the span keeps the boundary visible after the selection is gone.
            await pilot.press("p")
            await pilot.press("escape")
            await pilot.pause()
            assert any(s.start == at + 1 for s in view.spans)
            text, cells = drawn_line(view, at)
            assert [at] in cells and [at + 1] in cells


async def test_a_search_hit_inside_the_word_is_drawn_apart(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as app:
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.screen.query_one(ArticleView)
            at = word_at(view.text)
            await pilot.press("slash")
            await pilot.press(*"إسرائيل", "enter")
            await pilot.pause()
            assert (at + 1, at + len(WORD)) in view.hits
            text, cells = drawn_line(view, at)
            assert [at] in cells and [at + 1] in cells
            assert LAM_INITIAL in text and ALEF_HAMZA_BELOW_FINAL in text


def status(app: ReaderApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def test_line_total_is_settled_or_marked_approximate(tmp_path: Path) -> None:
    # A small article is laid out whole when opened: its count is exact. A big one is laid out as
    # it is read, and the status line says so with "~" instead of showing a total that moves.
    big = tmp_path / "big.txt"
    paragraph = " ".join(["قال الرئيس إن المفاوضات مستمرة"] * 12)
    big.write_text("\n\n".join([paragraph] * 3000), encoding="utf-8")
    with opened(tmp_path / "s.json", SEED, big) as app:
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.screen.query_one(ArticleView)
            total = view.layout_engine.settled_line_count
            assert total is not None
            assert f"line 1/{total} " in status(app)
            await pilot.press("j")
            await pilot.pause()
            assert view.layout_engine.settled_line_count is None
            assert re.search(r"line 1/~\d+ ", status(app))  # an estimate, and marked so
            await pilot.press("G")  # the end: its index is an estimate too
            await pilot.pause()
            assert "line ~" in status(app) and "/~" in status(app)
