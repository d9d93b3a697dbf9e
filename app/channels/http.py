"""The one place that owns timeouts, retries, Retry-After, token refresh and request pacing."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol, TypeVar

import httpx

from app.channels.errors import AuthError, ChannelError, PermanentError, RateLimited, TransientError


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.5  # first backoff; doubles each attempt, with jitter
    max_delay: float = 30.0  # no single wait is longer; a longer Retry-After fails the request
    connect_timeout: float = 10.0
    read_timeout: float = 30.0


T = TypeVar("T")


class TokenSource(Protocol):
    def header(self, client: httpx.Client) -> dict[str, str]: ...
    def invalidate(self) -> None: ...


class RateLimiter:
    """Token bucket: keeps us below the marketplace's quota so we never earn a 429.

    ``start_tokens`` below ``burst`` is for quotas that may already be partly spent when we
    start (another fetch of the same seller a moment ago): starting empty never overdraws.
    """

    def __init__(self, per_second: float | None, burst: int = 1, clock: Callable[[], float] = time.monotonic,
                 *, name: str = "requests", start_tokens: float | None = None) -> None:
        self.per_second = per_second
        self.name = name
        self.capacity = max(1, burst)
        self._tokens = float(self.capacity if start_tokens is None else min(start_tokens, self.capacity))
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()
        self.acquired = 0  # calls paced by this bucket so far (benchmarks compare with the quota)

    def available(self) -> float:
        """Tokens in the bucket now (the remaining burst budget)."""
        with self._lock:
            if not self.per_second:
                return float(self.capacity)
            now = self._clock()
            return min(self.capacity, self._tokens + (now - self._last) * self.per_second)

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self.acquired += 1
        if not self.per_second:
            return
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.per_second)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.per_second
            sleep(wait)


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class HttpSession:
    """A channel client's transport: one httpx.Client plus the retry and pacing rules."""

    def __init__(
        self,
        base_url: str,
        *,
        policy: RetryPolicy = RetryPolicy(),
        limiter: RateLimiter | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        describe_error: Callable[[httpx.Response], str] = lambda r: "",
        cancelled: Callable[[], bool] = lambda: False,
        auth_expired: Callable[[httpx.Response], bool] = lambda r: r.status_code == 401,
    ) -> None:
        self.policy = policy
        # Most services answer an expired token with 401; Amazon says 403 with an "expired"
        # detail. Either way the token is renewed once and the request repeated.
        self._auth_expired = auth_expired
        self.limiter = limiter or RateLimiter(None)
        self._sleep = sleep
        self._describe = describe_error
        self._cancelled = cancelled
        self.requests_sent = 0
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
            headers={"Accept": "application/json", "User-Agent": "OrderDesk/0.1"},
        )

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, *, auth: TokenSource | None = None,
                decode: Callable[[httpx.Response], Any] | None = None, limiter: RateLimiter | None = None,
                **kwargs: object) -> Any:
        """Send with retries and return the 2xx response, or ``decode(response)`` when given.

        ``limiter`` paces this call by another quota bucket than the session's own (a
        marketplace with a quota per operation, e.g. Amazon's getOrders vs getOrderItems).

        Decoding happens inside the retry loop: a body that is cut off or garbled
        (``decode`` raises TransientError) is fetched again like any other transient fault.
        """
        base_headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
        attempt = 0
        auth_refreshed = False
        last: ChannelError | None = None
        while attempt < self.policy.max_attempts:
            attempt += 1
            if self._cancelled():
                raise TransientError("cancelled by the user")
            (limiter or self.limiter).acquire(self._sleep)
            headers = dict(base_headers)
            try:
                if auth is not None:
                    headers.update(auth.header(self.client))  # may fetch a token: retried like the rest
                self.requests_sent += 1
                response = self.client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
                response.read()
            except httpx.TimeoutException:
                last = TransientError(f"the marketplace did not answer in time ({method} {path})")
            except (httpx.TransportError, httpx.DecodingError) as exc:
                last = TransientError(f"the connection to the marketplace failed ({type(exc).__name__})")
            except TransientError as exc:
                last = exc
            else:
                status = response.status_code
                if 200 <= status < 300:
                    if decode is None:
                        return response
                    try:
                        return decode(response)
                    except TransientError as exc:
                        last = exc
                        if attempt < self.policy.max_attempts:
                            self._sleep(self._backoff(attempt))
                        continue
                detail = self._describe(response)
                if auth is not None and not auth_refreshed and self._auth_expired(response):
                    auth.invalidate()  # expired token: fetch a new one once, then retry
                    auth_refreshed = True
                    attempt -= 1
                    continue
                if status in (401, 403):
                    raise AuthError(f"the marketplace refused the credentials (HTTP {status}){detail}")
                if status == 429:
                    wait = retry_after_seconds(response)
                    last = RateLimited(f"the marketplace's request limit was reached (HTTP 429){detail}", wait)
                    if wait is not None and wait > self.policy.max_delay:
                        raise last
                    self._sleep(wait if wait is not None else self._backoff(attempt))
                    continue
                if status >= 500 or status == 408:
                    last = TransientError(f"the marketplace had an internal error (HTTP {status}){detail}")
                else:
                    raise PermanentError(f"the marketplace rejected the request (HTTP {status}){detail}")
            if attempt < self.policy.max_attempts:
                self._sleep(self._backoff(attempt))
        assert last is not None
        raise last

    def _backoff(self, attempt: int) -> float:
        delay = min(self.policy.max_delay, self.policy.base_delay * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)
