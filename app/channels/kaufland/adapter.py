"""Kaufland Seller API v2 as a channel: signed requests, incremental by unit change stamp,
one Order per id_order with one line per order unit (see changes.py for the fetch plan)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from app.channels.base import AdapterOptions, FetchedPage, QuotaState, quota_of
from app.channels.errors import ChannelError, RateLimited
from app.channels.http import HttpSession
from app.channels.kaufland.changes import DETAIL_WORKERS, ChangeWindow, Progress
from app.channels.kaufland.client import KauflandClient, describe_kaufland_error
from app.channels.kaufland.signing import KauflandSigner
from app.domain.orders import Channel

# Kaufland reportedly allows 111 requests per second per seller over all endpoints, one bucket,
# no limit headers. We pace at that full rate with a slightly smaller bucket: Kaufland counts a
# request a moment after we take its token, and with up to DETAIL_WORKERS requests in flight it
# may see them closer together than we took them. A bucket DETAIL_WORKERS + 1 tokens smaller
# absorbs exactly that, so a fetch that finds Kaufland's bucket full never gets ahead of it.
# (Another program using the same keys at the same time can still cause 429s; they are retried.)
# The refill is paced 2 % below Kaufland's: at exactly the same rate, the gap between taking a
# token and Kaufland counting the request slowly ate the reserve and one request in ~500 earned
# a 429 (measured with the limits time-scaled to 0.2).
KAUFLAND_DOCUMENTED_RATE = 111.0
KAUFLAND_RATE = KAUFLAND_DOCUMENTED_RATE * 0.98
KAUFLAND_BURST = int(KAUFLAND_DOCUMENTED_RATE) - DETAIL_WORKERS - 1
INITIAL_WINDOW = timedelta(days=90)  # how far back the first fetch of a new account looks


class KauflandAdapter:
    channel = Channel.KAUFLAND

    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        self.limiter = options.limiter("requests", KAUFLAND_RATE, burst=KAUFLAND_BURST)
        self.session = HttpSession(
            base_url,
            policy=options.policy,
            limiter=self.limiter,
            transport=options.transport,
            sleep=options.sleep or time.sleep,
            describe_error=describe_kaufland_error,
            cancelled=options.cancelled,
        )
        # Signing runs inside httpx for every attempt HttpSession makes: retries get a fresh timestamp.
        self.session.client.auth = KauflandSigner(credentials["client_key"].strip(), credentials["secret_key"])
        self.client = KauflandClient(self.session, credentials.get("storefront", "de").strip().lower() or "de")
        self.progress = Progress()

    @property
    def requests_sent(self) -> int:
        return self.session.requests_sent

    def close(self) -> None:
        self.session.close()

    def quota(self) -> list[QuotaState]:
        return [quota_of(self.limiter, self.progress.pending_calls())]

    def check_connection(self) -> None:
        with _named():
            self.client.check_access()

    def fetch_changes(self, since: datetime | None) -> Iterator[FetchedPage]:
        start = since or datetime.now(UTC) - INITIAL_WINDOW
        self.progress = Progress()
        with _named():
            yield from ChangeWindow(self.client, start, self.progress).pages()


class _named:
    """Context manager: channel errors leave with "Kaufland: " in front (same type, same details),
    so a log line names the marketplace whichever layer raised it."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, ChannelError) and not str(exc).startswith("Kaufland"):
            text = f"Kaufland: {exc}"
            named = RateLimited(text, exc.retry_after) if isinstance(exc, RateLimited) else type(exc)(text)
            raise named from None
        return False
