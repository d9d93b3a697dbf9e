"""What every channel adapter offers the services, and the pages it yields while fetching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterator, Protocol

import httpx

from app.channels.http import RetryPolicy
from app.domain.orders import Channel, Order, Quarantined


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
    rate_limit: float | None = None  # requests/s; None = the channel's documented quota


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
