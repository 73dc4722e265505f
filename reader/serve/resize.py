"""Terminal sizes asked for by the browser: clamped to what a screen can show, and applied at most
once per ``interval`` (the last size asked for wins).

A browser window resized by dragging sends a burst of sizes; a hostile page can send thousands. Each
size the app gets makes it lay out and redraw the whole screen, and a 1000x1000 screen is megabytes
per frame, so both the size and the rate are bounded here, before the app sees anything.
400 columns and 200 rows is more than a 4K screen shows at the smallest readable font.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

MAX_COLUMNS = 400
MAX_ROWS = 200
RESIZE_INTERVAL = 0.15  # seconds between two sizes applied


def to_cells(value: object, high: int) -> int | None:
    """A size in cells from what the browser sent (an integer, or a string or float of one), clamped
    to 1..high; None if it is not a number at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        value = int(value)
    if isinstance(value, str):
        if len(value) > 12:
            return None
        try:
            value = int(value)
        except ValueError:
            return None
    if not isinstance(value, int):
        return None
    return max(1, min(high, value))


class ResizeCoalescer:
    """Passes sizes on to ``apply``: the first at once, then at most one per ``interval`` seconds,
    always the latest one asked for; a size equal to the one last applied is not applied again."""

    def __init__(
        self,
        apply: Callable[[int, int], Awaitable[None]],
        current: tuple[int, int],
        *,
        interval: float = RESIZE_INTERVAL,
    ) -> None:
        self._apply = apply
        self._applied = current
        self._interval = interval
        self._wanted: tuple[int, int] | None = None
        self._last = float("-inf")  # loop time of the last size applied
        self._task: asyncio.Task[None] | None = None

    def offer(self, columns: int, rows: int) -> None:
        self._wanted = (columns, rows)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._wanted is not None:
            wait = self._last + self._interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            size, self._wanted = self._wanted, None
            if size is None or size == self._applied:
                continue
            self._applied = size
            self._last = loop.time()
            await self._apply(*size)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
