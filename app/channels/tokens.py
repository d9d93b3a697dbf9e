"""A cached access token as a TokenSource for HttpSession (app/channels/http.py).

Every channel that authenticates with a short-lived token (OTTO, eBay, Amazon, Shopware) keeps
one token for its lifetime, renews it a little before it runs out, forgets it when an API call
answers that it is no longer valid (`invalidate()`, the session then repeats the call once),
renews it one thread at a time (the prefetch thread shares it) and counts its token requests.
A channel subclasses `CachedToken` and implements `_fetch`: the token request itself, with
its own error messages, answering (token, lifetime in seconds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

RENEW_EARLY = 60.0
"""Seconds: by default a token is renewed this long before the marketplace would reject it."""


class CachedToken:
    header_name = "Authorization"
    prefix = "Bearer "

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self.requests_sent = 0  # token requests sent; `_fetch` counts them

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def header(self, client: httpx.Client) -> dict[str, str]:
        with self._lock:  # one renewal at a time
            token = self._token
            if token is None or self._clock() >= self._renew_at:
                token, lifetime = self._fetch(client)
                self._token = token
                self._renew_at = self._clock() + self.usable_for(lifetime)
            return {self.header_name: f"{self.prefix}{token}"}

    def usable_for(self, lifetime: float) -> float:
        """How long a token that lives `lifetime` seconds is used before it is renewed."""
        return max(0.0, lifetime - RENEW_EARLY)

    def _fetch(self, client: httpx.Client) -> tuple[str, float]:
        """Ask for a new token: (token, lifetime in seconds); raises a ChannelError."""
        raise NotImplementedError
