"""The journal: the actions since the main file was last written, one checksummed line each.

Every line is ``{"e":PAYLOAD,"c":"CRC"}`` where ``CRC`` is a CRC-32 (8 hex digits) of the exact
bytes of ``PAYLOAD``, a JSON object. The first line is a header, ``{"op":"journal","seq":S,"chain":1}``:
the segment's number (format 2 wrote ``"g"``, the generation of the main file); its CRC is that of
its payload alone. With ``"chain":1`` the frames are chained: each later line's CRC is computed
starting from the previous line's CRC (``zlib.crc32(payload, previous)``), so each line vouches for
every line before it. So:

* a line altered on disk that still parses as JSON fails its checksum and is reported (line number);
* a whole line removed, or lines swapped or repeated, breaks the chain at the next line: reported;
* an empty segment is damage (a segment always starts with its header); a segment the user gives up
  on purpose holds the single word ``discard`` (:data:`DISCARD`);
* a torn last line (no end of line: a kill in the middle of an append, whose call never returned)
  is not an entry, and is cut off by the next append;
* any other bad line is damage: reading stops with :class:`JournalDamage`, nothing is dropped.

The interface is small on purpose (as SQLite keeps its write-ahead log in ``wal.c``):
:func:`read_journal` parses a journal file, :func:`encode_entry` and :func:`parse_complete` make and
read lines (the store appends them under its lock), :func:`rotate` seals the active segment so that a
fold can absorb it while appends go on.

Format-1 stores wrote lines ``{"g":G,"op":"ann","rec":{...}}`` without header or checksum; they are
read (``legacy=True``) so an old store opens, and replaced by the new form at its first write.
Segments written before the chain (a header without ``"chain"``) are read as they are, each line
checked on its own; a writable open seals such an active segment, so new actions go to a chained one.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.store.atomic import atomic_write_bytes, fsync_dir

_PREFIX = b'{"e":'
_SUFFIX_LEN = len(b',"c":"00000000"}')


class JournalDamage(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


CHAIN = 1  # the header's "chain": how later frames' checksums are linked (absent: not linked)
DISCARD = b"discard"  # what a segment given up on purpose holds


def _crc(payload: bytes, prev: int | None) -> int:
    return zlib.crc32(payload) if prev is None else zlib.crc32(payload, prev)


def encode_frame(entry: dict[str, Any], prev: int | None) -> tuple[bytes, int]:
    """One journal line for ``entry`` and its CRC; ``prev`` is the previous line's CRC in a chained
    segment (None: a header, or a segment without a chain)."""
    payload = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    crc = _crc(payload, prev)
    return b'{"e":' + payload + b',"c":"' + f"{crc:08x}".encode() + b'"}\n', crc


def encode_entry(entry: dict[str, Any]) -> bytes:
    """A line checked on its own (a header, or a segment without a chain)."""
    return encode_frame(entry, None)[0]


def decode_entry(line: bytes) -> dict[str, Any]:
    """One journal line checked on its own (without its end of line) -> its entry; ValueError if damaged."""
    return decode_frame(line, None)[0]


def chain_start(head: dict[str, Any], crc: int) -> int | None:
    """What the line after a segment's header chains from: its CRC, or None for an unchained segment."""
    return crc if head.get("chain") == CHAIN else None


