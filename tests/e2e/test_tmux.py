"""End-to-end: the real `reader` command in a real terminal (tmux), keys sent as a user would.

Each test runs its own tmux server on a private socket (`tmux -L ...`, no user config) with a
120x30 window, polls `capture-pane` until the screen shows what it waits for (never long fixed
sleeps), and kills the server in a `finally` block. The app runs as `python -m reader.cli` from the
repository root, so the checkout under test is what runs, whatever is on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="needs the tmux binary (apt-get install tmux); CI installs it")

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
WIDTH, HEIGHT = 120, 30
TIMEOUT = 10.0  # seconds for any one wait; each test takes about 3 s in all

DOCLIST_BORDER = "▕"  # right border of the document list (vkey)
PANEL_BORDER = "▏"  # left border of the span panel (vkey)
# Characters a screen capture must never hold: C0/C1 controls and the bidi formatting controls
# (the reader shows placeholders for them instead).
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def forbidden_characters(screen: str) -> list[str]:
    return sorted(
        {f"U+{ord(c):04X}" for c in screen if (unicodedata.category(c) == "Cc" and c != "\n") or c in BIDI_CONTROLS}
    )


class Tmux:
    """One private tmux server with one session running one command."""

    def __init__(self) -> None:
        assert TMUX is not None
        self.socket = f"reader-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.target = "e2e"
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=self.env,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, argv: list[str], cwd: Path) -> None:
        command = "exec env TERM=xterm-256color " + shlex.join(argv)
        # remain-on-exit keeps the pane after the app exits, so its exit status can be read.
        self.tmux(
            "new-session", "-d", "-s", self.target, "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(cwd),
            command, ";", "set-option", "-t", self.target, "remain-on-exit", "on",
        )  # fmt: skip

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.target, *keys)

    def capture(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def display(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.target, fmt).rstrip("\n")

    def wait_for(self, what: str, predicate: Callable[[str], bool], timeout: float = TIMEOUT) -> str:
        """Poll the screen until predicate(screen) holds on two captures in a row that are the same
        (a capture can catch the app halfway through writing a frame); that screen is returned."""
        deadline = time.monotonic() + timeout
        screen = previous = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if screen == previous and predicate(screen):
                return screen
            previous = screen
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; the screen was:\n{screen}")

    def wait_for_exit(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead, _, status = self.display("#{pane_dead} #{pane_dead_status}").partition(" ")
            if dead == "1":
                return int(status or 0)
            time.sleep(0.05)
        raise AssertionError(f"the app did not exit within {timeout:.0f} s; the screen was:\n{self.capture()}")

    def kill(self) -> None:
        assert TMUX is not None
        subprocess.run(
            [TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=TIMEOUT, env=self.env, check=False
        )
        # kill-server leaves the socket file behind
        socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (socket_dir / self.socket).unlink(missing_ok=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    session = Tmux()
    try:
        yield session
    finally:
        session.kill()


def reader_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "reader.cli", *args]


def status_offset(screen: str) -> int | None:
    found = re.findall(r"\boffset (\d+)\b", screen)
    return int(found[-1]) if found else None


def article_rows(screen: str) -> list[str]:
    """The article's cells on each screen row: between the document list's border and the panel's."""
    rows = []
    for row in screen.split("\n"):
        if DOCLIST_BORDER in row and PANEL_BORDER in row:
            inner = row.split(DOCLIST_BORDER, 1)[1].rsplit(PANEL_BORDER, 1)[0]
            rows.append(inner)
    return rows


def article_width(screen: str) -> int:
    """The article's content width in cells, from a blank row of the article (no combining marks to
    miscount): the cells between the two borders less the padding (1 + 1) and the scrollbar (1)."""
    blank = next(r for r in article_rows(screen) if r.strip() == "")
    return len(blank) - 3


