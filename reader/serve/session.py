"""One browser connection = one `reader` app process working as one annotator.

textual-serve's AppService speaks the web driver's packet protocol with the app process; we keep
that and change how the process is made and what happens to its error output:

- the app is started from an argument list (never through a shell), as
  ``python -m reader.cli --store S --annotator=NAME ...`` where NAME is the name the connection's
  token belongs to: never anything the browser sent;
- the app's stderr is kept (up to a limit) and logged through ``terminal_safe``, since it may hold
  document text, ids or names;
- a process that does not quit when asked is killed after a grace period.

Start-up: the server keeps one warm spare process (reader/serve/spare.py: Python with the app
imported, waiting for its command line) and gives it to the next connection, then starts the next
spare; without a spare (two connections at once, or a spare that died) the app is started cold.

App processes die with the server: on Linux each is started with ``PR_SET_PDEATHSIG`` (the kernel
sends it SIGTERM when the server's process ends, however it ends, SIGKILL included), so a server
that crashed or was killed leaves no app holding its annotator's store lock, and a restarted server
lets everyone back in. Whatever an app had done is on disk already (every action is durable when
it returns). Elsewhere, an app outlives a killed server until its next write to the browser fails.

Sessions of one annotator: opening the app in a second tab (or reloading the page) ends the first
tab's session and then starts the new one, since the store refuses two writer processes under one
annotator name. The first tab shows "session ended".
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import io
import json
import logging
import os
import signal
import sys
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable, Sequence

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from reader.text.sanitize import terminal_safe

log = logging.getLogger("reader.serve")

STDERR_LIMIT = 64 * 1024
QUIT_GRACE = 10.0  # seconds an app has to quit (and close its store) before it is killed


def app_args(store: str, annotator: str, extra: Sequence[str] = ()) -> list[str]:
    """The `reader` arguments of one annotator's app. ``--annotator=NAME`` (one argument) keeps a
    name that starts with ``-`` a value."""
    return ["--store", store, f"--annotator={annotator}", *extra]


async def _ignore(*_args: object) -> None:
    return None


def app_environment(width: int, height: int) -> dict[str, str]:
    """The environment textual-serve gives an app process (the web driver, true colour, the size)."""
    service = AppService("", write_bytes=_ignore, write_str=_ignore, close=_ignore, download_manager=DownloadManager())
    return service._build_environment(width=width, height=height)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with(parent: int) -> Callable[[], None] | None:
    """What a child runs before it execs the app (Linux only): ask the kernel to send it SIGTERM
    when ``parent`` (the server) ends, then check the server did not end before that took hold.
    It runs between fork and exec, so it only makes system calls (no locks, no imports)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def in_child() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the server died between fork and prctl
            os._exit(1)

    return in_child


async def _spawn(argv: Sequence[str], width: int, height: int) -> Process:
    return await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=app_environment(width, height),
        preexec_fn=_die_with(os.getpid()),
    )


class Spares:
    """At most one warm spare process (see the module's docstring). ``python``: the interpreter."""

    def __init__(self, python: str, *, enabled: bool = True) -> None:
        self.python = python
        self.enabled = enabled
        self._spare: Process | None = None
        self._starting: asyncio.Task[None] | None = None
        self._closed = False

    def refill(self) -> None:
        """Start a new spare in the background, unless one is there or starting."""
        if not self.enabled or self._closed or self._spare is not None:
            return
        if self._starting is None or self._starting.done():
            self._starting = asyncio.create_task(self._start())

    async def _start(self) -> None:
        try:
            spare = await _spawn([self.python, "-m", "reader.serve.spare"], 80, 24)
        except OSError as exc:
            log.warning("cannot start a spare app process: %s", terminal_safe(exc))
            return
        if self._closed:
            await self._end(spare)
        else:
            self._spare = spare

    def take(self) -> Process | None:
        """The spare, if one is ready and alive (then the next one starts)."""
        spare, self._spare = self._spare, None
        if spare is not None and spare.returncode is not None:
            spare = None
        self.refill()
        return spare

    @staticmethod
    async def _end(spare: Process) -> None:
        if spare.stdin is not None:
            spare.stdin.close()  # end of input: the spare exits
        try:
            await asyncio.wait_for(spare.wait(), QUIT_GRACE)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                spare.kill()
            await spare.wait()

    async def close(self) -> None:
        self._closed = True
        if self._starting is not None:
            with contextlib.suppress(Exception):
                await self._starting
        spare, self._spare = self._spare, None
        if spare is not None:
            await self._end(spare)


