"""What every channel adapter offers the services, and the pages it yields while fetching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterator, Protocol

import httpx

from app.channels.http import RateLimiter, RetryPolicy
from app.domain.orders import Channel, Order, Quarantined
from app.domain.statuses import Confirmation, OutboundStatus, PlannedCall


@dataclass(frozen=True)
class FetchedPage:
    orders: list[Order]
    quarantined: list[Quarantined]
    high_water: datetime | None  # newest change stamp on this page, broken orders included


@dataclass(frozen=True)
class AdapterOptions:
    policy: RetryPolicy = RetryPolicy()
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] | None = None
    cancelled: Callable[[], bool] = field(default=lambda: False)
    # None: pace by the channel's documented quotas (each bucket its own rate and burst);
    # 0: no pacing at all (a sandbox with limits off); > 0: one flat rate for every call.
    rate_limit: float | None = None
    # The documented quotas run this many times faster; matches a sandbox's time_scale.
    time_scale: float = 1.0

    def limiter(self, name: str, per_second: float, burst: int = 1, *,
                start_tokens: float | None = None) -> RateLimiter:
        """The client-side pacer for one of the channel's quota buckets, under these options."""
        if self.rate_limit == 0:
            return RateLimiter(None, burst, name=name)
        if self.rate_limit is not None:
            return RateLimiter(self.rate_limit, max(1, burst), name=name)
        return RateLimiter(per_second * self.time_scale, burst, name=name, start_tokens=start_tokens)


@dataclass(frozen=True)
class QuotaState:
    """One quota bucket as a fetch sees it: shown in the fetch dialog and the log."""

    name: str  # the marketplace's operation or bucket, e.g. "getOrderItems"
    per_second: float | None  # refill rate; None = not paced
    capacity: int
    remaining: float  # tokens left in the bucket now
    pending_calls: int | None = None  # calls this fetch still knows it must make; None = unknown
    calls: int = 0  # calls made through this bucket so far

    @property
    def eta_seconds(self) -> float | None:
        """How long the known pending calls take at this quota; None when not known."""
        if self.pending_calls is None:
            return None
        if not self.per_second:
            return 0.0
        return max(0.0, (self.pending_calls - self.remaining) / self.per_second)

    def as_json(self) -> dict:
        return {"name": self.name, "per_second": self.per_second, "capacity": self.capacity,
                "remaining": round(self.remaining, 2), "pending_calls": self.pending_calls, "calls": self.calls,
                "eta_seconds": None if self.eta_seconds is None else round(self.eta_seconds, 1)}


def quota_of(limiter: RateLimiter, pending_calls: int | None = None) -> QuotaState:
    return QuotaState(limiter.name, limiter.per_second, limiter.capacity, limiter.available(), pending_calls,
                      limiter.acquired)


class ChannelAdapter(Protocol):
    channel: Channel

    def fetch_changes(self, since: datetime | None) -> Iterator[FetchedPage]:
        """All orders changed at or after ``since`` (None: the channel's initial window),
        oldest change first, one page at a time."""
        ...

    def check_connection(self) -> None:
        """Raise a ChannelError that says in plain words what is wrong, or return."""
        ...

    @property
    def requests_sent(self) -> int: ...

    def quota(self) -> list[QuotaState]:
        """The quota buckets this fetch is paced by, the tightest first. Called from the
        fetch's thread between pages, so it must be cheap and never block."""
        ...

    def close(self) -> None: ...


class StatusSender(Protocol):
    """Tells one account's marketplace what happened to an order (issue 5). Built by
    ``ChannelInfo.create_sender`` with the same credentials and options as the adapter.

    Errors are the neutral ChannelErrors: RateLimited (retry_after honoured), TransientError
    (network, 5xx: retried later), AuthError, Conflict (the marketplace's state forbids it; the
    caller reads back before calling it a failure), PermanentError (refused as invalid)."""

    def plan_status(self, status: OutboundStatus) -> list[PlannedCall]:
        """Exactly the calls ``send_status`` would make, without changing anything. May read
        from the marketplace (Shopware: the delivery's id); the rules preview shows this."""
        ...

    def send_status(self, status: OutboundStatus) -> list[PlannedCall]:
        """Send it; returns the calls made. Safe to call again after a failure part-way
        (already-applied steps are skipped or answered as applied, never doubled)."""
        ...

    def confirm_status(self, status: OutboundStatus) -> Confirmation:
        """Read the order back: does the marketplace show what ``status`` says? Used after
        sending (a mismatch is flagged) and before resending one found half-done after a crash."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ChannelInfo:
    channel: Channel
    display_name: str
    credential_fields: tuple[str, ...]
    secret_fields: tuple[str, ...]  # prompted without echo; all fields go to the keyring anyway
    production_url: str
    sandbox_url: str
    create: Callable[[str, dict[str, str], AdapterOptions], ChannelAdapter] | None  # None: not built yet
    # None: the channel cannot be told about shipments yet
    create_sender: Callable[[str, dict[str, str], AdapterOptions], StatusSender] | None = None
