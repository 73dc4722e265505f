"""The annotation app driven through Textual's Pilot. The key assertions read the store: what an
annotator selects and labels must slice exactly that text from the document."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from annotations.labels import LabelSchema
from annotations.model import Span
from annotations.store import Store
from reader.app import ReaderApp
from reader.commands.app import open_paths
from reader.options import ViewOptions
from reader.screens.annotate import AnnotateScreen
from reader.screens.help import HelpScreen
from reader.session import Session
from reader.widgets.article import ArticleView

ROOT = Path(__file__).parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
BLINKEN = ROOT / "samples" / "001_blinken_cairo.txt"
ENGLISH = ROOT / "samples" / "007_en_security_council.txt"
ANNOTATOR = "pilot"
SCHEMA = LabelSchema.default()


@contextmanager
def opened(store_path: Path, *paths: Path) -> Iterator[tuple[ReaderApp, Store]]:
    store = Store.open(store_path)
    try:
        ids = open_paths(store, [str(p) for p in paths], ANNOTATOR, SCHEMA)
        yield ReaderApp(Session(store, ANNOTATOR, SCHEMA, ids=ids)), store
    finally:
        store.close()


def article(app: ReaderApp) -> ArticleView:
    return app.screen.query_one(ArticleView)


def stored_spans(store: Store, app: ReaderApp) -> list[Span]:
    annotation = store.get_annotation(app.session.doc_id, ANNOTATOR)
    return list(annotation.spans) if annotation else []


async def move_to(pilot: Pilot[None], view: ArticleView, target: int, key: str = "left") -> None:
    """Press a movement key until the cursor reaches target (fails rather than loop for ever)."""
    for _ in range(len(view.text) + 5):
        if view.cursor == target:
            return
        await pilot.press(key)
    raise AssertionError(f"cursor never reached {target}; at {view.cursor}")


async def test_opens_on_the_first_document_with_its_list(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED, ENGLISH) as (app, _):
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, AnnotateScreen)
            view = article(app)
            assert view.text == SEED.read_text(encoding="utf-8")
            first = view.layout_engine.line(0)
            assert first is not None and first.direction == "rtl"
            assert "ﺩﺪّﺷ" in first.text  # shaped, and visually ordered: the first word at the right
            assert first.text.rstrip().endswith("ﺩﺪّﺷ")


async def test_label_a_word_selected_by_keys(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            target = view.text.index("وزير")
            await move_to(pilot, view, target)  # in right-to-left text, left moves forward
            await pilot.press("p")
            await pilot.pause()
            spans = stored_spans(store, app)
            assert [(s.label, view.text[s.start : s.end]) for s in spans] == [("PERSON", "وزير")]


async def test_shift_selection_snaps_to_whole_words(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            start = view.text.index("يوآف") + 1  # inside the first word
            await move_to(pilot, view, start)
            for _ in range(7):
                await pilot.press("shift+left")
            await pilot.press("p")
            await pilot.pause()
            (span,) = stored_spans(store, app)
            assert view.text[span.start : span.end] == "يوآف غالانت"


async def test_label_latin_name_inside_arabic_line(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", BLINKEN) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            start = view.text.index("Antony")
            view.move_to(start)
            await pilot.press("w")
            # Extend over "Blinken": in this right-to-left paragraph the Latin run reads left to right.
            await pilot.press("ctrl+shift+right")
            await pilot.press("p")
            await pilot.pause()
            spans = stored_spans(store, app)
            assert [view.text[s.start : s.end] for s in spans] == ["Antony Blinken"]


async def test_mouse_click_and_double_click_label_the_word_clicked(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            target = view.text.index("غالانت")
            y, x = view.layout_engine.position_of(target + 2)
            offset = (x + view.styles.padding.left, y - int(view.scroll_y))
            await pilot.click(ArticleView, offset=offset)
            assert view.text[view.cursor] == view.text[target + 2]
            await pilot.double_click(ArticleView, offset=offset)
            assert view.selection == (target, target + len("غالانت"))
            await pilot.press("p")
            await pilot.pause()
            assert [view.text[s.start : s.end] for s in stored_spans(store, app)] == ["غالانت"]


async def test_mouse_drag_selects_words(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            a = view.text.index("وزير")
            b = view.text.index("الأمن") + 2
            ya, xa = view.layout_engine.position_of(a + 1)
            yb, xb = view.layout_engine.position_of(b)
            pad = view.styles.padding.left
            await pilot.mouse_down(ArticleView, offset=(xa + pad, ya))
            await pilot.hover(ArticleView, offset=(xb + pad, yb))
            await pilot.mouse_up(ArticleView, offset=(xb + pad, yb))
            await pilot.press("o")
            await pilot.pause()
            assert [view.text[s.start : s.end] for s in stored_spans(store, app)] == ["وزير الأمن"]


async def test_clitic_trimmed_with_edge_keys(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            word = view.text.index("لحماس")
            view.move_to(word + 2)
            await pilot.press("w")
            assert view.selection == (word, word + 5)
            await pilot.press("right_square_bracket")  # selection start one letter later: drop ل
            await pilot.press("o")
            await pilot.pause()
            (span,) = stored_spans(store, app)
            assert view.text[span.start : span.end] == "حماس"


async def test_nested_spans_are_kept_and_drawn_together(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            quote = "زيادة الضغط العسكري"
            q0 = view.text.index(quote)
            view.select(q0, q0 + len(quote))
            await pilot.press("q")
            view.move_to(q0 + 1)
            await pilot.press("w", "e")  # "زيادة" as an EVENT inside the quotation
            await pilot.pause()
            got = sorted((view.text[s.start : s.end], s.label) for s in stored_spans(store, app))
            assert got == [("زيادة", "EVENT"), (quote, "QUOTE")]
            y, _ = view.layout_engine.position_of(q0 + 1)
            strip = view.render_line(y - int(view.scroll_y))
            styles = [seg.style for seg in strip if seg.text.strip()]
            assert any(s and s.underline and s.bgcolor for s in styles)  # entity background inside underline
            # Accepted spans are filled (quotations with a band of their colour), pending ones are not.
            for name in ("QUOTE", "BOILERPLATE", "PERSON"):
                assert view._span_styles[name, False].bgcolor is not None
                assert view._span_styles[name, True].bgcolor is None and view._span_styles[name, True].italic


async def test_undo_and_redo_reach_the_store(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("p")
            await pilot.pause()
            assert len(stored_spans(store, app)) == 1
            await pilot.press("z")
            await pilot.pause()
            assert stored_spans(store, app) == []
            await pilot.press("Z")
            await pilot.pause()
            assert len(stored_spans(store, app)) == 1
            await pilot.press("delete")
            await pilot.pause()
            assert stored_spans(store, app) == []
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert len(stored_spans(store, app)) == 1


async def test_answers_are_stored_and_move_on(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED, ENGLISH) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            first = app.session.doc_id
            await pilot.press("a")
            await pilot.pause()
            assert store.answers(ANNOTATOR)[first] == "accept"
            assert app.session.index == 1
            await pilot.press("f")
            await pilot.pause()
            assert store.answers(ANNOTATOR)[app.session.ids[1]] == "flag"
            await pilot.press("k")
            assert app.session.index == 0
            await pilot.press("z")  # undo the flag
            await pilot.pause()
            assert store.answers(ANNOTATOR)[app.session.ids[1]] is None


async def test_search_ignores_diacritics_and_hamza(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED, ENGLISH) as (app, _):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            await pilot.press("slash")
            await pilot.press(*"الامن")  # typed without hamza
            await pilot.press("enter")
            await pilot.pause()
            assert view.text[view.cursor : view.cursor + 5] == "الأمن"
            await pilot.press("n")
            assert view.text[view.cursor : view.cursor + 5] == "الأمن"
            # Across the corpus: "Security" is only in the English document.
            await pilot.press("slash", "ctrl+u")
            await pilot.press(*"Security", "enter")
            await app.workers.wait_for_complete()  # the corpus is searched off the UI thread
            await pilot.pause()
            assert app.session.index == 1
            assert view.text[view.cursor : view.cursor + 8] == "Security"


async def test_state_survives_a_restart(tmp_path: Path) -> None:
    store_path = tmp_path / "s.json"
    with opened(store_path, SEED) as (app, _):
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("p")
            await pilot.press("s")
            await pilot.pause()
    with opened(store_path, SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            view = article(app)
            assert [view.text[s.start : s.end] for s in view.spans] == ["شدّد"]
            assert store.answers(ANNOTATOR)[app.session.doc_id] == "skip"


async def test_boilerplate_labels_the_whole_line(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            line = "المصدر: وكالة سوا الإخبارية"
            view.move_to(view.text.index(line) + 3)
            await pilot.press("b")
            await pilot.pause()
            (span,) = stored_spans(store, app)
            assert (span.label, view.text[span.start : span.end]) == ("BOILERPLATE", line)


async def test_suggestions_accept_and_reject(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        doc = app.session.doc_id
        text = SEED.read_text(encoding="utf-8")
        hamas = text.index("حماس")
        store.add_span(doc, ANNOTATOR, Span(hamas, hamas + 4, "ORGANIZATION", "suggested", pending=True, rule="t"))
        store.add_span(doc, ANNOTATOR, Span(0, 4, "PERSON", "suggested", pending=True, rule="t"))
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            await pilot.press("x")  # reject the suggestion under the cursor (offset 0)
            await pilot.press("full_stop")  # next suggestion
            assert view.cursor == hamas
            await pilot.press("c")
            await pilot.pause()
            spans = stored_spans(store, app)
            assert [(s.label, s.pending) for s in spans] == [("ORGANIZATION", False)]


async def test_documents_switch_and_next_unanswered(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED, BLINKEN, ENGLISH) as (app, _):
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("j")
            assert app.session.index == 1
            assert article(app).text == BLINKEN.read_text(encoding="utf-8")
            await pilot.press("a")  # answer moves to 2
            await pilot.press("J")  # next unanswered wraps to 0
            assert app.session.index == 0


async def help_shown(pilot: Any, app: Any) -> str:
    """Open the help screen and return its text as drawn."""
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    console = Console(width=200, record=True, file=io.StringIO())
    for widget in app.screen.query(Static):
        console.print(widget.content)
    return console.export_text()


async def test_help_lists_keys_and_labels(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, _):
        async with app.run_test(size=(140, 40)) as pilot:
            shown = await help_shown(pilot, app)
            for expected in ("PERSON", "BOILERPLATE", "Accept document", "Undo", "Select word"):
                assert expected in shown
            await pilot.press("escape")
            assert isinstance(app.screen, AnnotateScreen)


async def test_help_label_descriptions_wrap_into_plain_lines(tmp_path: Path) -> None:
    """A label's text wrapped in the help reads as lines of text, never with a control picture (␊)
    where a line was broken."""
    with opened(tmp_path / "s.json", SEED) as (app, _):
        async with app.run_test(size=(80, 30)) as pilot:
            shown = await help_shown(pilot, app)
            assert "\u240a" not in shown  # ␊
            labels = shown.split("Labels")[1].split("Reading and selecting")[0].splitlines()
            flat = " ".join(line.strip() for line in labels)
            assert (
                "PERSON (entity): labels the selection, a pending suggestion of it under the cursor, or the word "
                "under the cursor A named person" in flat
            )
            assert len(labels) > 2 * len(SCHEMA.labels)  # wrapped: some entries take several lines
            # a continuation line starts in the text column (9 cells in), not one space further
            assert not [line for line in labels if line.startswith(" " * 10) and line.strip()]


@pytest.mark.parametrize("size", [(60, 20), (200, 50)])
async def test_small_and_large_terminals_and_resize(tmp_path: Path, size: tuple[int, int]) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, _):
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            view = article(app)
            assert view.layout_engine.width == view.scrollable_content_region.width
            for line in view.layout_engine.lines():
                assert line.width <= view.layout_engine.width
            await pilot.press("G")  # bottom: everything can be scrolled to
            assert view.cursor_position()[0] == view.layout_engine.exact_line_count() - 1
            await pilot.resize_terminal(90, 25)
            await pilot.pause()
            assert view.layout_engine.width == view.scrollable_content_region.width


async def test_controls_in_an_article_are_shown_not_executed(tmp_path: Path) -> None:
    evil = tmp_path / "evil.txt"
    evil.write_text("خبر \x1b[2J\x1b]0;pwned\x07 عاجل \u202eمقلوب\u202c نهاية\n", encoding="utf-8")
    with opened(tmp_path / "s.json", evil) as (app, _):
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            view = article(app)
            drawn = "".join(seg.text for seg in view.render_line(0))
            assert "\x1b" not in drawn and "\x07" not in drawn and "\u202e" not in drawn
            assert "\u241b" in drawn and "\u2407" in drawn and "\u22b2" in drawn


async def test_page_down_scrolls_and_the_cursor_follows(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, _):
        async with app.run_test(size=(80, 20)) as pilot:
            view = article(app)
            assert view.scroll_y == 0
            await pilot.press("pagedown")
            await pilot.pause()
            assert view.scroll_y > 0
            y, _ = view.cursor_position()
            assert view.scroll_y <= y < view.scroll_y + view.scrollable_content_region.height
            await pilot.press("g")
            await pilot.pause()
            assert view.scroll_y == 0 and view.cursor == 0


async def test_terminal_bidi_mode_sends_logical_order(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.json")
    try:
        ids = open_paths(store, [str(SEED)], ANNOTATOR, SCHEMA)
        app = ReaderApp(Session(store, ANNOTATOR, SCHEMA, ids=ids), ViewOptions(terminal_bidi=True))
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            first = article(app).layout_engine.line(0)
            assert first is not None and first.text.startswith("شدّد وزير")  # unshaped, logical
    finally:
        store.close()


def test_bad_paths_and_schemas_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli import main

    assert main([str(tmp_path / "missing.txt"), "--store", str(tmp_path / "s.json")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    bad = tmp_path / "labels.toml"
    bad.write_text('[[label]]\nname = "X"\nkey = "a"\ncolor = "#ffffff"\ngroup = "entity"\nscope = "span"\n')
    assert main([str(SEED), "--store", str(tmp_path / "s.json"), "--labels", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "labels.toml" in err and "Traceback" not in err


async def test_relabel_and_accept_all_take_a_label_key(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        doc = app.session.doc_id
        text = SEED.read_text(encoding="utf-8")
        for word in ("غزة", "رفح"):
            at = text.index(word)
            store.add_span(doc, ANNOTATOR, Span(at, at + len(word), "LOCATION", "suggested", pending=True, rule="t"))
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("p")  # PERSON on the first word
            await pilot.press("t", "o")  # relabel it ORGANIZATION
            await pilot.press("C", "l")  # accept every LOCATION suggestion
            await pilot.pause()
            got = sorted((text[s.start : s.end], s.label, s.pending) for s in stored_spans(store, app))
            assert got == [("رفح", "LOCATION", False), ("شدّد", "ORGANIZATION", False), ("غزة", "LOCATION", False)]


async def test_span_list_jump_and_delete(tmp_path: Path) -> None:
    with opened(tmp_path / "s.json", SEED) as (app, store):
        async with app.run_test(size=(140, 40)) as pilot:
            view = article(app)
            target = view.text.index("واشنطن")
            view.move_to(target)
            await pilot.press("l")
            view.move_to(0)
            await pilot.press("p")
            span_list = app.screen.query_one("#span-list")
            span_list.focus()
            await pilot.press("down", "enter")  # the second span in text order: واشنطن
            await pilot.pause()
            assert view.cursor == target and view.has_focus
            span_list.focus()
            await pilot.press("delete")
            await pilot.pause()
            assert [s.label for s in stored_spans(store, app)] == ["PERSON"]


def test_label_keys_can_never_shadow_an_app_key() -> None:
    """The schema refuses RESERVED_KEYS; every printable key the app binds must be among them."""
    from annotations.labels import RESERVED_KEYS
    from reader.screens.help import bindings_of
    from reader.screens.review import ReviewScreen
    from reader.screens.team import TeamScreen
    from reader.widgets.candidates import CandidateList
    from reader.widgets.spans import SpanList

    names = {
        "slash": "/",
        "question_mark": "?",
        "full_stop": ".",
        "comma": ",",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
    }
    bound = set()
    for node in (ArticleView, AnnotateScreen, SpanList, ReviewScreen, CandidateList, TeamScreen):
        for binding in bindings_of(node):
            for key in binding.key.split(","):
                key = names.get(key, key)
                if len(key) == 1:
                    bound.add(key)
    assert bound <= RESERVED_KEYS, bound - RESERVED_KEYS
