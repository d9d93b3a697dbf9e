"""Behaviour eBay leaves open, as switches (`GET/POST /_sandbox/config`), and the daily call quotas.

eBay meters its APIs per application and day: the Fulfillment API is commonly quoted
at 100,000 calls/day and the token endpoint's refresh_token grant at 50,000/day
(marketplaces.md 3.1, 3.7). A daily quota is modelled as a token bucket that holds
one day's calls and refills continuously (`settings.time_scale` times faster), so a
client may spend freely until the day's budget is gone. Quotas apply only with
`settings.real_limits`; the control API is never metered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from app.sandbox.faults import RateLimiter
from app.sandbox.settings import SandboxSettings

DAY_SECONDS = 86_400


@dataclass
class Switches:
    # eBay does not document the order of getOrders results: ascending by the filtered
    # date (default) or newest first.
    sort_descending: bool = False
    # Whether a 429 carries Retry-After (UNCONFIRMED; eBay documents none).
    retry_after_on_429: bool = False
    # getOrders `limit` maximum: 1000 per the document; a public integration reports 200 (UNCONFIRMED).
    max_limit: int = 1000
    # Daily call quotas per application (UNCONFIRMED figure for the Fulfillment API).
    api_calls_per_day: int = 100_000
    token_calls_per_day: int = 50_000

    def update(self, body: dict[str, object]) -> None:
        """Apply the known keys of a config body; ValueError names the first bad one."""
        kinds = {f.name: f.type for f in fields(self)}
        unknown = set(body) - set(kinds)
        if unknown:
            raise ValueError(f"unknown switch {sorted(unknown)[0]!r} (known: {', '.join(kinds)})")
        for name, value in body.items():
            if kinds[name] in ("bool", bool):
                if not isinstance(value, bool):
                    raise ValueError(f"'{name}' must be true or false")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"'{name}' must be a positive integer")
        for name, value in body.items():
            setattr(self, name, value)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


class DailyQuota:
    """One daily bucket; `acquire()` is None when the call may go, else seconds until it may."""

    def __init__(self, name: str, settings: SandboxSettings, calls_per_day: int) -> None:
        self.name = name
        self._settings = settings
        self.limiter: RateLimiter | None = None
        self.configure(calls_per_day)

    def configure(self, calls_per_day: int) -> None:
        self.calls_per_day = calls_per_day
        if self._settings.real_limits:  # a fresh, full bucket: a new day
            self.limiter = RateLimiter(self._settings.scaled(calls_per_day / DAY_SECONDS), burst=calls_per_day)

    def acquire(self) -> float | None:
        return self.limiter.acquire() if self.limiter is not None else None

    def as_json(self) -> dict[str, object]:
        limiter = self.limiter
        return {"name": self.name, "calls_per_day": self.calls_per_day, "enforced": limiter is not None,
                "per_second": limiter.per_second if limiter else None,
                "rejected": limiter.rejected if limiter else 0}
