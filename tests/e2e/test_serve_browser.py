"""End-to-end: `reader serve` on 127.0.0.1 driven by headless Chromium (Debian's /usr/bin/chromium,
through Playwright; no browser is downloaded), as annotators would use it.

Each test starts the real server (`python -m reader.cli serve`) on a free port with a temporary store
and its own annotators' tokens, signs in through the page, works by keys, and checks the store. The
page's terminal is read through xterm.js's buffer (the terminal object is caught as textual-serve's
page builds it, see HOOK), and compared with what `reader cat` prints at the same width; a
screenshot shows the labelled word in the label's colour. Waits poll the page (never long sleeps).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium); CI installs it"
)
playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
TIMEOUT = 30.0  # seconds for any one wait (start-up of an app process on a loaded 2-core machine)
VIEWPORT = {"width": 1280, "height": 720}
PERSON_COLOUR = (0x1F, 0x6F, 0xEB)  # PERSON's colour in the default label schema: an accepted span's fill
DOCLIST_BORDER = "▕"
PANEL_BORDER = "▏"

# textual-serve's page keeps its terminal object to itself. Its constructor assigns
# ``this.fitAddon = ...``; a setter on Object.prototype catches that one assignment and keeps the
# object (with ``.terminal``, the xterm.js Terminal, and ``.socket``) in window.__readerTerminals.
HOOK = """
(() => {
  window.__readerTerminals = [];
  Object.defineProperty(Object.prototype, "fitAddon", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
      window.__readerTerminals.push(this);
    },
    get() { return undefined; },
  });
})();
"""
READ_ROWS = """() => {
  const t = window.__readerTerminals[0];
  if (!t) return null;
  const b = t.terminal.buffer.active, rows = [];
  for (let y = 0; y < t.terminal.rows; y++) rows.push(b.getLine(b.viewportY + y).translateToString(true));
  return rows;
}"""


def reader_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "reader.cli", *args]


def run_reader(*args: str) -> str:
    done = subprocess.run(
        reader_argv(*args), cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A `reader serve` process on a temporary store."""

    def __init__(self, store: Path, articles: list[Path], annotators: list[str]) -> None:
        self.store = store
        run_reader("import", *map(str, articles), "--store", str(store))
        self.tokens: dict[str, str] = {}
        for name in annotators:
            out = run_reader("serve", "--store", str(store), "--add-annotator", name)
            found = re.search(r"^  (\S{43,})$", out, re.M)
            assert found, out
            self.tokens[name] = found.group(1)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = store.with_name("serve.log")
        self._log_file = open(self.log, "wb")  # noqa: SIM115 (closed in stop())
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            reader_argv("serve", "--store", str(store), "--port", str(self.port)),
            cwd=ROOT, stdout=self._log_file, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"reader serve exited: {self.log.read_text()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError(f"reader serve did not listen within {TIMEOUT:.0f} s: {self.log.read_text()}")

    def stop(self) -> int:
        self.process.terminate()
        try:
            code = self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._log_file.close()
        return code

    def records(self, annotator: str) -> list[dict[str, Any]]:
        out = run_reader("export", "--store", str(self.store), "--format", "native", "--annotator", annotator,
                         "--out", "-")  # fmt: skip
        return [json.loads(line) for line in out.splitlines() if line.strip()]


