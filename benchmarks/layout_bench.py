"""Layout engine figures: first screen of a 10 MB article, and `reader cat` throughput beside fribidi.

Run: python benchmarks/layout_bench.py   (prints figures; it asserts nothing)
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.text import DocumentLayout

SAMPLES = sorted((Path(__file__).parents[1] / "samples").glob("*.txt"))


def article(size: int) -> str:
    """All the samples, repeated until the text has `size` UTF-8 bytes."""
    base = "\n\n".join(p.read_text(encoding="utf-8").strip("\n") for p in SAMPLES) + "\n\n"
    copies = size // len(base.encode("utf-8")) + 1
    text = base * copies
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def first_screen(text: str, width: int = 100, lines: int = 50) -> float:
    t0 = time.perf_counter()
    layout = DocumentLayout(text, width)
    for y in range(lines):
        layout.line(y)
    return time.perf_counter() - t0


def timed(cmd: list[str], stdout_path: Path) -> float:
    with open(stdout_path, "wb") as out:
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=out, check=True)
        return time.perf_counter() - t0


def main() -> None:
    big = article(10_000_000)
    runs = [first_screen(big) for _ in range(5)]
    print(
        f"first screen (50 lines, width 100) of a {len(big.encode()) / 1e6:.1f} MB article: "
        f"median {statistics.median(runs) * 1000:.1f} ms (min {min(runs) * 1000:.1f}, max {max(runs) * 1000:.1f})"
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article-1mb.txt"
        path.write_text(article(1_000_000), encoding="utf-8")
        sink = Path(tmp) / "out"
        reader = [sys.executable, "-m", "reader.cli", "cat", str(path), "--width", "80"]
        ours = min(timed(reader, sink) for _ in range(3))
        ours_json = min(timed([*reader, "--json"], sink) for _ in range(3))
        print(f"reader cat, 1 MB article, width 80: {ours:.2f} s ({1 / ours:.2f} MB/s); with --json: {ours_json:.2f} s")
        fribidi = shutil.which("fribidi")
        if fribidi:
            theirs = min(timed([fribidi, "--nobreak", str(path)], sink) for _ in range(3))
            print(
                f"fribidi --nobreak, same file: {theirs:.3f} s -> reader cat takes {ours / theirs:.0f}x"
                " fribidi's time (target: within 10x)"
            )
        else:
            print("fribidi not installed (Debian package libfribidi-bin): no reference figure")


if __name__ == "__main__":
    main()
