"""Amazon's usage plans as token buckets, one per operation, in Amazon's own 429 style.

The documented rates and bursts (model.QUOTAS) are enforced only with
`settings.real_limits`; `settings.time_scale` makes them refill that many times faster so a
test sees the real shape in seconds. Amazon sends no Retry-After with its 429: a client has
to know the plan and pace itself.
"""

from __future__ import annotations

import threading

from app.sandbox.amazon.model import QUOTAS
from app.sandbox.faults import RateLimiter
from app.sandbox.settings import SandboxSettings


class UsagePlans:
    def __init__(self, settings: SandboxSettings) -> None:
        self.enforced = settings.real_limits
        self._rates = {op: settings.scaled(rate) if self.enforced else rate for op, (rate, _) in QUOTAS.items()}
        self._buckets = {
            op: RateLimiter(settings.scaled(rate) if self.enforced else None, burst=burst)
            for op, (rate, burst) in QUOTAS.items()
        }
        self._lock = threading.Lock()
        self.calls: dict[str, int] = {op: 0 for op in QUOTAS}
        self.rejected: dict[str, int] = {op: 0 for op in QUOTAS}

    def admit(self, operation: str) -> bool:
        """Take a token from the operation's bucket; False means answer 429."""
        allowed = self._buckets[operation].acquire() is None
        with self._lock:
            if allowed:
                self.calls[operation] += 1
            else:
                self.rejected[operation] += 1
        return allowed

    def header(self, operation: str) -> str:
        """x-amzn-RateLimit-Limit: the rate this caller gets for the operation, requests/second."""
        return f"{self._rates[operation]:g}"

    def describe(self) -> dict[str, dict[str, float | int | None]]:
        return {op: {"per_second": self._buckets[op].per_second, "burst": burst} for op, (_, burst) in QUOTAS.items()}

    @property
    def rate_limited(self) -> int:
        with self._lock:
            return sum(self.rejected.values())
