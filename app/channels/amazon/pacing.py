"""Pacing by Amazon's usage plans: one token bucket per operation the fetch uses.

Amazon answers 429 QuotaExceeded without Retry-After, so the client must know the plans and
stay inside them. Two margins keep our bucket from running ahead of Amazon's: we refill at
97% of the documented rate and keep two tokens of the burst in reserve, so jitter (a
request that reaches Amazon a few milliseconds sooner after our token check than the one
before it did) never finds Amazon's bucket empty while ours still held a token.

Amazon's buckets belong to the seller and the app, not to one fetch: a fetch started right
after another finds them partly spent. The ledger remembers what each bucket held when a
fetch ended, so the next fetch in this process starts from there instead of from a full
burst. (A fresh process cannot know and starts full; the 429 backoff covers that rare case.)
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from app.channels.base import AdapterOptions
from app.channels.http import RateLimiter

RATE_MARGIN = 0.97
BURST_RESERVE = 2


@dataclass(frozen=True)
class UsagePlan:
    operation: str
    per_second: float
    burst: int


# ordersV0.json and tokens_2021-03-01.json, "Usage Plan" tables.
GET_ORDERS = UsagePlan("getOrders", 0.0167, 20)
GET_ORDER_ITEMS = UsagePlan("getOrderItems", 0.5, 30)
CREATE_RDT = UsagePlan("createRestrictedDataToken", 1.0, 10)


class QuotaLedger:
    """Bucket levels left behind by finished fetches, per seller account and operation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._levels: dict[tuple[str, str], tuple[float, float]] = {}  # -> (tokens, monotonic time)

    def limiter(self, options: AdapterOptions, account: str, plan: UsagePlan) -> RateLimiter:
        limiter = options.limiter(plan.operation, plan.per_second * RATE_MARGIN, plan.burst - BURST_RESERVE)
        with self._lock:
            saved = self._levels.get((account, plan.operation))
        if saved is None or not limiter.per_second:
            return limiter
        tokens, at = saved
        level = tokens + (time.monotonic() - at) * limiter.per_second
        return options.limiter(plan.operation, plan.per_second * RATE_MARGIN, plan.burst - BURST_RESERVE,
                               start_tokens=level)

    def remember(self, account: str, limiter: RateLimiter) -> None:
        if limiter.per_second:
            with self._lock:
                self._levels[(account, limiter.name)] = (limiter.available(), time.monotonic())


# Process-wide on purpose: it mirrors state that lives at Amazon, shared by every adapter
# that fetches for the same seller account.
LEDGER = QuotaLedger()
