"""Same-origin checks (websocket hijacking, login CSRF) and the loopback test behind the TLS warning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.serve.auth import is_loopback, same_origin


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("http://LOCALHOST:8000", "localhost:8000", True),
        ("https://labels.example.org", "labels.example.org", True),
        ("https://labels.example.org:443", "labels.example.org", True),
        ("http://labels.example.org", "labels.example.org:80", True),
        ("http://[::1]:8000", "[::1]:8000", True),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),  # another port is another origin
        ("https://evil.example", "labels.example.org", False),
        ("https://labels.example.org.evil.example", "labels.example.org", False),
        ("null", "127.0.0.1:8000", False),  # sandboxed frames, file: pages
        (None, "127.0.0.1:8000", False),
        ("", "127.0.0.1:8000", False),
        ("http://127.0.0.1:8000", None, False),
        ("ws://127.0.0.1:8000", "127.0.0.1:8000", False),
        ("http://127.0.0.1:99999", "127.0.0.1:8000", False),
        ("http://127.0.0.1:8000", "127.0.0.1:bad", False),
    ],
)
def test_same_origin(origin: str | None, host: str | None, same: bool) -> None:
    assert same_origin(origin, host) is same


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,5}){0,2}", fullmatch=True)
ports = st.integers(1, 65535)


@given(hosts, ports, st.sampled_from(["http", "https"]))
def test_an_origin_matches_the_host_it_names(host: str, port: int, scheme: str) -> None:
    assert same_origin(f"{scheme}://{host}:{port}", f"{host}:{port}")


@given(hosts, hosts, ports, ports)
def test_an_origin_never_matches_another_host_or_port(h1: str, h2: str, p1: int, p2: int) -> None:
    if (h1, p1) != (h2, p2):
        assert not same_origin(f"http://{h1}:{p1}", f"{h2}:{p2}")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.5", False), ("::", False), ("labels.example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
