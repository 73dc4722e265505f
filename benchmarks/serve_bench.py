"""`reader serve` in a browser: start-up to first frame, and key press to frame.

A `reader serve` process on 127.0.0.1 with a temporary store holding the seed article; headless
Chromium (Debian's /usr/bin/chromium, through Playwright) at 1280x720 (a 142x32 terminal).

(a) Start-up: from the start of navigation to the sign-in link (performance.timeOrigin) to the
    first frame that shows the article's status line (`offset 0`) in the page's terminal, measured
    in the page. It includes the redirect, the page and its scripts and fonts, the websocket, and
    starting one app process (python -m reader.cli) for the annotator. Each run is a new page (the
    previous session is ended first, as a reload does).
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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
CHROMIUM = "/usr/bin/chromium"

# Catches textual-serve's terminal object as the page builds it (see tests/e2e/test_serve_browser.py)
# and records, in the page: the first frame showing "offset 0", and each key's time to its frame.
HOOK = """
(() => {
  const bench = window.__bench = {firstByte: null, firstFrame: null, keyAt: null, wrote: false, keys: []};
  document.addEventListener("keydown", () => { bench.keyAt = performance.now(); bench.wrote = false; }, true);
  Object.defineProperty(Object.prototype, "fitAddon", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
      const term = this.terminal;
      term.onWriteParsed(() => {
        if (bench.firstByte === null) bench.firstByte = performance.now();
        if (bench.keyAt !== null) bench.wrote = true;
      });
      term.onRender(() => {
        const now = performance.now();
        if (bench.firstFrame === null) {
          const b = term.buffer.active;
          for (let y = 0; y < term.rows; y++) {
            const row = b.getLine(b.viewportY + y).translateToString(true);
            if (/offset 0\\b/.test(row)) { bench.firstFrame = now; break; }
          }
        }
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
                loaded: list[float] = []
                first_bytes: list[float] = []
                page = None
                for token in tokens:
                    if page is not None:
                        page.close()
                        time.sleep(1.0)  # the closed page's app quits
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{port}/?token={token}")
                    starts.append(float(wait(page, "window.__bench && window.__bench.firstFrame")))
                    first_bytes.append(float(page.evaluate("window.__bench.firstByte")))
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
    print(figures("start-up to first frame (navigation to the article on screen)", starts))
    print(figures("key to frame (keydown to the terminal's render of the answer)", keys))
    print(f"target key to frame median <= 50 ms: {'met' if statistics.median(keys) <= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