class Page:
    """One browser tab on the app, read through its terminal's buffer."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.add_init_script(HOOK)

    def rows(self) -> list[str]:
        rows = self.page.evaluate(READ_ROWS)
        return rows if isinstance(rows, list) else []

    def wait_for(self, what: str, predicate: Callable[[list[str]], bool], timeout: float = TIMEOUT) -> list[str]:
        """Poll the terminal until predicate holds on two reads in a row that are the same."""
        deadline = time.monotonic() + timeout
        rows: list[str] = []
        previous: list[str] | None = None
        while time.monotonic() < deadline:
            rows = self.rows()
            if rows and rows == previous and predicate(rows):
                return rows
            previous = rows
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the page's terminal showed:\n" + "\n".join(rows))

    def sign_in_with_form(self, token: str) -> None:
        response = self.page.goto(self.base)
        assert response is not None and response.status == 401  # only the sign-in page without a token
        assert self.page.locator("#token").count() == 1
        self.page.fill("#token", token)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(self.base)

    def first_frame(self) -> list[str]:
        return self.wait_for("the app's first frame", lambda r: status_offset(r) == 0 and bool(article_rows(r)))

    def press_until_offset_in(self, start: int, end: int) -> int:
        """Press Left (forward in right-to-left text) until the cursor's offset is in [start, end)."""
        offset = status_offset(self.rows()) or 0
        for _ in range(end + 2):
            if start <= offset < end:
                return offset
            before = offset
            self.page.keyboard.press("ArrowLeft")
            rows = self.wait_for(
                f"the offset to move from {before}", lambda r, b=before: status_offset(r) not in (None, b)
            )
            offset = status_offset(rows) or 0
            assert offset > before
        raise AssertionError(f"the cursor never reached {start}-{end}: {offset}")

    def cells(self, y: int) -> list[tuple[str, int]]:
        """Row y cell by cell: (what the cell holds, its background as 0xRRGGBB or -1 when not true colour)."""
        cells: list[tuple[str, int]] = self.page.evaluate(
            """(y) => {
              const t = window.__readerTerminals[0].terminal, b = t.buffer.active, line = b.getLine(b.viewportY + y);
              const out = [];
              for (let x = 0; x < t.cols; x++) {
                const c = line.getCell(x);
                out.push([c.getChars(), c.isBgRGB() ? c.getBgColor() : -1]);
              }
              return out;
            }""",
            y,
        )
        return [(c, bg) for c, bg in cells]

    def cell_box(self, x: int, y: int) -> tuple[float, float, float, float]:
        box: list[float] = self.page.evaluate(
            """([x, y]) => {
              const t = window.__readerTerminals[0].terminal;
              const r = t.element.querySelector(".xterm-screen").getBoundingClientRect();
              const w = r.width / t.cols, h = r.height / t.rows;
              return [r.left + x * w, r.top + y * h, w, h];
            }""",
            [x, y],
        )
        return box[0], box[1], box[2], box[3]

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base)]


def status_offset(rows: list[str]) -> int | None:
    found = re.findall(r"\boffset (\d+)\b", "\n".join(rows))
    return int(found[-1]) if found else None


def article_rows(rows: list[str]) -> list[str]:
    out = []
    for row in rows:
        if DOCLIST_BORDER in row and PANEL_BORDER in row:
            out.append(row.split(DOCLIST_BORDER, 1)[1].rsplit(PANEL_BORDER, 1)[0])
    return out


def article_width(rows: list[str]) -> int:
    blank = next(r for r in article_rows(rows) if r.strip() == "")
    return len(blank) - 3  # padding (1 + 1) and the scrollbar (1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def serve_factory(tmp_path: Path) -> Iterator[Callable[[list[Path], list[str]], Served]]:
    started: list[Served] = []

    def start(articles: list[Path], annotators: list[str]) -> Served:
        served = Served(tmp_path / "store.json", articles, annotators)
        started.append(served)
        return served

    try:
        yield start
    finally:
        for served in started:
            assert served.stop() == 0, served.log.read_text()


def new_page(browser: Any, served: Served) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    return Page(context.new_page(), served.url)


def screenshot(page: Page) -> Any:
    from PIL import Image

    return Image.open(BytesIO(page.page.screenshot())).convert("RGB")


