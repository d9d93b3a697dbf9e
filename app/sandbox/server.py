"""One loopback HTTP server for all marketplace sandboxes.

`/otto/...` goes to the OTTO sandbox, later `/amazon/...`, `/ebay/...` and so
on: the first path segment picks the app from `SandboxServer.mounts`.

Werkzeug's stock request handler always answers `Connection: close`; real
marketplace clients keep connections alive, and reconnecting for each of ~800
pages would dominate a 100k-order sync. `KeepAliveHandler` is a small HTTP/1.1
keep-alive WSGI handler on top of werkzeug's environ building and threaded server.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from types import FrameType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wsgi import LimitedStream

from app.sandbox.amazon import AmazonSandbox
from app.sandbox.clock import SandboxClock
from app.sandbox.ebay import EbaySandbox
from app.sandbox.faults import CutoffError
from app.sandbox.kaufland import KauflandSandbox
from app.sandbox.otto import OttoSandbox
from app.sandbox.settings import SandboxSettings
from app.sandbox.shopware import ShopwareSandbox

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict, Callable[..., object]], Iterable[bytes]]
MAX_UNREAD_BODY = 1 << 20  # drain at most 1 MiB of an unread request body, else close


class KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1 WSGI handler that keeps connections open between requests."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers+body go out at once; no 40 ms delayed-ACK stalls
    timeout = 120  # idle keep-alive connections are closed after this many seconds

    def setup(self) -> None:
        super().setup()
        _registry(self.server).add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            _registry(self.server).discard(self.connection)

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header in sandbox time: clients that bound a change window by the server's
        clock (the eBay adapter does) must see the same time the marketplace stamps with."""
        clock = getattr(self.server.app, "clock", None)  # type: ignore[attr-defined]
        if timestamp is None and clock is not None:
            timestamp = clock.timestamp()
        return super().date_time_string(timestamp)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silent: per-request log lines would cost more than serving the page."""

    def log_error(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("sandbox http: " + format, *args)

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.environ = self.make_environ()
        body = environ["wsgi.input"]
        if not environ.get("wsgi.input_terminated"):  # not chunked: bound it by Content-Length
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length, self.close_connection = 0, True
            body = environ["wsgi.input"] = LimitedStream(self.rfile, max(0, length))
        state: dict[str, object] = {"status": None, "headers": None, "sent": False, "chunked": False}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable:
            if exc_info and state["sent"]:
                raise exc_info[1].with_traceback(exc_info[2])  # type: ignore[index]
            state["status"], state["headers"] = status, headers
            return lambda data: self._send(state, data)

        try:
            result = self.server.app(environ, start_response)
            try:
                for data in result:
                    if data:
                        self._send(state, data)
                if not state["sent"]:
                    self._send(state, b"")
                if state["chunked"]:
                    self.wfile.write(b"0\r\n\r\n")
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except (ConnectionError, TimeoutError) as exc:
            self.close_connection = True  # includes CutoffError: drop the half-sent response
            if not isinstance(exc, CutoffError):
                log.debug("sandbox http: connection dropped: %s", exc)
            return
        except Exception:
            log.exception("sandbox http: unhandled error")
            self.close_connection = True
            if not state["sent"]:
                crash = b'{"errors":[{"title":"Internal Server Error","detail":"sandbox crashed"}]}'
                state["status"] = "500 Internal Server Error"
                state["headers"] = [
                    ("Content-Type", "application/json;charset=utf-8"),
                    ("Content-Length", str(len(crash))),
                ]
                self._send(state, crash)
            return
        self._drain(body)

    def _send(self, state: dict[str, object], data: bytes) -> None:
        """Write data; the first call also writes status and headers in the same packet."""
        if not state["sent"]:
            state["sent"] = True
            code_text, _, reason = str(state["status"]).partition(" ")
            code = int(code_text)
            self.send_response(code, reason)
            names = set()
            for name, value in state["headers"]:  # type: ignore[union-attr]
                self.send_header(name, value)
                names.add(name.lower())
            if "content-length" not in names and code not in (204, 304) and self.command != "HEAD":
                if self.request_version == "HTTP/1.1":
                    state["chunked"] = True
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.close_connection = True
            if self.close_connection:
                self.send_header("Connection", "close")
            self._headers_buffer.append(b"\r\n")  # end of headers, flushed together with the body
            if state["chunked"] and data:
                data = b"%x\r\n%s\r\n" % (len(data), data)
            self._headers_buffer.append(data)
            self.flush_headers()
            return
        if state["chunked"]:
            data = b"%x\r\n%s\r\n" % (len(data), data)
        self.wfile.write(data)

    def _drain(self, body: object) -> None:
        """Consume what the app left of the request body so the next request parses."""
        if self.close_connection:
            return
        if isinstance(body, LimitedStream):
            if body.limit - body.tell() > MAX_UNREAD_BODY:
                self.close_connection = True
            else:
                body.exhaust()
            return
        total = 0
        while chunk := body.read(65536):  # type: ignore[attr-defined]
            total += len(chunk)
            if total > MAX_UNREAD_BODY:
                self.close_connection = True
                return


def _registry(server: BaseWSGIServer) -> set[socket.socket]:
    return server.open_connections  # type: ignore[attr-defined, no-any-return]


class SandboxServer:
    """All marketplace sandboxes on one loopback port, served from a background thread."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 1,
        orders: int = 50,
        rate_limit: float | None = 20.0,
        release_delay: float = 1800.0,
        token_ttl: int | None = None,  # None: each marketplace's own lifetime (OTTO 1800 s, Shopware 600 s, ...)
        generate_every: float | None = None,
        real_limits: bool = False,
        time_scale: float = 1.0,
        seeded: Iterable[str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.clock = SandboxClock()
        # Which marketplaces get the seeded orders (default all); the others start empty, so a
        # benchmark of one marketplace with 100,000 orders does not seed five times that.
        wanted = set(seeded) if seeded is not None else None
        unknown = (wanted or set()) - {"otto", "amazon", "ebay", "kaufland", "shopware"}
        if unknown:
            raise ValueError(f"unknown marketplace(s) {', '.join(sorted(unknown))}")

        def count(name: str) -> int:
            return orders if wanted is None or name in wanted else 0

        # OTTO keeps its single `rate_limit` (20/s is its documented quota and the default);
        # the other marketplaces have several buckets each, switched on by `real_limits`.
        self.otto = OttoSandbox(
            seed=seed,
            orders=count("otto"),
            clock=self.clock,
            release_delay=release_delay,
            rate_limit=rate_limit * time_scale if rate_limit else None,
            # Scaled limits keep the documented one-second burst (20), as the other marketplaces'
            # buckets do; unscaled, the burst follows the rate (also when changed by /_sandbox/).
            rate_burst=rate_limit if rate_limit and time_scale != 1 else None,
            token_ttl=token_ttl or 1800,
            generate_every=generate_every,
        )
        self.settings = SandboxSettings(seed=seed, orders=orders, real_limits=real_limits, time_scale=time_scale,
                                        release_delay=release_delay, token_ttl=token_ttl,
                                        generate_every=generate_every)

        def settings(name: str) -> SandboxSettings:
            return replace(self.settings, orders=count(name))

        self.amazon = AmazonSandbox(settings("amazon"), self.clock)
        self.ebay = EbaySandbox(settings("ebay"), self.clock)
        self.kaufland = KauflandSandbox(settings("kaufland"), self.clock)
        self.shopware = ShopwareSandbox(settings("shopware"), self.clock)
        self.mounts: dict[str, WSGIApp] = {"otto": self.otto, "amazon": self.amazon, "ebay": self.ebay,
                                           "kaufland": self.kaufland, "shopware": self.shopware}
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- WSGI dispatch -----------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable[..., object]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        prefix, _, rest = path.lstrip("/").partition("/")
        app = self.mounts.get(prefix)
        if app is None:
            body = json.dumps(
                {"errors": [{"path": path, "title": "Not Found", "detail": f"no sandbox mounted at /{prefix}"}]}
            ).encode()
            start_response(
                "404 Not Found",
                [("Content-Type", "application/json;charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + prefix
        environ["PATH_INFO"] = "/" + rest
        return app(environ, start_response)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        if self._server is not None:
            return self
        server = make_server(self.host, self.port, self, threaded=True, request_handler=KeepAliveHandler)
        server.open_connections = set()  # type: ignore[attr-defined]
        self._server = server
        self.port = server.server_port
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        connections = _registry(server)
        for conn in list(connections):
            try:
                conn.shutdown(socket.SHUT_RDWR)  # wakes idle keep-alive handlers
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while connections and time.monotonic() < deadline:
            time.sleep(0.01)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def describe(self) -> dict[str, dict[str, object]]:
        """Where each marketplace lives and how to log in (printed by the CLI)."""
        return {name: {"base_url": f"{self.base_url}/{name}", "credentials": dict(app.credentials)}  # type: ignore[attr-defined]
                for name, app in self.mounts.items()}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orderdesk sandbox", description="Serve the marketplace sandboxes on a loopback port."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (see the printed JSON)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--orders", type=int, default=50, help="seeded orders per marketplace")
    parser.add_argument("--rate-limit", type=float, default=20.0, help="requests/second, 0 = off")
    parser.add_argument("--release-delay", type=float, default=1800.0, help="seconds ANNOUNCED -> PROCESSABLE")
    parser.add_argument("--token-ttl", type=int, default=None,
                        help="access token lifetime in seconds (default: each marketplace's own)")
    parser.add_argument("--generate-every", type=float, default=None, help="new order every N sandbox seconds")
    parser.add_argument("--real-limits", action="store_true",
                        help="enforce the marketplaces' documented rate limits (Amazon, eBay, Kaufland, Shopware)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="rate limits refill this many times faster")
    parser.add_argument("--only", action="append", default=None, metavar="MARKETPLACE",
                        help="seed orders only for this marketplace (repeatable); the others start empty")
    return parser


def run_cli(argv: list[str] | None = None) -> int:
    """Start the server, print describe() as one JSON line, serve until SIGINT/SIGTERM."""
    args = _parser().parse_args(argv)
    stop = threading.Event()
    previous: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, request_stop)
    server = SandboxServer(
        host=args.host,
        port=args.port,
        seed=args.seed,
        orders=args.orders,
        rate_limit=args.rate_limit or None,
        release_delay=args.release_delay,
        token_ttl=args.token_ttl,
        generate_every=args.generate_every or None,
        real_limits=args.real_limits,
        time_scale=args.time_scale,
        seeded=args.only,
    )
    try:
        server.start()
        sys.stdout.write(json.dumps(server.describe()) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(run_cli())
