"""Fault injection and rate limiting shared by every marketplace sandbox.

A sandbox that only ever answers correctly cannot prove that a client survives
the real thing, so each sandbox owns one `FaultInjector` (scripted failures for
the next N requests) and one `RateLimiter` (a token bucket that answers 429 like
the real services). The marketplace decides how an error body looks; this module
only decides *when* and *which* failure happens.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from werkzeug.wrappers import Response

FAULT_KINDS = frozenset({"429", "500", "503", "slow", "cutoff", "garbage", "expire_tokens"})
"""Kinds accepted by `FaultInjector.add`; `expire_tokens` is acted on by the caller at once."""

GARBAGE_BODY = b"<html><body><h1>502 Bad Gateway</h1>upstream sent nonsense \x00\x01</body></html>"


class CutoffError(ConnectionAbortedError):
    """Raised mid-body to make the HTTP server drop the connection.

    It subclasses ConnectionAbortedError so servers that treat dropped
    connections specially (werkzeug, our keep-alive handler) close the socket
    instead of trying to append an error page to a half-sent body.
    """


@dataclass
class Fault:
    """One scripted failure that applies to the next `remaining` requests."""

    kind: str
    remaining: int = 1
    delay: float = 0.0
    retry_after: int = 1
    include_token: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "remaining": self.remaining,
            "delay": self.delay,
            "retry_after": self.retry_after,
            "include_token": self.include_token,
        }


@dataclass
class FaultInjector:
    """FIFO of pending faults; each API request consumes at most one."""

    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        kind: str,
        count: int = 1,
        *,
        delay: float = 0.0,
        retry_after: int = 1,
        include_token: bool = False,
    ) -> Fault:
        """Queue a fault; raises ValueError on nonsense so the control API can 400."""
        if kind not in FAULT_KINDS or kind == "expire_tokens":
            raise ValueError(f"unknown fault kind {kind!r}")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError("count must be a positive integer")
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or not 0 <= delay <= 300:
            raise ValueError("delay must be a number of seconds between 0 and 300")
        if not isinstance(retry_after, int) or isinstance(retry_after, bool) or retry_after < 1:
            raise ValueError("retry_after must be an integer >= 1")
        fault = Fault(kind, count, float(delay), retry_after, bool(include_token))
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [f.as_dict() for f in self._faults]

    def take(self, *, is_token_request: bool) -> Fault | None:
        """Consume one unit of the first fault that applies to this request."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if is_token_request and not fault.include_token:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[index]
                return Fault(fault.kind, 1, fault.delay, fault.retry_after, fault.include_token)
        return None


class RateLimiter:
    """Token bucket in real (monotonic) time: `per_second` refill, `burst` tokens of capacity
    (default: one second's worth, at least one).

    Real time, not sandbox time, because rate limits protect the server from
    request floods and advancing the sandbox clock must not refill the bucket.
    Marketplaces publish their quotas as (rate, burst) pairs, e.g. Amazon's getOrders
    0.0167/s with a burst of 20; a sandbox built with `time_scale` multiplies the rate
    so tests can exercise the real shape in seconds instead of hours.
    """

    def __init__(self, per_second: float | None, *, burst: float | None = None,
                 monotonic: Callable[[], float] = time.monotonic):
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._rate = 0.0
        self._burst = burst
        self._tokens = 0.0
        self._stamp = monotonic()
        self.rejected = 0  # 429s this bucket caused; tests assert a paced client earns none
        self.set_rate(per_second)

    def _capacity(self) -> float:
        return float(self._burst) if self._burst else max(self._rate, 1.0)

    @property
    def per_second(self) -> float | None:
        return self._rate or None

    def set_rate(self, per_second: float | None) -> None:
        """Change the limit; None or 0 disables limiting. Starts with a full bucket."""
        if per_second is not None:
            if isinstance(per_second, bool) or not isinstance(per_second, (int, float)):
                raise ValueError("per_second must be a number or null")
            if per_second < 0 or math.isnan(per_second) or math.isinf(per_second):
                raise ValueError("per_second must be a finite number >= 0")
        with self._lock:
            self._rate = float(per_second or 0.0)
            self._tokens = self._capacity()
            self._stamp = self._monotonic()

    def acquire(self) -> float | None:
        """Take one token; returns None when allowed, else seconds until one is free."""
        with self._lock:
            if not self._rate:
                return None
            now = self._monotonic()
            self._tokens = min(self._capacity(), self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            self.rejected += 1
            return (1.0 - self._tokens) / self._rate


def retry_after_seconds(wait: float) -> int:
    """Retry-After must be whole seconds and at least 1 (clients sleep on it)."""
    return max(1, math.ceil(wait))


def cutoff_response(response: Response) -> Response:
    """Keep status, headers and the full Content-Length, but send only half the body.

    The iterator raises CutoffError after the first half; the server then closes
    the socket, so the client sees a truncated body (RemoteProtocolError in httpx).
    """
    body = response.get_data()
    half = max(1, len(body) // 2)

    def stream() -> Iterator[bytes]:
        yield body[:half]
        raise CutoffError("sandbox fault: connection cut off mid-body")

    cut = Response(stream(), status=response.status_code, headers=list(response.headers.items()))
    cut.headers["Content-Length"] = str(len(body))
    cut.direct_passthrough = True
    return cut


def garbage_response() -> Response:
    """200 that claims JSON but is not: the client must not trust the status alone."""
    return Response(GARBAGE_BODY, status=200, content_type="application/json;charset=utf-8")

