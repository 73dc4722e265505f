"""A `reader serve` that is killed (SIGKILL: no chance to clean up) takes its app processes with it:
the warm spare and the app of a connected annotator, so nobody's store lock outlives the server and
a restarted server lets the annotator straight back in."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import ClientSession, ClientWebSocketResponse, CookieJar, WSMsgType

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "samples" / "000_d6de30c6830c1eec.txt"
TIMEOUT = 30.0


def reader(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "reader.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def start_server(store: Path, port: int) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "reader.cli", "serve", "--store", str(store), "--port", str(port)]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, "reader serve exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise AssertionError("reader serve did not listen")


async def first_frame(browser: ClientSession, url: str, token: str) -> tuple[ClientWebSocketResponse, str]:
    """Sign in by link, open the app (the websocket stays open), and return the first text it draws."""
    response = await browser.get(url, params={"token": token}, headers={"Sec-Fetch-Site": "none"})
    assert response.status == 200
    ws = await browser.ws_connect(url + "ws", headers={"Origin": url.rstrip("/")})
    seen = b""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and len(seen) < 2000:
        message = await asyncio.wait_for(ws.receive(), TIMEOUT)
        if message.type != WSMsgType.BINARY:
            return ws, (seen + f"[{message.type.name} {message.data}]".encode()).decode("utf-8", "replace")
        seen += message.data
    return ws, seen.decode("utf-8", "replace")


async def wait_until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return check()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
async def test_killing_the_server_ends_its_app_processes(tmp_path: Path) -> None:
    store = tmp_path / "s.json"
    reader("import", str(SEED), "--store", str(store))
    found = re.search(r"^  (\S{43,})$", reader("serve", "--store", str(store), "--add-annotator", "sara"), re.M)
    assert found
    token = found.group(1)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(store, port)
    try:
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as browser:
            ws, frame = await first_frame(browser, url, token)
            assert "[CLOSE" not in frame, frame
            # sara's app, and the spare started after hers
            assert await wait_until(lambda: len(children(server.pid)) >= 2, TIMEOUT), children(server.pid)
            apps = children(server.pid)
            server.send_signal(signal.SIGKILL)  # while sara's page is open
            server.wait()
            gone = await wait_until(lambda: not any(map(alive, apps)), 10)
            assert gone, f"app processes outlived the server: {[p for p in apps if alive(p)]}"
            await ws.close()
        # a restarted server lets sara in again (an app left behind would hold the lock of her name)
        server = start_server(store, port)
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as browser:
            ws, frame = await first_frame(browser, url, token)
            assert "already working" not in frame and "[CLOSE" not in frame, frame
            await ws.close()
    finally:
        for pid in children(server.pid):
            os.kill(pid, signal.SIGTERM)
        server.kill()
        server.wait()
