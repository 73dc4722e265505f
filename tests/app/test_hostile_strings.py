"""Nothing hostile reaches the terminal: every place a user-supplied string can appear in the app (document
id, meta title, annotator, label description, rule, search query, error messages with file names) is
filled with escape-sequence and bidi-override payloads, and the bytes the app would write to the
terminal are checked: no OSC, DCS, C1 control, BEL, rogue CSI or bidi override, and no markup parsed
(``[b]`` shows as ``[b]``). The same payloads in a real terminal: tests/e2e/test_tmux.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from annotations.errors import UserError
from annotations.labels import LabelSchema
from annotations.model import Span
from annotations.store import Store
from reader.app import ReaderApp
from reader.cli import main as reader_main
from reader.screens.help import HelpScreen
from reader.session import Session
from reader.widgets.article import ArticleView

# ESC-based OSC (title, clipboard), DCS, a CSI that clears the screen, a device-status query, the C1
# CSI and OSC, BEL, bidi overrides and isolates, and Rich/Textual markup.
PAYLOAD = (
    "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1bPq#\x1b\\\x1b[2J\x1b[6n\x9b31m\x9d0;x\x9c\u202e\u2066"
    "[b]bold[/b][@click=app.quit]q[/]"
)
FORBIDDEN = ["\x1b]", "\x1bP", "\x07", "\x1b[2J", "\x1b[6n", "\x9b", "\x9d", "\x9c", "\u202e", "\u2066"]


def schema_with(description: str) -> LabelSchema:
    default = LabelSchema.default()
    text = "".join(
        f'[[label]]\nname = "{label.name}"\nkey = "{label.key}"\ncolor = "{label.color}"\n'
        f'group = "{label.group}"\nscope = "{label.scope}"\ndescription = {json.dumps(description)}\n'
        for label in default.labels
    )
    return LabelSchema.from_toml_text(text)


def written_bytes(app: ReaderApp) -> list[str]:
    """Capture what the app would write to a terminal for every frame (headless apps write nothing)."""
    out: list[str] = []
    display = app._display

    def capture(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and hasattr(renderable, "render_segments"):
            out.append(renderable.render_segments(app.console))

    app._display = capture  # type: ignore[method-assign]
    return out


def check(chunks: list[str]) -> str:
    data = "".join(chunks)
    found = [repr(f) for f in FORBIDDEN if f in data]
    assert not found, f"control sequences reached the terminal: {found}"
    return data


async def test_user_strings_everywhere_are_shown_not_obeyed(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.json")
    evil_id = f"doc{PAYLOAD}"
    annotator = f"ann{PAYLOAD}"
    schema = schema_with(f"described{PAYLOAD}")
    try:
        from annotations.model import Document

        store.add_documents([Document(evil_id, "قال محمد إن حماس وافقت\nسطر ثان", meta={"title": f"t{PAYLOAD}"})])
        store.add_span(evil_id, annotator, Span(4, 8, "PERSON", "suggested", pending=True, rule=f"r{PAYLOAD}"))
        session = Session(store, annotator, schema)
        app = ReaderApp(session)
        frames = written_bytes(app)
        async with app.run_test(size=(140, 40)) as pilot:
            app.console.width, app.console.height = 140, 40
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            view.move_to(5)  # on the suggestion: the panel shows its rule
            await pilot.press("full_stop")  # the status line names the rule too
            await pilot.pause()
            # an error message naming a hostile file, as a toast
            screen = app.screen

            def failing(*_args: object) -> object:
                raise UserError(f"cannot read{PAYLOAD}", path=f"/tmp/file{PAYLOAD}.toml")

            session.label = failing  # type: ignore[method-assign]
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("slash", *"حماس[b]", "enter")  # the query in the status line
            await pilot.pause()
            shown = str(app.screen.query_one("#status").render())
            assert "ann␛]0;pwned␇" in shown and "doc␛]0;pwned␇" in shown  # annotator and id, as text
            await pilot.press("question_mark")  # help: label descriptions
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and app.is_running  # no markup action ran (quit)
        data = check(frames)
        # shown as text: the control pictures and the literal markup
        assert "␛]0;pwned␇" in data
        assert "[b]bold[/b]" in data
    finally:
        store.close()


def test_cli_errors_naming_hostile_files_are_sanitised(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    evil = tmp_path / f"labels{PAYLOAD.replace('/', '_')}.toml"
    code = reader_main(["--store", str(tmp_path / "s.json"), "--labels", str(evil)])
    err = capsysbinary.readouterr().err.decode("utf-8", "replace")
    assert code == 2 and "Traceback" not in err
    check([err])
    assert "␛]0;pwned" in err


def test_console_never_reads_markup_in_safe_text() -> None:
    from reader.widgets.safe import safe

    console = Console(record=True, width=200, color_system=None)
    console.print(safe(f"x{PAYLOAD}"))
    text = console.export_text()
    assert "[b]bold[/b]" in text and "\x1b" not in text
