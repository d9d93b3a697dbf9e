"""Amazon (SP-API Orders v0) as a channel: changed orders by LastUpdateDate, each completed
with its items, mapped strictly and quarantined one by one.

getOrders hands out 100 orders a call but each order needs its own getOrderItems call, and
that operation's plan (0.5/s, burst 30) is what bounds a fetch: the burst goes first, then
one order every two seconds. Paced like that, orders are handed to the store in small
batches, each with the stamp of its newest order as the watermark, so a fetch that is
cancelled or fails keeps everything it paid for; unpaced (a sandbox without limits), a whole
getOrders page is one batch.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Iterator

from app.channels.amazon.auth import ORDERS_PII, LwaToken, RestrictedDataToken, lwa_url, token_rejected
from app.channels.amazon.client import AmazonClient, describe_amazon_error
from app.channels.amazon.mapping import MappingError, build_order, change_stamp, order_identity, read_header
from app.channels.amazon.pacing import CREATE_RDT, GET_ORDER_ITEMS, GET_ORDERS, LEDGER
from app.channels.amazon.window import amazon_time, walk
from app.channels.base import AdapterOptions, FetchedPage, QuotaState, quota_of
from app.channels.errors import PermanentError
from app.channels.http import HttpSession
from app.domain.orders import Channel, Order, Quarantined

INITIAL_WINDOW = timedelta(days=90)  # how far back the first fetch of a new account looks
DETAIL_BATCH = 20  # orders per page handed to the store when paced: 40 s of getOrderItems at Amazon's pace
RAW_KEEP = 64_000  # characters of a broken order kept for the clerk / support


class AmazonAdapter:
    channel = Channel.AMAZON

    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        # The quota ledger's key for this seller: Amazon's buckets are per app and seller
        # authorisation. Hashed, so no secret sits in the key.
        self._account = hashlib.sha256("\n".join(
            (base_url, credentials["client_id"], credentials["refresh_token"])).encode()).hexdigest()
        self.orders_pacer = LEDGER.limiter(options, self._account, GET_ORDERS)
        self.items_pacer = LEDGER.limiter(options, self._account, GET_ORDER_ITEMS)
        self.rdt_pacer = LEDGER.limiter(options, self._account, CREATE_RDT)
        sleep = options.sleep or time.sleep
        # The session's own pacer stays unlimited: every call names its operation's bucket.
        self.session = HttpSession(base_url, policy=options.policy, transport=options.transport, sleep=sleep,
                                   describe_error=describe_amazon_error, cancelled=options.cancelled,
                                   auth_expired=token_rejected)
        self.lwa = LwaToken(lwa_url(base_url), credentials["client_id"], credentials["client_secret"],
                            credentials["refresh_token"])
        self.rdt = RestrictedDataToken(self.lwa, ORDERS_PII, self.rdt_pacer, sleep)
        pacers = {"getOrders": self.orders_pacer, "getOrderItems": self.items_pacer}
        self.client = AmazonClient(self.session, pacers, self.lwa, self.rdt, credentials["marketplace_id"])
        self._pending_items = 0  # orders of the current getOrders page still waiting for getOrderItems

    @property
    def requests_sent(self) -> int:
        return self.session.requests_sent + self.lwa.requests_sent + self.rdt.requests_sent

    def quota(self) -> list[QuotaState]:
        return [quota_of(self.items_pacer, self._pending_items), quota_of(self.orders_pacer),
                quota_of(self.rdt_pacer)]

    def close(self) -> None:
        for pacer in (self.orders_pacer, self.items_pacer, self.rdt_pacer):
            LEDGER.remember(self._account, pacer)
        self.session.close()

    def check_connection(self) -> None:
        """Token, restricted data token and one order: credentials, PII role and marketplace."""
        day_ago = datetime.now(UTC) - timedelta(days=1)
        self.client.orders_page({"CreatedAfter": amazon_time(day_ago)}, None, page_size=1)

    def fetch_changes(self, since: datetime | None) -> Iterator[FetchedPage]:
        start = since or datetime.now(UTC) - INITIAL_WINDOW
        for page in walk(self.client.orders_page, start):
            self._pending_items = len(page.orders)
            batch = DETAIL_BATCH if self.items_pacer.per_second else max(1, len(page.orders))
            for start_at in range(0, len(page.orders), batch):
                yield self._complete(page.orders[start_at:start_at + batch], page.ascending)
            if page.settled is not None:
                yield FetchedPage([], [], page.settled)

    def _complete(self, raws: list[Any], ascending: bool) -> FetchedPage:
        """Fetch each order's items and map it; a broken order is set aside, the rest go on."""
        orders: list[Order] = []
        broken: list[Quarantined] = []
        for position, raw in enumerate(raws):
            items: list[Any] | None = None
            try:
                header = read_header(raw)
                try:
                    items = self.client.order_items(header.order_id)
                except PermanentError as exc:  # Amazon refuses this one order's items
                    raise MappingError(f"its items could not be read: {exc}") from None
                orders.append(build_order(header, items))
            except MappingError as exc:
                name = order_identity(raw) or f"(unnamed order at position {position + 1} of the page)"
                broken.append(Quarantined(name, str(exc), _raw_text(raw, items)))
            finally:
                self._pending_items = max(0, self._pending_items - 1)
        stamps = [stamp for stamp in map(change_stamp, raws) if stamp is not None]
        return FetchedPage(orders, broken, max(stamps) if ascending and stamps else None)


def _raw_text(raw: Any, items: list[Any] | None) -> str:
    text = json.dumps({"order": raw, "items": items}, ensure_ascii=True, default=str)
    return text if len(text) <= RAW_KEEP else text[:RAW_KEEP] + "…(truncated)"

