"""Embedding levels from ICU's ubidi (the C library most systems already have), through ctypes.

ICU exposes the levels the layout needs directly, with no text to render and no dump to parse, which
makes it the fast path; bidi_levels.py decides when it may be used. Loading never fails loudly: if no
ICU library with ubidi can be found, :func:`load` returns None and python-bidi does all the work.

ICU renames its symbols per major version on most Linux builds (``ubidi_open_72``), and not at all
on macOS (``libicucore``) or Windows (``icu.dll``); both spellings are tried.
"""

from __future__ import annotations

import ctypes
import re
import sys
import threading
from collections.abc import Iterator
from typing import Any

_DEFAULT_LTR = 0xFE  # UBIDI_DEFAULT_LTR: level from the first strong character, left to right if none
_PARA_LEVEL = {"auto": _DEFAULT_LTR, "ltr": 0, "rtl": 1}
_U_UNASSIGNED = 0  # UCharCategory U_UNASSIGNED (also U_GENERAL_OTHER_TYPES)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# Major versions to try when the library name carries none (newest first).
_VERSIONS = range(99, 43, -1)


def _candidates() -> Iterator[str]:
    if sys.platform == "darwin":
        yield from ("/usr/lib/libicucore.dylib", "libicucore.dylib")
    elif sys.platform == "win32":
        yield from ("icu.dll", "icuuc.dll")
    else:
        yield from (f"libicuuc.so.{v}" for v in _VERSIONS)
        import ctypes.util  # slow to import and to run (it runs ldconfig): only as a last resort

        found = ctypes.util.find_library("icuuc")
        if found:
            yield found


def _symbol_suffix(lib: ctypes.CDLL, name: str) -> str | None:
    """ "" or "_NN": how this build spells ICU's function names."""
    hinted = re.search(r"\.so\.(\d+)", name)
    suffixes = [""] + ([f"_{hinted.group(1)}"] if hinted else []) + [f"_{v}" for v in _VERSIONS]
    for suffix in suffixes:
        if hasattr(lib, "ubidi_open" + suffix):
            return suffix
    return None


class IcuBidi:
    """ubidi bound through ctypes: one UBiDi object per thread (ubidi objects are not thread-safe)."""

    def __init__(self, lib: ctypes.CDLL, suffix: str, name: str) -> None:
        self.name = name

        def fn(symbol: str, restype: Any, *argtypes: Any) -> Any:
            f = getattr(lib, symbol + suffix)
            f.restype = restype
            f.argtypes = list(argtypes)
            return f

        err = ctypes.POINTER(ctypes.c_int)
        self._open = fn("ubidi_open", ctypes.c_void_p)
        self._close = fn("ubidi_close", None, ctypes.c_void_p)
        handle, text, length, level = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_uint8
        self._set_para = fn("ubidi_setPara", None, handle, text, length, level, ctypes.c_void_p, err)
        self._get_levels = fn("ubidi_getLevels", ctypes.c_void_p, ctypes.c_void_p, err)
        self._get_para_level = fn("ubidi_getParaLevel", ctypes.c_uint8, ctypes.c_void_p)
        self._char_type = fn("u_charType", ctypes.c_int8, ctypes.c_int32)
        self._local = threading.local()

    def _handle(self) -> int:
        handle: int | None = getattr(self._local, "handle", None)
        if handle is None:
            handle = self._open()
            if not handle:
                raise MemoryError("ubidi_open failed")
            self._local.handle = handle
            # Closed when the thread's local storage goes away.
            self._local.closer = _Closer(self._close, handle)
        return handle

    def assigned(self, ch: str) -> bool:
        """Whether ICU's Unicode data knows the character (its bidi class is not a default)."""
        return int(self._char_type(ord(ch))) != _U_UNASSIGNED

    def levels(self, text: str, direction: str) -> tuple[bytes, int] | None:
        """One level per code point and the paragraph level; None if ICU reports an error."""
        encoded = text.encode("utf-16-le", "surrogatepass")
        units = len(encoded) // 2
        handle = self._handle()
        error = ctypes.c_int(0)
        self._set_para(handle, encoded, units, _PARA_LEVEL[direction], None, ctypes.byref(error))
        if error.value > 0:
            return None
        pointer = self._get_levels(handle, ctypes.byref(error))
        if error.value > 0 or not pointer:
            return None
        levels = ctypes.string_at(pointer, units)
        if units != len(text):  # characters beyond the BMP take two UTF-16 units: keep the first
            parts: list[bytes] = []
            pos = unit = 0
            for match in _ASTRAL.finditer(text):
                i = match.start()
                parts.append(levels[unit : unit + i - pos + 1])
                unit += i - pos + 2
                pos = i + 1
            parts.append(levels[unit:])
            levels = b"".join(parts)
        return levels, int(self._get_para_level(handle))


class _Closer:
    def __init__(self, close: Any, handle: int) -> None:
        self._close = close
        self._handle = handle

    def __del__(self) -> None:
        self._close(self._handle)


def load() -> IcuBidi | None:
    """ICU's ubidi, or None if no usable ICU library is installed."""
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        suffix = _symbol_suffix(lib, name)
        if suffix is None:
            continue
        try:
            return IcuBidi(lib, suffix, name)
        except AttributeError:
            continue
    return None