def test_sign_in_label_a_word_by_keys_and_the_store_has_it(browser: Any, serve_factory: Any) -> None:
    served: Served = serve_factory([SEED], ["alice", "bob"])
    text = SEED.read_text(encoding="utf-8")
    word_start = text.index("وزير")
    word_end = word_start + len("وزير")
    tab = new_page(browser, served)

    tab.sign_in_with_form(served.tokens["alice"])
    rows = tab.first_frame()
    assert "annotator: alice" in "\n".join(rows)

    # The page's cells are what `reader cat` prints at the article's width: shaped, in visual order.
    width = article_width(rows)
    cat = run_reader("cat", "--width", str(width), str(SEED)).split("\n")
    article = article_rows(rows)
    assert "ﺮﻳﺯﻭ ﺩﺪّﺷ" in article[0]
    for y in range(4):
        assert article[y].startswith(" " + cat[y]), (y, article[y], cat[y])

    tab.press_until_offset_in(word_start, word_end)
    tab.page.keyboard.press("p")
    rows = tab.wait_for("PERSON on the status line or panel", lambda r: "PERSON" in "\n".join(r))

    # The store holds the span, under the signed-in annotator's name (and nobody else's).
    records = served.records("alice")
    assert len(records) == 1 and records[0]["annotator"] == "alice"
    persons = [s for s in records[0]["spans"] if s["label"] == "PERSON"]
    assert [(s["start"], s["end"]) for s in persons] == [(word_start, word_end)]
    assert all(r["spans"] == [] for r in served.records("bob"))

    # The labelled word is drawn in PERSON's colour: in the terminal's cells (true colour, as in a
    # terminal) and on the screen. The word is the second from the right on the first row.
    y = next(i for i, r in enumerate(rows) if DOCLIST_BORDER in r and "ﺮﻳﺯﻭ ﺩﺪّﺷ" in r)
    cells = tab.cells(y)
    chars = "".join(c[:1] or " " for c, _ in cells)  # one character per cell (marks share their letter's)
    x_word = chars.index("ﺮﻳﺯﻭ ﺩﺪﺷ", chars.index(DOCLIST_BORDER))  # in the article, not the document list
    fills = [bg for _, bg in cells[x_word : x_word + 4]]
    person = (PERSON_COLOUR[0] << 16) | (PERSON_COLOUR[1] << 8) | PERSON_COLOUR[2]
    assert fills.count(person) >= 3, [hex(f) for f in fills]  # one cell may carry the cursor instead
    x = x_word + fills.index(person)
    left, top, w, h = tab.cell_box(x, y)
    image = screenshot(tab)
    # a point near the cell's top-left corner is background, not glyph
    pixel = image.getpixel((round(left + 1.5), round(top + 1.5)))
    assert all(abs(a - e) <= 6 for a, e in zip(pixel, PERSON_COLOUR, strict=True)), pixel
    # and the letters are drawn on it: the word's cells hold ink far from the fill
    word = image.crop((round(left), round(top), round(left + 3 * w), round(top + h)))
    pixels = [word.getpixel((i, j)) for i in range(word.width) for j in range(word.height)]
    ink = [p for p in pixels if sum(abs(a - e) for a, e in zip(p, PERSON_COLOUR, strict=True)) > 200]
    assert len(ink) > 0.05 * word.width * word.height, len(ink)
    assert tab.foreign_requests() == []  # nothing was loaded from anywhere else

    tab.page.keyboard.press("Control+q")  # quit: the session ends, the page says so
    tab.page.wait_for_selector("body.-closed", timeout=TIMEOUT * 1000)
    assert len(served.records("alice")[0]["spans"]) == 1


