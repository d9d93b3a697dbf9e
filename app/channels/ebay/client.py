"""Thin client for the Sell Fulfillment API: getOrders (filter syntax, one page per call), one
order, its shipping fulfillments and creating one; eBay's error envelope in plain words, and the
server's clock from the Date header."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from app.channels.ebay.auth import EbayUserToken
from app.channels.errors import ChannelError, TransientError
from app.channels.http import HttpSession

ORDERS_PATH = "/sell/fulfillment/v1/order"
# The document allows limit=1000; a public integration reports eBay refusing more than 200
# (UNCONFIRMED). 200 works either way, and five times the calls is still far inside the daily quota.
PAGE_LIMIT = 200


@dataclass(frozen=True)
class OrderPage:
    orders: list[Any]
    total: int  # size of the whole result set when this page was cut
    has_next: bool  # eBay sent a `next` link
    server_time: datetime | None  # the response's Date header: eBay's clock, whole seconds


def ebay_time(moment: datetime) -> str:
    """The filter's timestamp format: UTC with milliseconds and Z (2025-05-02T08:14:00.000Z)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def modified_filter(start: datetime, end: datetime | None = None) -> str:
    """lastmodifieddate:[start..end] (end open when None); httpx percent-encodes the brackets."""
    return f"lastmodifieddate:[{ebay_time(start)}..{ebay_time(end) if end else ''}]"


def describe_ebay_error(response: httpx.Response) -> str:
    """The first entry of eBay's error envelope (or an OAuth error) for a plain log line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):  # an HTML error page or nothing at all: the status says enough
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        text = first.get("longMessage") or first.get("message")
        if isinstance(text, str) and text:
            error_id = first.get("errorId")
            suffix = f" (error {error_id})" if isinstance(error_id, int) else ""
            return f": {text[:200]}{suffix}"
    description = body.get("error_description")
    return f": {description[:200]}" if isinstance(description, str) and description else ""


@contextmanager
def ebay_errors() -> Iterator[None]:
    """Errors of the shared HTTP layer speak of "the marketplace"; the clerk should read "eBay"."""
    try:
        yield
    except ChannelError as exc:
        text = str(exc)
        if "eBay" not in text:
            named = text.replace("the marketplace", "eBay", 1)
            renamed = copy.copy(exc)
            renamed.args = (named if "eBay" in named else f"eBay: {text}",)
            raise renamed from None
        raise


def server_time(response: httpx.Response) -> datetime | None:
    try:
        moment = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def decode_page(response: httpx.Response) -> OrderPage:
    """A 200 that is not an OrderSearchPagedCollection (cut off, HTML) is retried like any transient fault."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise TransientError("eBay sent a page that is not valid JSON") from None
    orders = body.get("orders", []) if isinstance(body, dict) else None
    total = body.get("total") if isinstance(body, dict) else None
    if not isinstance(orders, list) or isinstance(total, bool) or not isinstance(total, int):
        raise TransientError("eBay sent a page without a list of orders")
    return OrderPage(orders, total, isinstance(body.get("next"), str), server_time(response))


def _body(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise TransientError(f"eBay sent {what} that is not valid JSON") from None
    if not isinstance(body, dict):
        raise TransientError(f"eBay sent {what} that is not a JSON object")
    return body


def decode_order(response: httpx.Response) -> dict[str, Any]:
    body = _body(response, "an order")
    if not isinstance(body.get("orderId"), str) or not isinstance(body.get("lineItems"), list):
        raise TransientError("eBay sent an order without its id and line items")
    return body


def decode_fulfillments(response: httpx.Response) -> list[dict[str, Any]]:
    """ShippingFulfillmentPagedCollection: the order's packages (none: an empty list)."""
    body = _body(response, "a list of shipping fulfillments")
    packages = body.get("fulfillments", [])
    if not isinstance(packages, list) or not all(isinstance(p, dict) for p in packages):
        raise TransientError("eBay sent shipping fulfillments that are not a list of packages")
    return packages


def order_path(order_id: str) -> str:
    return f"{ORDERS_PATH}/{quote(order_id, safe='')}"


def fulfillments_path(order_id: str) -> str:
    return f"{order_path(order_id)}/shipping_fulfillment"


class EbayClient:
    def __init__(self, session: HttpSession, token: EbayUserToken, write_session: HttpSession | None = None) -> None:
        self.session = session
        self.token = token
        # createShippingFulfillment is not idempotent: it goes through a session that does not
        # repeat it by itself (the caller checks the order's fulfillments before trying again).
        self.write_session = write_session or session

    def order_page(self, filter_text: str, offset: int, limit: int) -> OrderPage:
        params = {"filter": filter_text, "limit": limit, "offset": offset}
        return self.session.request("GET", ORDERS_PATH, params=params, auth=self.token,  # type: ignore[no-any-return]
                                    decode=decode_page)

    def probe(self) -> None:
        """One cheap authorised call: credentials, consent and address are fine if it answers."""
        self.session.request("GET", ORDERS_PATH, params={"limit": 1}, auth=self.token, decode=decode_page)

    def order(self, order_id: str) -> dict[str, Any]:
        return self.session.request("GET", order_path(order_id), auth=self.token,  # type: ignore[no-any-return]
                                    decode=decode_order)

    def shipping_fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        return self.session.request("GET", fulfillments_path(order_id), auth=self.token,  # type: ignore[no-any-return]
                                    decode=decode_fulfillments)

    def create_shipping_fulfillment(self, order_id: str, body: dict[str, Any]) -> str:
        """POST one package (201); the fulfillment's URI from Location ("" if eBay sent none)."""
        response = self.write_session.request("POST", fulfillments_path(order_id), json=body, auth=self.token)
        return str(response.headers.get("Location", ""))
