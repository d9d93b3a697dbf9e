"""Thin httpx client for Amazon's Orders v0: getOrders pages, one order, an order's items, and
confirmShipment.

One HttpSession; each call is paced by its operation's own usage plan (the pacers come from
pacing.py). Errors leave here named after Amazon and the operation.
"""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import quote

import httpx

from app.channels.amazon.auth import LwaToken, RestrictedDataToken
from app.channels.errors import ChannelError, PermanentError, RateLimited, TransientError
from app.channels.http import HttpSession, RateLimiter, TokenSource

ORDERS_PATH = "/orders/v0/orders"
PAGE_SIZE = 100  # getOrders' MaxResultsPerPage maximum
MAX_ITEM_PAGES = 100  # an order with more getOrderItems pages than this is not a real order


def describe_amazon_error(response: httpx.Response) -> str:
    """The first entry of Amazon's `errors` list (code, message, details) for a plain log line."""
    try:
        body = response.json()
    except ValueError:
        return ""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return ""
    first = errors[0]
    text = " – ".join(str(first[k]) for k in ("code", "message") if first.get(k))
    if first.get("details"):
        text += f" ({first['details']})"
    return f": {text[:200]}" if text else ""


def _json(response: httpx.Response, operation: str) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:  # includes bytes that are not UTF-8
        raise TransientError(f"Amazon sent a {operation} answer that is not valid JSON") from None
    payload = body.get("payload") if isinstance(body, dict) else None
    if not isinstance(payload, dict):
        raise TransientError(f"Amazon sent a {operation} answer without a payload")
    return payload


def decode_orders_page(response: httpx.Response) -> dict[str, Any]:
    payload = _json(response, "getOrders")
    if not isinstance(payload.get("Orders"), list) or not isinstance(payload.get("NextToken", ""), str):
        raise TransientError("Amazon sent a getOrders page without a list of orders")
    return payload


def decode_order(response: httpx.Response) -> dict[str, Any]:
    payload = _json(response, "getOrder")
    if not isinstance(payload.get("AmazonOrderId"), str) or not isinstance(payload.get("OrderStatus"), str):
        raise TransientError("Amazon sent a getOrder answer without the order's id and status")
    return payload


def decode_items_page(response: httpx.Response) -> dict[str, Any]:
    payload = _json(response, "getOrderItems")
    if not isinstance(payload.get("OrderItems"), list) or not isinstance(payload.get("NextToken", ""), str):
        raise TransientError("Amazon sent a getOrderItems page without a list of items")
    return payload


def confirm_shipment_path(order_id: str) -> str:
    return f"{ORDERS_PATH}/{quote(order_id, safe='')}/shipmentConfirmation"


class AmazonClient:
    def __init__(self, session: HttpSession, pacers: dict[str, RateLimiter], lwa: LwaToken,
                 rdt: RestrictedDataToken, marketplace_id: str) -> None:
        self.session = session
        self.pacers = pacers  # operation -> its usage plan's bucket
        self.lwa = lwa
        self.rdt = rdt
        self.marketplace_id = marketplace_id

    def orders_page(self, filters: dict[str, str], next_token: str | None = None,
                    page_size: int | None = None) -> dict[str, Any]:
        """One getOrders payload, with the RDT so addresses and buyer e-mails come inline.
        With a NextToken the same filters are sent again: they keep applying."""
        params = {"MarketplaceIds": self.marketplace_id, **filters,
                  "MaxResultsPerPage": str(page_size or PAGE_SIZE)}
        if next_token:
            params["NextToken"] = next_token
        return self._call("getOrders", ORDERS_PATH, params, self.rdt, decode_orders_page)

    def order_items(self, order_id: str) -> list[Any]:
        """Every item of an order, following getOrderItems' NextToken."""
        path = f"{ORDERS_PATH}/{quote(order_id, safe='')}/orderItems"
        items: list[Any] = []
        token: str | None = None
        for _ in range(MAX_ITEM_PAGES):
            params = {"NextToken": token} if token else None
            payload = self._call("getOrderItems", path, params, self.lwa, decode_items_page)
            items.extend(payload["OrderItems"])
            token = payload.get("NextToken") or None
            if token is None:
                return items
        raise PermanentError(f"Amazon order {order_id} has more than {MAX_ITEM_PAGES} pages of items")

    def order(self, order_id: str) -> dict[str, Any]:
        """getOrder without personal data: the order's status and item counts."""
        path = f"{ORDERS_PATH}/{quote(order_id, safe='')}"
        return self._call("getOrder", path, None, self.lwa, decode_order)

    def confirm_shipment(self, order_id: str, body: dict[str, Any]) -> None:
        """POST confirmShipment (204). The session retries faults; that is safe here because a
        package that already went through is refused by its packageReferenceId, never shipped twice
        (the caller reads the order back to tell that refusal from others)."""
        try:
            self.session.request("POST", confirm_shipment_path(order_id), json=body, auth=self.lwa,
                                 limiter=self.pacers["confirmShipment"])
        except ChannelError as exc:
            raise _named(exc, "confirmShipment") from None

    def _call(self, operation: str, path: str, params: dict[str, str] | None, auth: TokenSource,
              decode: Callable[[httpx.Response], dict[str, Any]]) -> dict[str, Any]:
        try:
            return self.session.request("GET", path, params=params, auth=auth, decode=decode,  # type: ignore[no-any-return]
                                        limiter=self.pacers[operation])
        except ChannelError as exc:
            raise _named(exc, operation) from None


def _named(exc: ChannelError, operation: str) -> ChannelError:
    """The shared session speaks of "the marketplace"; the clerk should read which one."""
    message = str(exc)
    if "Amazon" in message:
        return exc
    message = f"Amazon {operation}: {message.replace('the marketplace', 'Amazon', 1)}"
    if isinstance(exc, RateLimited):
        return RateLimited(message, exc.retry_after)
    return type(exc)(message)
