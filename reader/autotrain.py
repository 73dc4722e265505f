"""Background retraining for the app (``reader --auto-train N``).

After every N documents the annotator newly accepts, the model is trained again by ``reader train``
run as a child process: training is CPU work in Python and C that would hold the interpreter lock,
so it never runs in the app's process, and a key press is never kept waiting by it. The app's worker
thread only waits for the child. The model goes to ``--model-dir`` (default: STORE-model next to the
store, as for ``reader train``); its held-out F1 is shown on the status line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AutoTrain", "Trained"]


@dataclass(frozen=True, slots=True)
class Trained:
    """The outcome of one retraining: the model's F1, or why there is no model (yet)."""

    f1: float | None
    documents: int
    message: str

    @property
    def status(self) -> str:
        if self.f1 is None:
            return f"model: {self.message}"
        return f"model F1 {self.f1:.2f} ({self.documents} docs)"


@dataclass(slots=True)
class AutoTrain:
    store: Path
    every: int
    out: Path
    labels: str | None = None
    accepted_since: int = 0  # documents accepted since the last training started
    running: bool = False

    def count_accept(self) -> bool:
        """Note one newly accepted document; True when a retraining is due (and none is running)."""
        self.accepted_since += 1
        return self.due()

    def due(self) -> bool:
        return not self.running and self.accepted_since >= self.every

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "reader.cli", "train", "--store", str(self.store), "--out", str(self.out)]
        cmd.append("--no-curve")
        if self.labels:
            cmd += ["--labels", self.labels]
        return cmd

    def run(self) -> Trained:
        """Train once (blocking: call it from a worker thread)."""
        self.running = True
        self.accepted_since = 0
        try:
            done = subprocess.run(self.command(), capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
        except OSError as exc:
            return Trained(None, 0, f"cannot start training ({exc.strerror})")
        finally:
            self.running = False
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["training failed"])[-1]
            return Trained(None, 0, last.removeprefix("reader: error: ")[:200])
        return self.current() or Trained(None, 0, "no model description written")

    def current(self) -> Trained | None:
        """The model already in the model directory (from an earlier session), if any."""
        try:
            info = json.loads((self.out / "model.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            return Trained(None, 0, f"unreadable model description ({exc})")
        try:
            return Trained(float(info["evaluation"]["micro"]["f1"]), int(info["documents"]), "trained")
        except (KeyError, TypeError, ValueError) as exc:
            return Trained(None, 0, f"unreadable model description ({exc!r})")
