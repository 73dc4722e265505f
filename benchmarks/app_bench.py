"""App responsiveness: key press to updated screen, and process start to first frame.

(a) Key press to updated screen, headless (`App.run_test(size=(120, 40))`), in the seed article
    (5 KB) and in a 1 MB article made by concatenating samples/*.txt: N presses of `left`, then N
    label actions (`w` then `p` on successive words; the move to the next word is not timed). Each
    figure runs from the start of `pilot.press` to the end of the `pilot.pause()` after it, which
    also runs the screen's compositor update (the frame is rendered for the headless driver).
(b) Process start to first frame, in a real terminal: `python -m reader.cli --store S` started in a
    private tmux server (120x40); the clock starts before `tmux new-session` and stops at the first
    capture-pane (polled every 10 ms) that shows the article between its panels and the status bar
    (`offset 0`). Once with a store of the bundled samples, once with 100,000 short documents built
    with `reader import` on a generated JSONL.

Run: python benchmarks/app_bench.py [--keys 200] [--docs 100000] [--runs 5] [--profile]
Prints figures; asserts nothing. Targets: key press median <= 16 ms; start <= 1.5 s (samples) and
<= 2 s (100,000 documents).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from annotations.labels import LabelSchema  # noqa: E402
from annotations.store import Store  # noqa: E402
from reader.app import ReaderApp  # noqa: E402
from reader.commands.app import open_paths  # noqa: E402
from reader.session import Session  # noqa: E402
from reader.text.words import next_word_start, word_at  # noqa: E402
from reader.widgets.article import ArticleView  # noqa: E402

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
WORDS = [
    "قال", "الرئيس", "وزير", "الخارجية", "في", "مؤتمر", "صحفي", "اليوم", "إن", "المفاوضات", "مع",
    "الجانب", "حول", "وقف", "إطلاق", "النار", "مستمرة", "القاهرة", "غزة", "الأمم", "المتحدة",
]  # fmt: skip


def ms(values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return "-"
    med = statistics.median(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {med * 1e3:6.1f} ms   p95 {p95 * 1e3:6.1f} ms   max {values[-1] * 1e3:6.1f} ms"


def big_article(min_bytes: int = 1_000_000) -> str:
    texts = [p.read_text(encoding="utf-8").strip() for p in SAMPLES]
    parts: list[str] = []
    size = 0
    while size < min_bytes:
        for t in texts:
            parts.append(t)
            size += len(t.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


# -------------------------------------------------------------------------------------------------
# (a) key press to updated screen


class Meter:
    """Times one key action three ways: wall time of `pilot.press` + `pilot.pause` (Pilot's idle
    detection sleeps 20 ms at least three times, so this has a floor of ~60-130 ms that is not the
    app's); time to the first and to the last frame the screen composed in that window (the app's
    real latency: dispatch, handlers, message hops, the frame timer and the compositor; a cursor
    move draws three frames: the article, then the status bar and panel); and CPU time."""

    def __init__(self, app: ReaderApp) -> None:
        self.frames: list[float] = []
        display = app._display

        def timed_display(*args: object, **kwargs: object) -> None:
            display(*args, **kwargs)  # type: ignore[arg-type]
            self.frames.append(time.perf_counter())

        app._display = timed_display  # type: ignore[method-assign]
        self.times: dict[str, dict[str, list[float]]] = {}

    async def press(self, pilot: Pilot[None], name: str, *keys: str) -> None:
        await pilot.pause()
        self.frames.clear()
        c0, t0 = time.process_time(), time.perf_counter()
        await pilot.press(*keys)
        await pilot.pause()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        row = self.times.setdefault(name, {"pilot": [], "first": [], "frame": [], "cpu": []})
        row["pilot"].append(wall)
        row["cpu"].append(cpu)
        if self.frames:
            row["first"].append(self.frames[0] - t0)
            row["frame"].append(self.frames[-1] - t0)


async def time_keys(app: ReaderApp, n: int, profile: cProfile.Profile | None) -> Meter:
    meter = Meter(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        for _ in range(n):  # an unbound key: what the harness itself costs (Pilot, message loop)
            await meter.press(pilot, "f12 (unbound key: harness floor)", "f12")
        for _ in range(n):
            await meter.press(pilot, "left (cursor move)", "left")
        # Label actions on successive words from the start of the article (moves are not timed).
        starts: list[int] = []
        offset: int | None = 0 if word_at(view.text, 0) else next_word_start(view.text, 0)
        while offset is not None and offset < len(view.text) and len(starts) < n:
            starts.append(offset)
            following = next_word_start(view.text, offset)
            offset = following if following > offset else None
        if profile is not None:
            profile.enable()
        for start in starts:
            view.move_to(start)
            await meter.press(pilot, "w (select word)", "w")
            await meter.press(pilot, "p (label, store write)", "p")
        if profile is not None:
            profile.disable()
        labelled = len(app.session.spans())
        if labelled != len(starts):
            print(f"    (!) {len(starts)} label actions made {labelled} spans")
    return meter


def bench_keys(text: str, name: str, n: int, tmp: Path, profile: bool) -> None:
    path = tmp / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    schema = LabelSchema.default()
    store = Store.open(tmp / f"{name}.store.json")
    prof = cProfile.Profile() if profile else None
    try:
        ids = open_paths(store, [str(path)], "bench", schema)
        app = ReaderApp(Session(store, "bench", schema, ids=ids))
        meter = asyncio.run(time_keys(app, n, prof))
    finally:
        store.close()
    print(f"  {name}: {len(text):,} characters, {len(text.encode()) / 1e6:.2f} MB")
    for action, row in meter.times.items():
        print(f"    {action}")
        print(f"      to first frame    {ms(row['first'])}   ({len(row['frame'])} of {len(row['cpu'])} drew)")
        print(f"      to last frame     {ms(row['frame'])}")
        print(f"      CPU time          {ms(row['cpu'])}")
        print(f"      pilot press+pause {ms(row['pilot'])}")
    if prof is not None:
        print_profile(prof, f"w and p in {name}")


def print_profile(prof: cProfile.Profile, what: str, limit: int = 18) -> None:
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    print(f"\n  profile ({what}), by cumulative time:")
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    for ln in lines[start : start + limit + 1]:
        print("    " + ln[:160])


# -------------------------------------------------------------------------------------------------
# (b) process start to first frame


def run_reader(*args: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reader.cli", *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"reader {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - t0


def build_samples_store(tmp: Path) -> Path:
    store = tmp / "samples.json"
    run_reader("import", *map(str, SAMPLES), "--store", str(store))
    return store


def build_big_store(tmp: Path, docs: int) -> Path:
    rng = random.Random(7)
    src = tmp / "corpus.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i in range(docs):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))) + "."
            f.write(json.dumps({"id": f"n{i}", "text": text, "meta": {"n": i}}, ensure_ascii=False) + "\n")
    store = tmp / "big.json"
    seconds = run_reader("import", str(src), "--store", str(store))
    print(f"  built a {docs:,}-document store with `reader import` in {seconds:.1f} s "
          f"(JSONL {src.stat().st_size / 1e6:.0f} MB)")  # fmt: skip
    return store


def first_frame(store: Path, runs: int) -> list[float]:
    tmux = shutil.which("tmux")
    if tmux is None:
        raise SystemExit("tmux is needed for the start-up figures")
    command = f"exec env TERM=xterm-256color {sys.executable} -m reader.cli --store {store} --annotator bench"
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    found: list[float] = []
    for _ in range(runs):
        sock = f"reader-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        base = [tmux, "-L", sock, "-f", "/dev/null"]
        try:
            t0 = time.perf_counter()
            subprocess.run([*base, "new-session", "-d", "-s", "b", "-x", "120", "-y", "40", "-c", str(ROOT),
                            command], env=env, check=True)  # fmt: skip
            deadline = t0 + 30
            while True:
                screen = subprocess.run(
                    [*base, "capture-pane", "-p", "-t", "b"], env=env, capture_output=True, text=True
                ).stdout
                if "offset 0" in screen and "▕" in screen and "▏" in screen:
                    found.append(time.perf_counter() - t0)
                    break
                if time.perf_counter() > deadline:
                    raise SystemExit(f"no first frame within 30 s; screen:\n{screen}")
                time.sleep(0.01)
            subprocess.run([*base, "send-keys", "-t", "b", "C-q"], env=env)
            time.sleep(0.3)  # let it close the store before the next run opens it
        finally:
            subprocess.run([*base, "kill-server"], env=env, capture_output=True)
            socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
            (socket_dir / sock).unlink(missing_ok=True)
    return found


async def _mount(app: ReaderApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()


def profile_start(store_path: Path) -> None:
    """In-process start (store open, session, app until the article is drawn), profiled."""
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    store = Store.open(store_path)
    t_open = time.perf_counter()
    try:
        session = Session(store, "bench", LabelSchema.default(), ids=store.document_ids())
        t_session = time.perf_counter()
        asyncio.run(_mount(ReaderApp(session)))
    finally:
        store.close()
    prof.disable()
    t_end = time.perf_counter()
    print(f"  in-process: Store.open {t_open - t0:.2f} s, Session {t_session - t_open:.2f} s, "
          f"app to first frame and exit {t_end - t_session:.2f} s (under cProfile)")  # fmt: skip
    print_profile(prof, f"start with {store_path.name}")


def import_time() -> float:
    code = "import reader.app, reader.screens.annotate, textual.app"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=200, help="presses of each kind")
    ap.add_argument("--docs", type=int, default=100_000, help="documents in the big store")
    ap.add_argument("--runs", type=int, default=5, help="start-up runs per store")
    ap.add_argument("--profile", action="store_true", help="profile label actions and start-up")
    ap.add_argument("--skip-start", action="store_true", help="only the key press figures")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="app-bench-") as tmpdir:
        tmp = Path(tmpdir)
        print(f"\n(a) key press to updated screen, headless 120x40, {args.keys} presses each")
        bench_keys(SEED.read_text(encoding="utf-8"), "seed", args.keys, tmp, args.profile)
        bench_keys(big_article(), "1mb", args.keys, tmp, args.profile)
        if args.skip_start:
            return
        print(f"\n(b) process start to first frame in tmux 120x40 ({args.runs} runs each)")
        print(f"  `python -c 'import reader.app, textual.app'` alone: {import_time():.2f} s")
        samples = build_samples_store(tmp)
        times = first_frame(samples, args.runs)
        print(f"  samples store ({len(SAMPLES)} docs): median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f})")  # fmt: skip
        big = build_big_store(tmp, args.docs)
        times = first_frame(big, args.runs)
        print(f"  {args.docs:,}-document store: median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f})")  # fmt: skip
        if args.profile:
            profile_start(big)


if __name__ == "__main__":
    main()
