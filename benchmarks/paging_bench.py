"""Key press to frame in a 10 MB article, at its start, middle and end, in the app (headless, 120x40).

Two articles, each in a process of its own (so each peak RSS is its own): the samples repeated to
10 MB in paragraphs, and the same text as ONE paragraph (no line breaks, as scraped text often is).
Each is opened from a small document with `j` (next document): that key press to the last frame is
"open to first screen". Then the cursor is put at the start, the middle and near the end of the
article (not timed) and page down, page up, line down and cursor left are pressed N times each.

Each figure runs from the start of `pilot.press` to the last frame the app composed before the
following `pilot.pause()` returned (the frame is rendered for the headless driver), as in
benchmarks/app_bench.py. Beside the wall-clock median, the CPU time the process used over the same
span: on a machine shared with other work the wall clock also counts the time the process waited for
a core, which the CPU time does not (on an idle machine the two are close).

Run: python benchmarks/paging_bench.py [--keys 20]   (prints figures; it asserts nothing)
Targets: key -> frame median <= 16 ms anywhere; the single paragraph opens in <= 200 ms with peak RSS
<= 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from annotations.labels import LabelSchema  # noqa: E402
from annotations.store import Store  # noqa: E402
from reader.app import ReaderApp  # noqa: E402
from reader.commands.app import open_paths  # noqa: E402
from reader.session import Session  # noqa: E402
from reader.widgets.article import ArticleView  # noqa: E402

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
KEYS = ("pagedown", "pageup", "down", "left")


def article(size: int, single: bool) -> str:
    base = "\n\n".join(p.read_text(encoding="utf-8").strip("\n") for p in SAMPLES) + "\n\n"
    text = (base * (size // len(base.encode("utf-8")) + 1)).encode("utf-8")[:size].decode("utf-8", "ignore")
    return " ".join(text.split("\n")) if single else text


class Frames:
    """Records when the app hands a frame to the (headless) driver: wall clock and CPU time."""

    def __init__(self, app: ReaderApp) -> None:
        self.times: list[tuple[float, float]] = []
        display = app._display

        def timed_display(*args: object, **kwargs: object) -> None:
            display(*args, **kwargs)  # type: ignore[arg-type]
            self.times.append((time.perf_counter(), time.process_time()))

        app._display = timed_display  # type: ignore[method-assign]

    async def press(self, pilot: Pilot[None], key: str) -> tuple[float, float] | None:
        """Key press to its last frame: (wall seconds, CPU seconds)."""
        await pilot.pause()
        self.times.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        await pilot.press(key)
        await pilot.pause()
        if not self.times:
            return None
        t1, c1 = self.times[-1]
        return t1 - t0, c1 - c0


async def measure(app: ReaderApp, keys: int) -> dict[str, object]:
    results: dict[str, object] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        opened = await frames.press(pilot, "j")  # from the small document to the big one
        results["open"] = opened[0] if opened else None
        view = app.screen.query_one(ArticleView)
        n = len(view.text)
        for where, fraction in (("start", 0.0), ("middle", 0.5), ("end", 0.97)):
            view.move_to(int(n * fraction))
            await pilot.pause()
            for key in KEYS:
                found = [await frames.press(pilot, key) for _ in range(keys)]
                results[f"{where} {key}"] = [t for t in found if t is not None]
        results["status"] = str(app.screen.query_one("#status").render())
    return results


def run_one(kind: str, keys: int, size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="paging-bench-") as tmpdir:
        tmp = Path(tmpdir)
        big = tmp / "big.txt"
        big.write_text(article(size, single=kind == "single"), encoding="utf-8")
        schema = LabelSchema.default()
        store = Store.open(tmp / "store.json")
        try:
            ids = open_paths(store, [str(SEED), str(big)], "bench", schema)
            app = ReaderApp(Session(store, "bench", schema, ids=ids))
            results = asyncio.run(measure(app, keys))
        finally:
            store.close()
    results["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(results))


def ms(values: list[list[float]]) -> str:
    if not values:
        return "no frame"
    wall = [w * 1e3 for w, _ in values]
    cpu = statistics.median(c * 1e3 for _, c in values)
    return f"median {statistics.median(wall):5.1f} ms  max {max(wall):5.1f} ms  (CPU median {cpu:5.1f} ms)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=20, help="presses of each key at each place")
    ap.add_argument("--mb", type=float, default=10, help="article size in MB (10; 0.1 shows what a redraw costs)")
    ap.add_argument("--one", choices=("paragraphs", "single"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    size = int(args.mb * 1_000_000)
    if args.one:
        run_one(args.one, args.keys, size)
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f}")
    for kind, title in (("paragraphs", "article in paragraphs"), ("single", "article in ONE paragraph")):
        title = f"{args.mb:g} MB {title}"
        done = subprocess.run(
            [sys.executable, __file__, "--one", kind, "--keys", str(args.keys), "--mb", str(args.mb)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        results = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"\n{title}: peak RSS {results['rss_mb']:.0f} MB (the whole app, store included)")
        opened = results["open"]
        print(f"  open (key j) to first screen: {opened * 1e3:.0f} ms" if opened else "  open: no frame")
        for where in ("start", "middle", "end"):
            for key in KEYS:
                print(f"  {where:6s} {key:9s} {ms(results[f'{where} {key}'])}")
        print(f"  status line at the end: {results['status'].strip()[:110]}")


if __name__ == "__main__":
    main()
