"""Layout engine figures: first screen of a 10 MB article (in paragraphs, and as one paragraph), paging
through both, and `reader cat` beside fribidi on two articles.

  (a) first screen: DocumentLayout(text) plus its first 50 lines at width 100, in a fresh process,
      with that process's peak RSS (the 10 MB text itself is part of it);
  (b) moving through the article at the engine level: a page (40 lines) down at the start, the
      middle and the end, and the cursor's position after it (what a key press asks of the engine;
      benchmarks/paging_bench.py times the same in the app, key to frame);
  (c) `reader cat` (text and --json) on a 1 MB article made of the samples (1,056 distinct words,
      so shaping is mostly cached) and on a 1 MB article of 26,000 distinct words, beside
      `fribidi --nobreak` on the same files. Whole processes, start-up included, each run several
      times: the median is printed with min and max.

Run: python benchmarks/layout_bench.py [--runs 5]   (prints figures; it asserts nothing)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.text import DocumentLayout  # noqa: E402
from reader.text.bidi_levels import backend  # noqa: E402

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
# Python's bytecode cache on, as in any installed copy (a development shell may turn it off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def article(size: int) -> str:
    """All the samples, repeated until the text has `size` UTF-8 bytes."""
    base = "\n\n".join(p.read_text(encoding="utf-8").strip("\n") for p in SAMPLES) + "\n\n"
    copies = size // len(base.encode("utf-8")) + 1
    text = base * copies
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def one_paragraph(size: int) -> str:
    """The same text with every line break made a space: one paragraph of `size` bytes."""
    return " ".join(article(size).split("\n"))


PREFIXES = ["", "ال", "و", "ب", "ل", "ف", "وال", "بال", "لل", "فال", "س", "ك"]
SUFFIXES = ["", "ة", "ات", "ون", "ين", "ها", "هم", "نا", "كم", "ي", "ان", "تين"]


def distinct_words_article(size: int, words: int = 26_000, seed: int = 7) -> tuple[str, int]:
    """A text of `size` bytes drawn from `words` distinct words: the samples' Arabic words with
    clitics and suffixes, in paragraphs of 40-120 words with some punctuation."""
    stems = sorted(
        {
            w.strip(".,،؛:!?«»\"'()")
            for p in SAMPLES
            for w in p.read_text(encoding="utf-8").split()
            if any("\u0621" <= ch <= "\u064a" for ch in w)
        }
    )
    rng = random.Random(seed)
    vocabulary: set[str] = set()
    while len(vocabulary) < words:
        vocabulary.add(rng.choice(PREFIXES) + rng.choice(stems) + rng.choice(SUFFIXES))
    vocab = sorted(vocabulary)
    rng.shuffle(vocab)
    parts: list[str] = []
    used = 0
    total = 0
    while total < size:
        paragraph = []
        for _ in range(rng.randint(40, 120)):
            word = vocab[used % len(vocab)] if used < len(vocab) else rng.choice(vocab)
            used += 1
            paragraph.append(word + (rng.choice("،.") if rng.random() < 0.08 else ""))
        line = " ".join(paragraph)
        parts.append(line)
        total += len(line.encode("utf-8")) + 2
    text = "\n\n".join(parts).encode("utf-8")[:size].decode("utf-8", errors="ignore")
    distinct = len({w.strip("،.") for w in text.split()})
    return text, distinct


def stats(values: list[float], unit: str = "ms", scale: float = 1e3) -> str:
    return (
        f"median {statistics.median(values) * scale:.1f} {unit} "
        f"(min {min(values) * scale:.1f}, max {max(values) * scale:.1f}, {len(values)} runs)"
    )


_FIRST_SCREEN = """
import json, resource, sys, time
t0 = time.perf_counter()
from reader.text import DocumentLayout
text = open(sys.argv[1], encoding="utf-8").read()
t1 = time.perf_counter()
layout = DocumentLayout(text, 100)
lines = [layout.line(y) for y in range(50)]
t2 = time.perf_counter()
assert all(line is not None for line in lines)
print(json.dumps({"read": t1 - t0, "first_screen": t2 - t1,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def first_screen(path: Path, runs: int) -> None:
    found = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _FIRST_SCREEN, str(path)], capture_output=True, text=True, check=True, env=ENV
        )
        found.append(json.loads(out.stdout))
    print(f"    first screen (50 lines, width 100): {stats([f['first_screen'] for f in found])}")
    print(
        f"    peak RSS of that process (text read, first screen laid out): "
        f"{statistics.median(f['rss_mb'] for f in found):.0f} MB"
    )


def paging(text: str, runs: int) -> None:
    """A page down (40 lines) and the cursor's position after it, at the start, middle and end."""
    for where, fraction in (("start", 0.0), ("middle", 0.5), ("end", 0.97)):
        times = []
        for _ in range(runs):
            layout = DocumentLayout(text, 100)
            offset = int(len(text) * fraction)
            y, _ = layout.position_of(offset)
            for _ in range(20):  # 20 pages down, each timed
                t0 = time.perf_counter()
                y += 40
                line = None
                for k in range(40):  # the screen after the move
                    line = layout.line(y + k) or line
                if line is not None:
                    layout.position_of(line.start)
                times.append(time.perf_counter() - t0)
        print(f"    page down + screen at the {where:6s}: {stats(times)}")


def timed(cmd: list[str], out: Path) -> float:
    with open(out, "wb") as sink:
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=sink, check=True, env=ENV)
        return time.perf_counter() - t0