def test_two_browsers_as_two_annotators_at_once(browser: Any, serve_factory: Any) -> None:
    served: Served = serve_factory([SEED], ["alice", "bob"])
    text = SEED.read_text(encoding="utf-8")
    tabs = {name: new_page(browser, served) for name in ("alice", "bob")}
    for name, tab in tabs.items():  # sign in by link: the token leaves the address bar
        tab.page.goto(f"{served.url}?token={served.tokens[name]}")
        assert tab.page.url == served.url
    for name, tab in tabs.items():
        assert f"annotator: {name}" in "\n".join(tab.first_frame())
    words = {"alice": ("وزير", "p", "PERSON"), "bob": ("الأمن", "o", "ORGANIZATION")}
    for name, tab in tabs.items():  # interleaved: both sessions are live together
        word, key, _ = words[name]
        start = text.index(word)
        tab.press_until_offset_in(start, start + len(word))
        tab.page.keyboard.press(key)
    for name, tab in tabs.items():
        label = words[name][2]
        tab.wait_for(f"{label} in {name}'s tab", lambda r, lab=label: lab in "\n".join(r))
    for name, (word, _, label) in words.items():
        (record,) = served.records(name)
        start = text.index(word)
        assert record["annotator"] == name
        assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [(start, start + len(word), label)]


def test_the_page_draws_arabic_forms_with_its_own_fonts(browser: Any, serve_factory: Any, tmp_path: Path) -> None:
    """The Allah ligature, lam-alef and the hamza forms are drawn with the fonts the server sends
    (Chromium reports which font drew each glyph), never a box from whatever the machine has."""
    article = tmp_path / "forms.txt"
    article.write_text("قال ﷲ لا سأل مسؤول رئيس أنا إلى آمن\n", encoding="utf-8")
    served: Served = serve_factory([article], ["alice"])
    tab = new_page(browser, served)
    tab.page.goto(f"{served.url}?token={served.tokens['alice']}")
    rows = tab.first_frame()
    assert "ﷲ" in article_rows(rows)[0] and "ﻻ" in article_rows(rows)[0]

    # The terminal's own font stack, applied to the same characters in a probe element.
    tab.page.evaluate(
        """() => { const p = document.createElement("span"); p.id = "probe";
                   p.style.fontFamily = '"Roboto Mono"'; p.textContent = "\\uFDF2\\uFEFB\\uFE8B\\uFE85\\uFE87A";
                   document.body.appendChild(p); }"""
    )
    cdp = tab.page.context.new_cdp_session(tab.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#probe"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    used = {f["familyName"]: f for f in fonts}
    assert all(f["isCustomFont"] for f in fonts), fonts  # every glyph from a font the page was sent
    assert sum(f["glyphCount"] for f in fonts) == 6, fonts
    assert "DejaVu Sans Mono" in used and "KacstOne" in used, fonts  # presentation forms; U+FDF2
    assert tab.foreign_requests() == []


def test_a_sign_in_link_from_another_site_asks_first(browser: Any, serve_factory: Any) -> None:
    """Another site sends the browser to an attacker's sign-in link: Chromium says the navigation is
    cross-site, and the server asks instead of signing in silently."""
    import http.server
    import threading

    served: Served = serve_factory([SEED], ["mallory"])
    link = f"{served.url}?token={served.tokens['mallory']}"
    evil_page = f"<!DOCTYPE html><script>location.href = {json.dumps(link)};</script>".encode()

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(evil_page)

        def log_message(self, *args: Any) -> None:
            pass

    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        tab = new_page(browser, served)
        tab.page.goto(f"http://localhost:{evil.server_address[1]}/")  # another site than 127.0.0.1
        tab.page.wait_for_url(re.compile(r".*\?token="))
        tab.page.wait_for_selector("text=Sign in to reader as")
        assert "mallory" in tab.page.title()
        assert not [c for c in tab.page.context.cookies() if c["name"].startswith("reader_session_")]
        tab.page.click("button[type=submit]")  # the user decides
        tab.page.wait_for_url(served.url)
        assert "annotator: mallory" in "\n".join(tab.first_frame())
        # the same link opened by the user (typed or pasted) signs in without asking
        typed = new_page(browser, served)
        typed.page.goto(link)
        assert typed.page.url == served.url
    finally:
        evil.shutdown()