def decode_frame(line: bytes, prev: int | None) -> tuple[dict[str, Any], int]:
    """One journal line (without its end of line) -> its entry and CRC; ValueError if damaged. ``prev``:
    the previous line's CRC in a chained segment."""
    if not line.startswith(_PREFIX) or len(line) < len(_PREFIX) + _SUFFIX_LEN:
        raise ValueError("not a journal entry")
    payload, tail = line[len(_PREFIX) : -_SUFFIX_LEN], line[-_SUFFIX_LEN:]
    if not (tail.startswith(b',"c":"') and tail.endswith(b'"}')):
        raise ValueError("not a journal entry")
    crc = _crc(payload, prev)
    if tail[6:14] != f"{crc:08x}".encode():
        if prev is not None:
            raise ValueError(
                "checksum mismatch (the line was changed or damaged, or a line before it was removed or moved)"
            )
        raise ValueError("checksum mismatch (the line was changed or damaged)")
    try:
        entry = json.loads(payload.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8") from exc
    if not isinstance(entry, dict) or not isinstance(entry.get("op"), str):
        raise ValueError("entry without an operation")
    return entry, crc


@dataclass(slots=True)
class JournalContents:
    header: dict[str, Any] | None  # None: an empty file, or a format-1 journal
    entries: list[dict[str, Any]] = field(default_factory=list)
    torn_tail: int = 0  # bytes of an unfinished last line (a killed append)
    legacy: bool = False
    discarded: bool = False  # the segment holds DISCARD: its actions were given up on purpose


def read_journal(path: Path, *, legacy: bool = False) -> JournalContents | None:
    """The journal at ``path``, or None if there is none. Raises JournalDamage or OSError."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    lines = raw.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with an end of line
    out = JournalContents(None, torn_tail=len(tail), legacy=legacy)
    if legacy:
        return _read_legacy(lines, tail, out)
    if raw.strip() == DISCARD:
        out.discarded, out.torn_tail = True, 0
        return out
    if not raw:
        raise JournalDamage(1, "the segment is empty (it was truncated: a segment always starts with its header)")
    prev: int | None = None
    for n, line in enumerate(lines, 1):
        try:
            entry, crc = decode_frame(line, prev)
        except ValueError as exc:
            raise JournalDamage(n, str(exc)) from None
        if n == 1:
            if entry.get("op") != "journal" or not isinstance(entry.get("seq", entry.get("g")), int):
                raise JournalDamage(1, "no journal header")
            out.header = entry
            prev = chain_start(entry, crc)
        else:
            out.entries.append(entry)
            prev = crc if prev is not None else None
    if out.header is None and tail:
        out.torn_tail = len(raw)
    return out


def _read_legacy(lines: list[bytes], tail: bytes, out: JournalContents) -> JournalContents:
    if tail:
        lines.append(tail)
    out.torn_tail = 0
    for n, line in enumerate(lines, 1):
        try:
            entry = json.loads(line.decode("utf-8"))
            if not isinstance(entry, dict) or entry.get("op") != "ann" or not isinstance(entry.get("rec"), dict):
                raise ValueError("not a journal entry")
        except (ValueError, UnicodeDecodeError) as exc:
            if n == len(lines):
                out.torn_tail = len(line) + (0 if line is tail else 1)
                break  # format 1 dropped a bad last line (a torn write)
            raise JournalDamage(n, str(exc)) from None
        out.entries.append(entry)
    return out


# ---- segments: the journal is rotated before a fold, so appends never wait for one
#
# ``PATH.journal`` is the active segment, its header ``{"op":"journal","seq":S}``. A rotation seals it
# as ``PATH.journal.S`` and starts ``PATH.journal`` with ``seq`` S+1, in three steps that a crash can
# interrupt anywhere: the new segment is written whole as ``PATH.journal.next``, the active one is
# renamed to its sealed name, the new one renamed into place. A missing ``PATH.journal`` beside a
# ``PATH.journal.next`` is such an interrupted rotation (finished by the next writer); missing
# without one, it was deleted. The manifest names the last sealed segment folded into the shards.


def header(seq: int) -> dict[str, Any]:
    return {"op": "journal", "seq": seq, "chain": CHAIN}


def segment_path(active: Path, seq: int) -> Path:
    return active.with_name(f"{active.name}.{seq}")


def next_path(active: Path) -> Path:
    return active.with_name(active.name + ".next")


def sealed_segments(active: Path) -> list[tuple[int, Path]]:
    prefix = active.name + "."
    out = []
    for p in active.parent.iterdir():
        rest = p.name[len(prefix) :] if p.name.startswith(prefix) else ""
        if rest.isdigit():
            out.append((int(rest), p))
    return sorted(out)


def create(active: Path, seq: int) -> None:
    atomic_write_bytes(active, encode_entry(header(seq)))


def prepare_next(active: Path, seq: int) -> None:
    """Write segment ``seq + 1``'s header as ``PATH.journal.next`` ahead of a rotation (outside the
    append lock: the rotation itself is then two renames and one directory fsync)."""
    atomic_write_bytes(next_path(active), encode_entry(header(seq + 1)))


def _next_ready(active: Path, seq: int) -> bool:
    try:
        raw = next_path(active).read_bytes()
        return decode_entry(raw.rstrip(b"\n")) == header(seq + 1)
    except (OSError, ValueError):
        return False


def rotate(active: Path, seq: int) -> None:
    """Seal the active segment (whose header says ``seq``) and start segment ``seq + 1``."""
    nxt = next_path(active)
    if not _next_ready(active, seq):
        atomic_write_bytes(nxt, encode_entry(header(seq + 1)))
    os.rename(active, segment_path(active, seq))
    os.rename(nxt, active)
    fsync_dir(active.parent)


def finish_rotation(active: Path) -> bool:
    """Complete a rotation a crash interrupted; True if there was one."""
    nxt = next_path(active)
    if active.exists() or not nxt.exists():
        return False
    os.rename(nxt, active)
    fsync_dir(active.parent)
    return True


def parse_complete(raw: bytes, first_line: int, prev: int | None) -> tuple[list[dict[str, Any]], int, int | None]:
    """The entries of the complete lines of ``raw`` (a piece of a journal starting at a line boundary,
    line ``first_line``), the number of bytes they take and the chain's CRC after them; an unfinished
    last line is left for later. ``prev``: the CRC the next line chains from (None: unchained; from
    line 1, the header says). Raises JournalDamage for a bad complete line."""
    end = raw.rfind(b"\n") + 1
    entries = []
    if end:
        for n, line in enumerate(raw[: end - 1].split(b"\n"), first_line):
            try:
                entry, crc = decode_frame(line, None if n == 1 else prev)
            except ValueError as exc:
                raise JournalDamage(n, str(exc)) from None
            entries.append(entry)
            prev = chain_start(entry, crc) if n == 1 else (crc if prev is not None else None)
    return entries, end, prev