def cat_beside_fribidi(path: Path, runs: int) -> None:
    """reader cat and fribidi in turn (A B A B...), so a change in the machine's load moves both."""
    sink = path.with_suffix(".out")
    reader = [sys.executable, "-m", "reader.cli", "cat", str(path), "--width", "80"]
    fribidi = shutil.which("fribidi")
    timed(reader, sink)  # warm-up (bytecode cache, file cache)
    ours, ours_json, theirs = [], [], []
    for _ in range(runs):
        ours.append(timed(reader, sink))
        ours_json.append(timed([*reader, "--json"], sink))
        if fribidi:
            theirs.append(timed([fribidi, "--nobreak", str(path)], sink))
    print(f"    reader cat:        {stats(ours)}")
    print(f"    reader cat --json: {stats(ours_json)}")
    if not theirs:
        print("    fribidi not installed (Debian package libfribidi-bin): no reference figure")
        return
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    ratios_json = [a / b for a, b in zip(ours_json, theirs, strict=True)]
    print(f"    fribidi --nobreak: {stats(theirs)}")
    print(
        f"    -> reader cat / fribidi, run by run: median {statistics.median(ratios):.1f}x "
        f"(min {min(ratios):.1f}, max {max(ratios):.1f}); --json: median {statistics.median(ratios_json):.1f}x;"
        " target: within 20x"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.1f}, levels from {backend()}")
    subprocess.run([sys.executable, "-c", "import reader.cli, reader.commands.cat"], check=True, env=ENV)
    with tempfile.TemporaryDirectory(prefix="layout-bench-") as tmpdir:
        tmp = Path(tmpdir)
        big = article(10_000_000)
        single = one_paragraph(10_000_000)
        for name, text in (("10 MB article in paragraphs", big), ("10 MB article in ONE paragraph", single)):
            path = tmp / "big.txt"
            path.write_text(text, encoding="utf-8")
            print(f"\n(a) {name} ({len(text):,} characters)")
            first_screen(path, args.runs)
            print(f"(b) {name}")
            paging(text, max(1, args.runs // 2))

        small = tmp / "article-1mb.txt"
        small.write_text(article(1_000_000), encoding="utf-8")
        distinct = len(set(small.read_text(encoding="utf-8").split()))
        print(f"\n(c) 1 MB article of the samples ({distinct:,} distinct words)")
        cat_beside_fribidi(small, args.runs)
        text, distinct = distinct_words_article(1_000_000)
        varied = tmp / "article-distinct.txt"
        varied.write_text(text, encoding="utf-8")
        print(f"\n(c) 1 MB article of {distinct:,} distinct words")
        cat_beside_fribidi(varied, args.runs)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\n(this script's own peak RSS: {usage.ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
