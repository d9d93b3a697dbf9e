"""Runs the web service on uvicorn in a background thread (for `orderdesk serve` and the tests).

Listens on 127.0.0.1 unless told otherwise; with a certificate and key it speaks HTTPS only.
The socket is bound in start(), so a port in use or a bad certificate is an error there, not a
silent thread death. stop() lets running calls finish (up to ``grace`` seconds).
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from app.api.app import create_app

if TYPE_CHECKING:
    from app.bootstrap import AppContext

log = logging.getLogger(__name__)


class ApiServer:
    def __init__(self, app: Any, host: str, port: int, tls_cert: str | Path | None, tls_key: str | Path | None,
                 grace: float = 10.0) -> None:
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("TLS needs both a certificate and its private key file")
        for label, path in (("certificate", tls_cert), ("private key", tls_key)):
            if path is not None and not Path(path).is_file():
                raise ValueError(f"TLS {label} {path}: no such file")
        self.host = host
        self.port = port
        self.tls = tls_cert is not None
        self._grace = grace
        self._config = uvicorn.Config(
            app, host=host, port=port, ssl_certfile=str(tls_cert) if tls_cert else None,
            ssl_keyfile=str(tls_key) if tls_key else None, log_config=None, access_log=False,
            server_header=False, lifespan="off", timeout_graceful_shutdown=int(grace))
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    def start(self, timeout: float = 15.0) -> "ApiServer":
        if self._thread is not None:
            raise RuntimeError("the web service is running already")
        try:
            self._config.load()  # the TLS context is built here: a bad certificate fails now
        except (ssl.SSLError, OSError) as exc:
            raise ValueError(f"TLS certificate or key cannot be used: {exc}") from None
        try:
            sock = _listen(self.host, self.port)
        except OSError as exc:
            raise OSError(exc.errno, f"the web service cannot listen on {self.host}:{self.port}: "
                                     f"{exc.strerror}") from None
        self._socket = sock
        self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(self._config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="erp-web-service", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                self._close_socket()
                raise RuntimeError("the web service stopped while starting; see the log")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the web service did not start in time")
            time.sleep(0.01)
        log.info("ERP web service listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stops accepting, lets running calls finish, returns when the server has stopped."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(self._grace + 5)
        if self._thread.is_alive():  # still busy after the grace period: cut the connections
            self._server.force_exit = True
            self._thread.join(5)
        self._close_socket()
        self._server = self._thread = None
        log.info("ERP web service stopped")

    def _close_socket(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> "ApiServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket. Created with proto IPPROTO_TCP on purpose: asyncio sets TCP_NODELAY
    only on connections whose socket says so, and without it every answer that fits into one
    segment waits ~40 ms for the client's delayed ACK (Nagle): measured 50 ms per small page."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def serve_api(ctx: "AppContext", host: str = "127.0.0.1", port: int = 8765, tls_cert: str | Path | None = None,
              tls_key: str | Path | None = None, **app_options: Any) -> ApiServer:
    """A handle on the web service for ``ctx``; call start() and, at the end, stop().
    ``port`` 0 picks a free one (see ``.port`` / ``.url`` after start()). ``app_options`` go to
    create_app (e.g. ``settle_seconds``)."""
    return ApiServer(create_app(ctx, **app_options), host, port, tls_cert, tls_key)