class AppProcess(AppService):
    """One app process (see the module's docstring for what differs from textual-serve's)."""

    def __init__(
        self,
        python: str,
        args: list[str],
        annotator: str,
        *,
        spares: Spares | None = None,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[object]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            python,
            write_bytes=write_bytes,
            write_str=write_str,
            close=self._close_remote,
            download_manager=download_manager,
        )
        self._close = close
        self.python = python
        self.args = args
        self.annotator = annotator
        self.spares = spares

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        process = await self._warm(width, height)
        if process is None:
            process = await _spawn([self.python, "-m", "reader.cli", *self.args], width, height)
        assert process.stdin is not None
        self._process = process
        self._stdin = process.stdin
        return process

    async def _warm(self, width: int, height: int) -> Process | None:
        spare = self.spares.take() if self.spares is not None else None
        if spare is None or spare.stdin is None:
            return None
        request = json.dumps({"args": self.args, "columns": width, "rows": height}) + "\n"
        try:
            spare.stdin.write(request.encode("utf-8"))
            await spare.stdin.drain()
        except (ConnectionError, RuntimeError):
            with contextlib.suppress(ProcessLookupError):
                spare.kill()
            return None
        return spare

    async def _close_remote(self) -> None:
        await self._close()

    @property
    def process(self) -> Process | None:
        return self._process

    async def run(self) -> None:
        """Relay the app's packets to the browser until the app exits (textual-serve's loop, with
        the app's stderr kept and logged safely)."""
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stdout, stderr = process.stdout, process.stderr
        kept = io.BytesIO()

        async def read_stderr() -> None:
            with contextlib.suppress(asyncio.CancelledError):
                while data := await stderr.read(4096):
                    if kept.tell() < STDERR_LIMIT:
                        kept.write(data[: STDERR_LIMIT - kept.tell()])

        stderr_task = asyncio.create_task(read_stderr())
        try:
            ready = False
            for _ in range(10):  # the web driver announces itself before its first packet
                line = await stdout.readline()
                if not line:
                    break
                if line == b"__GANGLION__\n":
                    ready = True
                    break
            if ready:
                while True:
                    kind = await stdout.readexactly(1)
                    size = int.from_bytes(await stdout.readexactly(4), "big")
                    payload = await stdout.readexactly(size)
                    if kind == b"D":
                        await self.on_data(payload)
                    elif kind == b"M":
                        await self.on_meta(payload)
                    elif kind == b"P":
                        await self.on_packed(payload)
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            # the app has closed stdout: it is exiting; its stderr is complete once it has
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), QUIT_GRACE)
            with contextlib.suppress(TimeoutError):  # the rest of stderr, up to its end
                await asyncio.wait_for(asyncio.shield(stderr_task), 2)
            stderr_task.cancel()
            await stderr_task
        text = terminal_safe(kept.getvalue().decode("utf-8", "replace").strip(), keep_newlines=True)
        code = process.returncode
        if text or (code not in (0, None)):
            log.warning(
                "the app of annotator %s exited with status %s%s",
                terminal_safe(self.annotator),
                code,
                (":\n" + text) if text else "",
            )
        if text and code not in (0, None):
            # The annotator sees why (a damaged store, say) in the page's terminal, under the
            # "session ended" notice: reset, clear, then the message (made safe, as on a terminal).
            shown = "\x1b[0m\x1b[2J\x1b[H" + text.replace("\n", "\r\n") + "\r\n"
            with contextlib.suppress(Exception):
                await self.remote_write_bytes(shown.encode("utf-8"))
        with contextlib.suppress(Exception):
            await self.remote_close()

    async def stop(self) -> None:
        """Ask the app to quit; kill it if it has not within QUIT_GRACE seconds."""
        task = self._task
        if task is None:
            return
        self._task = None
        with contextlib.suppress(Exception):
            await self.send_meta({"type": "quit"})
        try:
            await asyncio.wait_for(asyncio.shield(task), QUIT_GRACE)
        except TimeoutError:
            process = self._process
            if process is not None and process.returncode is None:
                log.warning("the app of annotator %s did not quit; killing it", terminal_safe(self.annotator))
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            with contextlib.suppress(Exception):
                await task

    async def wait(self) -> None:
        """Until the app process has exited (whoever ended it)."""
        task = self._task
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(task)
        if self._process is not None:
            await self._process.wait()
