"""Who may talk to `reader serve`: the pure checks the web server applies to every request.

- The token travels in a cookie (``HttpOnly``: page scripts cannot read it; ``SameSite=Strict``:
  another site's page cannot make the browser send it; ``Secure`` when the page was reached over
  HTTPS). The cookie holds the token itself, checked against the hashed tokens file on every
  request, so removing an annotator locks them out at once (their open session is ended too).
- A cross-site page can open a websocket to any address, and the browser would attach the cookie
  if SameSite were ever relaxed; so the websocket handshake and the login form are also refused
  unless their ``Origin`` is this server's own (scheme-less host:port compare with ``Host``).
- Binding: loopback unless asked otherwise; any other address carries the token in clear text
  unless a TLS reverse proxy sits in front, so the server warns.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

COOKIE = "reader_token"
TOKEN_QUERY = "token"


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a request's ``Origin`` header names the host (and port) its ``Host`` header asks for.

    A missing Origin is refused: browsers always send one on websocket handshakes and form posts,
    so only a non-browser client omits it, and it has no business here without one either.
    """
    if not origin or not host or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    default = 443 if parts.scheme == "https" else 80
    try:
        asked = urlsplit("//" + host)
        asked_port = asked.port
    except ValueError:
        return False
    if not asked.hostname:
        return False
    same_host = parts.hostname.lower() == asked.hostname.lower()
    # The Host header leaves out a default port; so may Origin. Compare what each means.
    return same_host and (origin_port or default) == (asked_port or default)


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
