"""The background fold, run in a process of its own.

A fold parses and rewrites shard files: tens of milliseconds of CPU per shard, seconds for a fold of
a million-document store whose actions were spread over thousands of shards. Run in a thread of the
annotator's process it would hold the interpreter lock for most of that time, and every action
(whose system calls give the lock away: stat, write, fsync, flock) would wait for it to come back.
So a writer's fold thread only starts ``python -m annotations.store.folding STORE`` and waits for it.
The child opens the store as one more writer (no annotator), folds the sealed journal segments under
``PATH.commit.lock`` (nothing if another process is folding already) and exits; the writers then
adopt the new manifest as they adopt any other process's fold. A child killed half-way is a crash in
the middle of a fold: its files are not named by the manifest and the next writer removes them.

If no child can be started (no interpreter to run), the caller folds in its own thread instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding the ``annotations`` package


class ChildFailed(Exception):
    """The fold process ran and failed (what it wrote on its error stream, last lines)."""


def fold_in_child(path: Path, commit_lock_fd: int) -> bool:
    """Fold the sealed segments of the store at ``path`` in a child process and wait for it. The
    caller holds ``PATH.commit.lock`` on ``commit_lock_fd``; the child inherits it.

    True when the child ran and succeeded; False when no child could be started (fold in-process
    instead); raises ChildFailed when it ran and failed (the journal still holds every action: the
    next rotation tries again)."""
    if not sys.executable:
        return False
    env = dict(os.environ)
    env["PYTHONPATH"] = _ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "annotations.store.folding", str(path), str(commit_lock_fd)],
            pass_fds=(commit_lock_fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,  # never the terminal: the app may be drawing on it
            env=env,
            check=False,
        )
    except OSError:
        return False
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ChildFailed(f"the fold process exited with {proc.returncode}: " + " | ".join(tail))
    return True


def main(argv: list[str]) -> int:
    from annotations.errors import UserError
    from annotations.store.store import Store

    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m annotations.store.folding STORE COMMIT_LOCK_FD", file=sys.stderr)
        return 2
    try:
        Store.fold_sealed_segments(argv[0], int(argv[1]))
    except UserError as exc:
        print(exc.describe(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{argv[0]}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
