"""Thin httpx client for Kaufland Seller API v2: the two order lists and order details.

Everything goes through HttpSession (retries, backoff, pacing); the session's httpx client
signs each attempt (signing.py). Lists page by offset, at most 100 rows per page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from app.channels.errors import PermanentError, TransientError
from app.channels.http import HttpSession

PAGE_LIMIT = 100  # the API's maximum for /order-units and /orders
MERCHANT_FULFILLED = "fulfilled_by_merchant"  # units Kaufland ships itself are not the desk's work
_HINTS = {
    "/problems/corrupted-signature": "check the secret key",
    "/problems/invalid-credentials": "check the client key",
    "/problems/inactive-account": "the seller account is not active",
    "/problems/storefront-not-configured": "check the storefront of the account",
}


def describe_kaufland_error(response: httpx.Response) -> str:
    """Kaufland's ErrorResponse in a few plain words, for the log line of a failed request."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    message = str(body.get("message") or "")[:200]
    problem = str(body.get("type") or "")
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else None
    if first and first.get("field") and first.get("field") not in message:
        message = f"{message} ({str(first['field'])[:60]}: {str(first.get('message') or '')[:120]})"
    hint = _HINTS.get(problem)
    if problem == "/problems/missing-or-invalid-request-header" and "Shop-Timestamp" in message:
        hint = "check the date and time of this computer"
    text = "; ".join(part for part in (message, hint) if part)
    return f": {text}" if text else ""


@dataclass(frozen=True)
class ListPage:
    rows: list[Any]
    offset: int
    total: int | None  # pagination.total when the answer carried one


def _decode_list(response: httpx.Response) -> tuple[list[Any], int | None]:
    try:
        body = json.loads(response.content)
    except ValueError:  # cut off, garbled or not JSON at all: worth fetching again
        raise TransientError("Kaufland sent a page that is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise TransientError("Kaufland sent a page without a list of data")
    pagination = body.get("pagination")
    total = pagination.get("total") if isinstance(pagination, dict) else None
    return body["data"], total if isinstance(total, int) and not isinstance(total, bool) else None


def _decode_details(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        raise TransientError("Kaufland sent an order that is not valid JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise TransientError("Kaufland sent an order without data")
    return body["data"]


class KauflandClient:
    def __init__(self, session: HttpSession, storefront: str) -> None:
        self.session = session
        self.storefront = storefront

    def ping(self) -> None:
        self.session.request("GET", "/v2/status/ping")

    def check_access(self) -> None:
        """One cheap signed call that also proves the storefront is valid for the account."""
        self.session.request("GET", "/v2/orders", params={"storefront": self.storefront, "limit": 1})

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[ListPage]:
        """Offset pages until a short page or the reported total; strictly one after another
        (see changes.py for why parallel offset pages could skip rows)."""
        offset = 0
        while True:
            rows, total = self.session.request("GET", path, params={**params, "limit": PAGE_LIMIT, "offset": offset},
                                               decode=_decode_list)  # fmt: skip
            yield ListPage(rows, offset, total)
            offset += len(rows)
            if len(rows) < PAGE_LIMIT or (total is not None and offset >= total):
                return

    def changed_units(self, updated_from: str) -> Iterator[ListPage]:
        """Order units changed at or after `updated_from`, newest change first."""
        return self._pages("/v2/order-units", {"storefront": self.storefront, "fulfillment_type": MERCHANT_FULFILLED,
                                               "ts_updated_from_iso": updated_from, "sort": "ts_updated:desc"})

    def changed_orders(self, units_updated_from: str) -> Iterator[ListPage]:
        """Orders with a unit changed at or after `units_updated_from` (id, unit count, stamp)."""
        return self._pages("/v2/orders", {"storefront": self.storefront, "fulfillment_type": MERCHANT_FULFILLED,
                                          "ts_units_updated_from_iso": units_updated_from})

    def order(self, id_order: str) -> dict[str, Any] | None:
        """OrderDetails with every unit; None if Kaufland does not know the order (404)."""
        try:
            return self.session.request("GET", f"/v2/orders/{quote(id_order, safe='')}", decode=_decode_details)
        except PermanentError as exc:
            if "(HTTP 404)" in str(exc):  # HttpSession's wording for a 404
                return None
            raise
