"""Serve the dashboard: `streamlit run dashboard/app.py`, with a guard against DNS rebinding on a loopback address.

A page on any web site can make a browser send requests to 127.0.0.1 under a host name the attacker controls (DNS
rebinding): the browser then treats the dashboard as that site's own, and Streamlit accepts a WebSocket whose
Origin equals its Host. In local mode the dashboard has no sign-in, so when the server listens on a loopback
address every request must name the dashboard by a loopback host and the served port, and a request that carries an
Origin must come from such an origin too; anything else gets 403 before Streamlit sees it (docs/security.md). The
check is an ASGI middleware put first in the stack Streamlit builds for its Starlette server.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

APP = str(Path(__file__).resolve().parent / "app.py")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
LOOPBACK_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset(f"{host}:{port}" for host in LOOPBACK_HOSTS)


def request_allowed(host: str | None, origin: str | None, port: int) -> bool:
    """Host must be a loopback name with the served port; an Origin, when sent, must be one of those too."""
    allowed = allowed_hosts(port)
    if (host or "").lower() not in allowed:
        return False
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() in allowed


class LoopbackGuard:
    """ASGI middleware in front of Streamlit's own: on a loopback address, a request (HTTP or WebSocket) whose Host
    or Origin is not a loopback name with the served port is refused with 403 before Streamlit sees it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            from streamlit import config

            if (config.get_option("server.address") or "") in LOOPBACK_ADDRESSES:
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
                if not request_allowed(headers.get("host"), headers.get("origin"),
                                       int(config.get_option("server.port"))):
                    if scope["type"] == "http":
                        from starlette.responses import PlainTextResponse

                        response = PlainTextResponse("Forbidden: this dashboard answers only to localhost, "
                                                     "127.0.0.1 or [::1] on its own port.", status_code=403)
                    else:
                        from starlette.websockets import WebSocketClose

                        response = WebSocketClose(code=1008)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def install_guard() -> None:
    """Put LoopbackGuard first in the middleware stack Streamlit builds for its server."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    original = starlette_app.create_streamlit_middleware
    if getattr(original, "_audit_guarded", False):
        return

    def create_streamlit_middleware():
        return [Middleware(LoopbackGuard), *original()]

    create_streamlit_middleware._audit_guarded = True
    starlette_app.create_streamlit_middleware = create_streamlit_middleware


# The libraries the pages import on their first run, imported before the server starts: the first visit after a start
# does not wait for them (about 0.5 s on this machine: pandas 0.25 s, polars, holidays, numpy, plotly.express, duckdb).
# Only libraries: the dashboard's own modules hold Streamlit caches, which need the server's runtime to exist first.
PRELOAD = ("pandas", "polars", "numpy", "pyarrow", "duckdb", "holidays", "babel", "plotly.express")


def preload() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)


def main(args: list[str]) -> int:
    """python -m dashboard serve [streamlit options]: the app with the guard (make run uses this)."""
    from streamlit.web import cli

    install_guard()
    preload()
    # Tables' own CSV download is off wherever the server is started from (also in .streamlit/config.toml): exports
    # go through the pages' logged buttons.
    sys.argv = ["streamlit", "run", APP, "--client.disableDataExport", "true", *args]
    return cli.main()
