"""OTTO Market as a channel: incremental fetching by change date, mapped and quarantined per order."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Iterator

from app.channels.base import AdapterOptions, FetchedPage, QuotaState, quota_of
from app.channels.http import HttpSession
from app.channels.otto.client import OttoClient, OttoToken, describe_otto_error
from app.channels.otto.mapping import MappingError, change_stamp, find_bad_text, order_identity, parse_order
from app.domain.orders import Channel, Order, Quarantined

# OTTO allows 20 requests/s per partner; pace 3 % below it (as for the other marketplaces) so the
# gap between taking a token and OTTO counting the request never earns a 429.
OTTO_RATE_LIMIT = 20.0 * 0.97
INITIAL_WINDOW = timedelta(days=90)  # how far back the first fetch of a new account looks
RAW_KEEP = 64_000  # characters of a broken order kept for the clerk / support


class OttoAdapter:
    channel = Channel.OTTO

    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        self.limiter = options.limiter("requests", OTTO_RATE_LIMIT, burst=5)
        self.session = HttpSession(
            base_url,
            policy=options.policy,
            limiter=self.limiter,
            transport=options.transport,
            sleep=options.sleep or time.sleep,
            describe_error=describe_otto_error,
            cancelled=options.cancelled,
        )
        self.token = OttoToken(credentials["client_id"], credentials["client_secret"])
        self.client = OttoClient(self.session, self.token)

    @property
    def requests_sent(self) -> int:
        return self.session.requests_sent + self.token.requests_sent

    def close(self) -> None:
        self.session.close()

    def quota(self) -> list[QuotaState]:
        return [quota_of(self.limiter)]

    def check_connection(self) -> None:
        self.session.request("GET", "/v4/orders", params={"limit": 1}, auth=self.token)

    def fetch_changes(self, since: datetime | None) -> Iterator[FetchedPage]:
        start = since or datetime.now(UTC) - INITIAL_WINDOW
        from_date = start.astimezone(UTC).isoformat(timespec="milliseconds")
        for raws, bad_bytes in self.client.order_pages(from_date):
            yield map_page(raws, bad_bytes)


def map_page(raws: list[Any], bad_bytes: bool) -> FetchedPage:
    orders: list[Order] = []
    broken: list[Quarantined] = []
    high: datetime | None = None
    for position, raw in enumerate(raws):
        stamp = change_stamp(raw)
        if stamp is not None and (high is None or stamp > high):
            high = stamp
        try:
            if bad_bytes:
                where = find_bad_text(raw)
                if where:
                    raise MappingError(f"{where} holds bytes that are not valid UTF-8 text")
            orders.append(parse_order(raw))
        except MappingError as exc:
            ident = order_identity(raw) or f"(unnamed order at position {position + 1} of the page)"
            broken.append(Quarantined(ident, str(exc), _raw_text(raw)))
    return FetchedPage(orders, broken, high)


def _raw_text(raw: Any) -> str:
    text = json.dumps(raw, ensure_ascii=True, default=str)  # ascii: surrogates survive as escapes
    return text if len(text) <= RAW_KEEP else text[:RAW_KEEP] + "…(truncated)"
