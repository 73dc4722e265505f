"""Files that are only ever replaced whole: write a temporary file beside the target, fsync it,
rename it over the target, fsync the directory. A reader sees the old file or the new one, never
a mix, and a crash at any moment leaves one of the two."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage


def fsync_dir(directory: str | os.PathLike[str]) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def owned_prefix(target_name: str) -> str:
    """The name prefix of a temporary file or directory this process makes beside ``target_name``:
    ``.NAME.PID.`` -- so a later run can tell whether its writer is still alive."""
    return f".{target_name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: alive
    return True


def remove_stale_temps(directory: Path, target_name: str) -> list[Path]:
    """Remove the temporary files and directories (``.NAME.PID.*.tmp``, see :func:`owned_prefix`, and
    ``.NAME.tmp-PID``, see :func:`temp_path`) that a killed writer of ``target_name`` left in
    ``directory``; those of a live process stay."""
    removed: list[Path] = []
    prefix = f".{target_name}."
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for p in entries:
        rest = p.name[len(prefix) :] if p.name.startswith(prefix) else ""
        if rest.startswith("tmp-"):
            pid = rest[4:]
        elif rest.endswith(".tmp") and "." in rest:
            pid = rest.split(".", 1)[0]
        else:
            continue
        if not pid.isdigit() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
    return removed


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically and durably."""
    tmp = temp_path(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_tables(path: Path, tables: dict[str, Iterable[tuple[str, Any]]]) -> None:
    """Write a TinyDB-layout JSON file atomically, streaming each record (no full dump in memory).

    One record per line, so the file stays readable and diffable."""
    tmp = temp_path(path)
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write("{")
            for t, (name, rows) in enumerate(tables.items()):
                f.write(("," if t else "") + json.dumps(name) + ":{")
                for i, (key, value) in enumerate(rows):
                    f.write(("," if i else "") + "\n" + json.dumps(key) + ":")
                    f.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
                f.write("}")
            f.write("}\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads UTF-8 JSON and rewrites the file atomically (never in place):
    ``TinyDB(path, storage=AtomicJSONStorage)`` reads a store's main file."""

    def __init__(self, path: str | os.PathLike[str], **_kwargs: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            with open(self.path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        data: dict[str, dict[str, Any]] = json.loads(text)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_tables(self.path, {name: table.items() for name, table in data.items()})

    def close(self) -> None:
        pass
