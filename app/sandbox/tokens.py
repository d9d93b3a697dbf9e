"""The bearer tokens a sandbox has issued, and HTTP Basic client credentials.

Every marketplace hands out its own kind of token with its own error bodies, but keeps them
the same way: token -> expiry on the sandbox clock (plus what the token grants), pruned when
many have piled up, all dropped by the `expire_tokens` fault.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

P = TypeVar("P")

PRUNE_ABOVE = 10_000  # expired tokens are only swept once this many are kept


class TokenLedger(Generic[P]):
    """Issued tokens with their expiry (sandbox ms) and what each one grants (``P``)."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self._now_ms = now_ms
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[int, P]] = {}
        self.issued = 0

    def issue(self, token: str, ttl_seconds: int, grants: P) -> None:
        now = self._now_ms()
        with self._lock:
            if len(self._tokens) > PRUNE_ABOVE:
                self._tokens = {t: v for t, v in self._tokens.items() if v[0] > now}
            self._tokens[token] = (now + ttl_seconds * 1000, grants)
            self.issued += 1

    def find(self, token: str) -> tuple[bool, P] | None:
        """None for a token never issued (or dropped), else (expired?, what it grants)."""
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None:
            return None
        return entry[0] <= self._now_ms(), entry[1]

    def clear(self) -> int:
        """Drops every token (the `expire_tokens` fault); returns how many there were."""
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
        return count


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client id, secret) from an `Authorization: Basic …` header, or None."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None