def export_native(store: Path, annotator: str) -> list[dict[str, object]]:
    done = subprocess.run(
        reader_argv("export", "--store", str(store), "--format", "native", "--annotator", annotator, "--out", "-"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_label_a_word_and_export(tmux: Tmux, tmp_path: Path) -> None:
    store = tmp_path / "s.json"
    text = SEED.read_text(encoding="utf-8")
    assert text.startswith("شدّد وزير")
    word_start = text.index("وزير")
    word_end = word_start + len("وزير")

    tmux.start(reader_argv(str(SEED), "--store", str(store), "--annotator", "e2e"), cwd=ROOT)
    screen = tmux.wait_for(
        "the article between the panels, and the status bar",
        lambda s: "offset 0" in s and any("ﺩﺪّﺷ" in r for r in article_rows(s)),
    )

    # What is on screen is what `reader cat` prints at the article's width: shaped, in visual order.
    assert not forbidden_characters(screen), forbidden_characters(screen)
    width = article_width(screen)
    cat = subprocess.run(
        reader_argv("cat", "--width", str(width), str(SEED)),
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=30, check=True,
    ).stdout.split("\n")  # fmt: skip
    rows = article_rows(screen)
    assert "ﺩﺪّﺷ ﺮﻳﺯﻭ" not in rows[0]  # visual order puts the first word at the right: "ﺮﻳﺯﻭ ﺩﺪّﺷ"
    assert "ﺮﻳﺯﻭ ﺩﺪّﺷ" in rows[0]
    for y in range(4):
        # row = padding, the line as cat prints it, then only blanks and the scrollbar's cell
        assert rows[y].startswith(" " + cat[y]), (y, rows[y], cat[y])
        rest = rows[y][1 + len(cat[y]) :]
        assert len(rest) <= width + 2 and all(c == " " or "\u2580" <= c <= "\u259f" for c in rest), (y, rest)

    # Left moves forward in right-to-left text: press it until the cursor is on وزير.
    offset = 0
    for _ in range(word_end + 2):
        if word_start <= offset < word_end:
            break
        before = offset
        tmux.send("Left")
        screen = tmux.wait_for(
            f"the offset to move from {before}", lambda s, b=before: status_offset(s) not in (None, b)
        )
        offset = status_offset(screen)  # type: ignore[assignment]
        assert offset is not None and offset > before
    assert word_start <= offset < word_end, f"the cursor never reached وزير ({word_start}-{word_end}): {offset}"

    tmux.send("p")
    screen = tmux.wait_for("PERSON on the panel or status", lambda s: "PERSON" in s)
    assert "labelled PERSON" in screen or "ﺮﻳﺯﻭ" in screen.split("PERSON", 1)[1]

    tmux.send("C-q")
    assert tmux.wait_for_exit() == 0
    assert not forbidden_characters(tmux.capture())

    records = export_native(store, "e2e")
    assert len(records) == 1
    record = records[0]
    assert record["annotator"] == "e2e"
    exported_text = record["text"]
    assert isinstance(exported_text, str) and exported_text == text
    spans = record["spans"]
    assert isinstance(spans, list)
    persons = [s for s in spans if s["label"] == "PERSON"]
    assert [(s["start"], s["end"]) for s in persons] == [(word_start, word_end)], spans
    assert exported_text[persons[0]["start"] : persons[0]["end"]] == "وزير"


def test_control_characters_in_an_article_are_shown_not_obeyed(tmux: Tmux, tmp_path: Path) -> None:
    article = tmp_path / "evil.txt"
    article.write_text(
        "خبر عاجل \x1b[2J\x1b]0;pwned\x07 من القاهرة \u202eمكتوب بالعكس\nسطر ثان من الخبر.\n",
        encoding="utf-8",
    )
    store = tmp_path / "s.json"
    tmux.start(reader_argv(str(article), "--store", str(store), "--annotator", "e2e"), cwd=ROOT)
    title_before = tmux.display("#{pane_title}")
    screen = tmux.wait_for(
        "the article with placeholders", lambda s: "offset 0" in s and any("ﺮﺒﺧ" in r for r in article_rows(s))
    )

    rows = article_rows(screen)
    first = rows[0]
    assert "␛" in first, first  # U+241B for ESC
    assert "␇" in first, first  # U+2407 for BEL
    assert "⊲" in first, first  # U+22B2 for U+202E
    assert "ﻞﺟﺎﻋ ﺮﺒﺧ" in first  # the Arabic around them is still shaped and in visual order
    assert "ﺲﻜﻌﻟﺎﺑ ﺏﻮﺘﻜﻣ" in first  # the override did not reverse the words after it
    assert not forbidden_characters(screen), forbidden_characters(screen)

    # Neither cleared nor retitled: the whole layout is there and the pane title is untouched.
    assert "annotator: e2e" in screen and "Person" in screen
    assert any("ﻥﺎﺛ ﺮﻄﺳ" in r for r in rows[1:]), rows[:3]
    title = tmux.display("#{pane_title}")
    assert "pwned" not in title and title == title_before, title

    # And it still works: the cursor moves and the app quits cleanly.
    tmux.send("Left")
    tmux.wait_for("the cursor to move", lambda s: (status_offset(s) or 0) > 0)
    tmux.send("C-q")
    assert tmux.wait_for_exit() == 0
    assert "pwned" not in tmux.display("#{pane_title}")


def test_hostile_ids_names_and_rules_are_shown_not_obeyed(tmux: Tmux, tmp_path: Path) -> None:
    """An id, a title, an annotator name and a suggestion's rule carrying OSC 0 (retitle), OSC 52
    (clipboard), a screen clear, C1 controls and a bidi override: the pane keeps its title, tmux gets
    no clipboard write, the screen keeps its layout, and the payloads are drawn as control pictures."""
    payload = "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b2J\u202e[b]x[/b]"
    corpus = tmp_path / "evil.jsonl"
    record = {"id": f"id{payload}", "text": "خبر عاجل من القاهرة\nسطر ثان.\n", "meta": {"title": f"t{payload}"}}
    corpus.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    store = tmp_path / "s.json"
    annotator = f"e2e{payload}"
    done = subprocess.run(
        reader_argv("import", str(corpus), "--store", str(store)), cwd=ROOT, capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    from annotations.model import Span
    from annotations.store import Store

    with Store.open(store) as s:
        (doc_id,) = s.document_ids()
        s.add_span(doc_id, annotator, Span(0, 3, "PERSON", "suggested", pending=True, rule=f"rule{payload}"))

    tmux.start(reader_argv("--store", str(store), "--annotator", annotator), cwd=ROOT)
    title_before = tmux.display("#{pane_title}")
    screen = tmux.wait_for("the app with the article", lambda s: "offset 0" in s and "1 pending" in s)
    tmux.send(".")  # select the suggestion: the status line and the panel show its rule
    screen = tmux.wait_for("the suggestion's rule", lambda s: "rule␛" in s)
    assert not forbidden_characters(screen), forbidden_characters(screen)
    assert "␛]0;pwned␇" in screen and "[b]x[/b]" in screen
    assert "annotator: e2e␛" in screen or "e2e␛" in screen
    assert tmux.display("#{pane_title}") == title_before
    assert tmux.tmux("list-buffers") == ""  # no OSC 52 clipboard write reached tmux
    tmux.send("C-q")
    assert tmux.wait_for_exit() == 0
    assert tmux.display("#{pane_title}") == title_before
    assert tmux.tmux("list-buffers") == ""
