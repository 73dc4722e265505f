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
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar, WSMsgType

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


async def first_frame(url: str, token: str) -> str:
    """Sign in by link, open the app, and return the first text the app draws."""
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as browser:
        response = await browser.get(url, params={"token": token}, headers={"Sec-Fetch-Site": "none"})
        assert response.status == 200
        ws = await browser.ws_connect(url + "ws", headers={"Origin": url.rstrip("/")})
        seen = b""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            message = await asyncio.wait_for(ws.receive(), TIMEOUT)
            if message.type != WSMsgType.BINARY:
                return (seen + f"[{message.type.name} {message.data}]".encode()).decode("utf-8", "replace")
            seen += message.data
            if len(seen) > 2000:
                return seen.decode("utf-8", "replace")
        return seen.decode("utf-8", "replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killing_the_server_ends_its_app_processes(tmp_path: Path) -> None:
    store = tmp_path / "s.json"
    reader("import", str(SEED), "--store", str(store))
    token = re.search(r"^  (\S{43,})$", reader("serve", "--store", str(store), "--add-annotator", "sara"), re.M)
    assert token
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = start_server(store, port)
    try:
        frame = asyncio.run(first_frame(url, token.group(1)))
        assert "already working" not in frame
        deadline = time.monotonic() + TIMEOUT
        while len(children(server.pid)) < 2 and time.monotonic() < deadline:  # sara's app and the next spare
            time.sleep(0.1)
        apps = children(server.pid)
        assert len(apps) >= 2, apps
        server.send_signal(signal.SIGKILL)
        server.wait()
        deadline = time.monotonic() + 10
        while any(map(alive, apps)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(alive, apps)), f"app processes outlived the server: {[p for p in apps if alive(p)]}"
        # a restarted server lets sara in again (her old app held the store's lock for her name)
        server = start_server(store, port)
        frame = asyncio.run(first_frame(url, token.group(1)))
        assert "already working" not in frame and "[CLOSE" not in frame, frame
    finally:
        for pid in children(server.pid):
            os.kill(pid, signal.SIGTERM)
        server.kill()
        server.wait()
