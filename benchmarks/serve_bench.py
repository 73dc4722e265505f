"""`reader serve` in a browser: start-up to first frame, and key press to frame.

A `reader serve` process on 127.0.0.1 with a temporary store holding the seed article; headless
Chromium (Debian's /usr/bin/chromium, through Playwright) at 1280x720 (a 142x32 terminal).

(a) Start-up: from the start of navigation to the sign-in link (performance.timeOrigin) to the
    first frame that shows the article's status line (`offset 0`) in the page's terminal, measured
    in the page. It includes the redirect, the page and its scripts and fonts, the websocket, and
    the app for the annotator (the server's warm spare process, see reader/serve/session.py). Each
    run is a new page for another annotator. Printed in steps: the page loaded, the app's first byte,
    the article's first frame parsed by xterm.js, and drawn.
    For comparison, in turn with each browser run: the same app started in a terminal (a private
    tmux server, 142x32) to its first frame with `offset 0`, as benchmarks/app_bench.py does.
(b) Key to frame: N presses of Left/Right (cursor moves, three each way in turn), each from the
    keydown event in the page to the first terminal render after the app's answer was parsed (the
    frame the annotator sees). Keys are sent one at a time, 30 ms after the previous frame.

Run: python benchmarks/serve_bench.py [--keys 60] [--runs 5]
Prints figures; asserts nothing. Target: key to frame median <= 50 ms on localhost.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
CHROMIUM = "/usr/bin/chromium"

# Catches textual-serve's terminal object as the page builds it (see tests/e2e/test_serve_browser.py)
# and records, in the page: the first frame showing "offset 0", and each key's time to its frame.
HOOK = """
(() => {
  const bench = window.__bench = {
    firstByte: null, firstParsed: null, firstFrame: null, keyAt: null, wrote: false, keys: [],
  };
  document.addEventListener("keydown", () => { bench.keyAt = performance.now(); bench.wrote = false; }, true);
  Object.defineProperty(Object.prototype, "fitAddon", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
      const term = this.terminal;
      const showsArticle = () => {
        const b = term.buffer.active;
        for (let y = 0; y < term.rows; y++) {
          if (/offset 0\\b/.test(b.getLine(b.viewportY + y).translateToString(true))) return true;
        }
        return false;
      };
      term.onWriteParsed(() => {
        if (bench.firstByte === null) bench.firstByte = performance.now();
        if (bench.firstParsed === null && showsArticle()) bench.firstParsed = performance.now();
        if (bench.keyAt !== null) bench.wrote = true;
      });
      term.onRender(() => {
        const now = performance.now();
        if (bench.firstFrame === null && showsArticle()) bench.firstFrame = now;
        if (bench.keyAt !== null && bench.wrote) { bench.keys.push(now - bench.keyAt); bench.keyAt = null; }
      });
    },
    get() { return undefined; },
  });
})();
"""


def reader(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "reader.cli", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def figures(label: str, values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
    return (
        f"{label}: median {statistics.median(values):.1f} ms, p90 {p90:.1f} ms, "
        f"min {values[0]:.1f} ms, max {values[-1]:.1f} ms (n={len(values)})"
    )


def terminal_first_frame(store: Path) -> float:
    """Seconds from starting the app in a private tmux server to its first frame with the article."""
    tmux = shutil.which("tmux")
    if tmux is None:
        return float("nan")
    command = f"exec env TERM=xterm-256color {sys.executable} -m reader.cli --store {store} --annotator terminal"
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    sock = f"reader-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    base = [tmux, "-L", sock, "-f", "/dev/null"]
    try:
        t0 = time.perf_counter()
        subprocess.run([*base, "new-session", "-d", "-s", "b", "-x", "142", "-y", "32", "-c", str(ROOT), command],
                       env=env, check=True)  # fmt: skip
        while True:
            screen = subprocess.run(
                [*base, "capture-pane", "-p", "-t", "b"], env=env, capture_output=True, text=True, check=False
            ).stdout
            if "offset 0" in screen and "▕" in screen:
                elapsed = time.perf_counter() - t0
                break
            if time.perf_counter() - t0 > 60:
                raise SystemExit(f"no first frame in the terminal within 60 s:\n{screen}")
            time.sleep(0.01)
        subprocess.run([*base, "send-keys", "-t", "b", "C-q"], env=env, check=False)
        time.sleep(0.5)  # it closes the store
        return elapsed * 1000
    finally:
        subprocess.run([*base, "kill-server"], env=env, capture_output=True, check=False)
        socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (socket_dir / sock).unlink(missing_ok=True)


def wait(page: Any, expression: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.005)
    raise SystemExit(f"timed out waiting for {expression}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.json"
        reader("import", str(SEED), "--store", str(store))
        tokens = []  # one annotator per start-up run: no run waits for the previous one's app to quit
        for i in range(args.runs):
            out = reader("serve", "--store", str(store), "--add-annotator", f"bench{i}")
            found = re.search(r"^  (\S{43,})$", out, re.M)
            assert found, out
            tokens.append(found.group(1))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "reader.cli", "serve", "--store", str(store), "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit("reader serve did not start")
                time.sleep(0.05)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                context.add_init_script(HOOK)
                starts: list[float] = []
                terminal: list[float] = []
                loaded: list[float] = []
                first_bytes: list[float] = []
                parsed: list[float] = []
                page = None
                for token in tokens:
                    if page is not None:
                        page.close()
                        time.sleep(1.0)  # the closed page's app quits
                    terminal.append(terminal_first_frame(store))
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{port}/?token={token}")
                    starts.append(float(wait(page, "window.__bench && window.__bench.firstFrame")))
                    first_bytes.append(float(page.evaluate("window.__bench.firstByte")))
                    parsed.append(float(page.evaluate("window.__bench.firstParsed")))
                    loaded.append(float(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")))
                assert page is not None
                time.sleep(0.5)
                pattern = ["ArrowLeft"] * 3 + ["ArrowRight"] * 3
                for i in range(args.keys):
                    before = page.evaluate("window.__bench.keys.length")
                    page.keyboard.press(pattern[i % len(pattern)])
                    wait(page, f"window.__bench.keys.length > {before}", timeout=10)
                    time.sleep(0.03)
                keys = [float(v) for v in page.evaluate("window.__bench.keys")]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(figures("page loaded (navigation to the load event: redirect, page, scripts)", loaded))
    print(figures("first byte from the app in the terminal", first_bytes))
    print(figures("the article's first frame received and parsed by the terminal", parsed))
    print(figures("start-up to first frame (navigation to the article on screen)", starts))
    print(figures("the same app in a terminal (tmux), start to first frame, in turn with the above", terminal))
    print(figures("key to frame (keydown to the terminal's render of the answer)", keys))
    print(f"target key to frame median <= 50 ms: {'met' if statistics.median(keys) <= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
