"""Reading files a user hands us (articles, imports, label schemas, gazetteers): one place, one set of
messages.

Every failure is a :class:`~annotations.errors.UserError` naming the file (and the line or byte where
it applies) and saying what is wrong -- never a traceback, never a misleading "no such file":

* missing path, a directory where a file is expected, no permission, a symbolic-link loop;
* a device (``/dev/zero``), socket or other non-file is refused; a FIFO (a named pipe, ``<(…)``) is read
  as a stream;
* invalid UTF-8 is reported with its line and byte; a UTF-8 byte order mark at the start is dropped;
* JSON values are checked for what Python's ``json`` accepts but nothing downstream can hold: lone
  surrogates (``"\\ud800"``), ``NaN``/``Infinity`` and numbers that overflow (``1e999``), integers
  beyond 64 bits, and nesting deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from annotations.errors import UserError

BOM = b"\xef\xbb\xbf"
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
_INT_LIMIT = 2**63


def describe_os_error(exc: OSError, what: str = "read") -> str:
    """A short, specific reason for an OSError (without the path, which the caller names)."""
    code = exc.errno
    if code == errno.ENOENT:
        return "no such file or directory"
    if code == errno.EISDIR:
        return "is a directory, expected a file"
    if code == errno.ENOTDIR:
        return "a part of the path is not a directory"
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied (cannot {what} it)"
    if code == errno.ELOOP:
        return "symbolic link loop (the link points, in the end, to itself)"
    if code == errno.ENOSPC:
        return "no space left on the device"
    if code == errno.EDQUOT:
        return "disk quota exceeded"
    if code == errno.EROFS:
        return "read-only file system"
    if code == errno.ENAMETOOLONG:
        return "file name too long"
    return f"cannot {what}: {exc.strerror or exc}"


def check_readable_file(path: str | os.PathLike[str]) -> os.stat_result:
    """The stat of ``path`` if it can be read as a file (regular file or FIFO); UserError otherwise."""
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except OSError as exc:
        raise UserError(describe_os_error(exc), path=name) from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise UserError("is a directory, expected a file", path=name)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise UserError("is a device, not a file", path=name)
    if stat.S_ISSOCK(mode):
        raise UserError("is a socket, not a file", path=name)
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise UserError("is not a regular file", path=name)
    return st


@contextmanager
def open_binary(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """``path`` opened for reading bytes, after :func:`check_readable_file`."""
    name = os.fspath(path)
    check_readable_file(name)
    try:
        fh = open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UserError(describe_os_error(exc), path=name) from None
    with fh:
        yield fh


def decode(data: bytes, name: str, *, line: int | None = None, offset: int = 0) -> str:
    """UTF-8 ``data`` as text; UserError naming the byte (and line) of the first bad sequence."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        if line is None:
            line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(
            f"invalid UTF-8 at byte {offset + exc.start} (0x{bad}): the file must be UTF-8 text",
            path=name,
            line=line,
        ) from None


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    name = os.fspath(path)
    with open_binary(name) as fh:
        try:
            return fh.read()
        except OSError as exc:
            raise UserError(describe_os_error(exc), path=name) from None


def read_text(path: str | os.PathLike[str]) -> str:
    """The whole file as text: UTF-8, a leading BOM dropped."""
    name = os.fspath(path)
    data = read_bytes(name)
    if data.startswith(BOM):
        data = data[len(BOM) :]
    return decode(data, name)


def iter_lines(fh: IO[bytes], name: str) -> Iterator[tuple[int, int, bytes]]:
    """``(line number, byte offset, raw line)`` of a binary file; the BOM of line 1 is dropped."""
    offset = 0
    for lineno, raw in enumerate(fh, 1):
        start = offset
        offset += len(raw)
        if lineno == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
            start += len(BOM)
        yield lineno, start, raw


@contextmanager
def open_text_lines(path: str | os.PathLike[str]) -> Iterator[Iterator[str]]:
    """The file's lines as text (streamed; invalid UTF-8 reported with its line), BOM dropped."""
    name = os.fspath(path)
    with open_binary(name) as fh:

        def lines() -> Iterator[str]:
            try:
                for lineno, start, raw in iter_lines(fh, name):
                    yield decode(raw, name, line=lineno, offset=start)
            except OSError as exc:
                raise UserError(describe_os_error(exc), path=name) from None

        yield lines()


# ----------------------------------------------------------------------------------------------------
# JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is too large")
    return value


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(text: str) -> Any:
    """``json.loads`` that refuses NaN/Infinity and overflowing numbers, and lone surrogates (a
    ``\\ud800`` escape without its pair: not a character, and nothing can write it as UTF-8); raises
    ValueError with the reason (RecursionError for absurd nesting becomes a ValueError too).

    Decoded UTF-8 never holds a surrogate, so the value is searched for one only when the JSON text
    has a surrogate escape."""
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if _ESCAPED_SURROGATE.search(text) is not None:
        where = find_lone_surrogate(value)
        if where is not None:
            raise ValueError(f"lone surrogate in {where} (an escape like \\ud800 without its pair is not a character)")
    return value


def find_lone_surrogate(value: Any) -> str | None:
    """Where in a decoded JSON value a string holds a lone surrogate (``"meta" > "title"``), or None."""
    stack: list[tuple[Any, str]] = [(value, "the record")]
    while stack:
        v, where = stack.pop()
        if isinstance(v, str):
            if _SURROGATE.search(v) is not None:
                return where
        elif isinstance(v, dict):
            for k, item in v.items():
                at = f'"{k}"' if where == "the record" else f'{where} > "{k}"'
                if _SURROGATE.search(k) is not None:
                    return f"a key of {where}"
                stack.append((item, at))
        elif isinstance(v, list):
            stack.extend((item, f"{where} #{i + 1}") for i, item in enumerate(v))
    return None


def check_value(value: Any, what: str, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise UserError if a decoded JSON value holds a lone surrogate, an integer beyond 64 bits or
    nesting deeper than ``max_depth`` (iteratively: depth itself cannot overflow the stack)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, str):
            check_string(v, what)
        elif isinstance(v, bool) or v is None or isinstance(v, float):
            continue
        elif isinstance(v, int):
            if not -_INT_LIMIT <= v < _INT_LIMIT:
                raise UserError(f"{what}: number {str(v)[:20]}… does not fit in 64 bits")
        elif isinstance(v, dict | list):
            if depth >= max_depth:
                raise UserError(f"{what}: nested deeper than {max_depth} levels")
            items = v.items() if isinstance(v, dict) else enumerate(v)
            for k, item in items:
                if isinstance(k, str):
                    check_string(k, what)
                stack.append((item, depth + 1))


def check_string(s: str, what: str) -> None:
    """UserError if ``s`` holds a lone surrogate (it cannot be written as UTF-8 anywhere)."""
    m = _SURROGATE.search(s)
    if m is not None:
        raise UserError(f"{what}: lone surrogate \\u{ord(m.group()):04x} (not a character; the file was made wrongly)")


def path_kind(path: Path) -> str:
    """'file', 'dir', 'fifo' or 'other' without following errors into exceptions."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "missing"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "fifo"
    return "other"
