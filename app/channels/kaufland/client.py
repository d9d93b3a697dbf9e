"""Thin httpx client for Kaufland Seller API v2: the two order lists, order details, and
marking order units sent or cancelled (issue 5).

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

from app.channels.errors import Conflict, PermanentError, TransientError
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


def kaufland_problem(response: httpx.Response) -> str:
    """Kaufland's ErrorResponse as "message (field: message; ...)" for a refusal sentence."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    message = str(body.get("message") or "")[:200]
    errors = body.get("errors")
    fields = [f"{str(e.get('field'))[:60]}: {str(e.get('message') or '')[:120]}"
              for e in (errors if isinstance(errors, list) else []) if isinstance(e, dict) and e.get("field")]
    if fields:
        message = f"{message} ({'; '.join(fields[:5])})" if message else "; ".join(fields[:5])
    return message


WRITE = "orderdesk_write"  # request extension naming what a state-changing request does


def refuse_on_state_or_input(response: httpx.Response) -> None:
    """Response hook for Kaufland's state-changing requests (marked with the ``WRITE`` extension):
    403 = the unit's state forbids it (Conflict; Kaufland's auth failures are 401), 400/404/422 =
    the request itself is wrong (PermanentError naming the field). Raised inside the HttpSession
    attempt, so such an answer is never retried; 429, 5xx and network trouble still are."""
    what = response.request.extensions.get(WRITE)
    status = response.status_code
    if not what or status not in (400, 403, 404, 422):
        return
    response.read()
    details = kaufland_problem(response) or f"HTTP {status} without details"
    if status == 403:
        raise Conflict(f"Kaufland refused the {what} because of the order unit's state (HTTP 403): {details}")
    if status == 404:
        raise PermanentError(f"Kaufland does not know the order unit of this {what} (HTTP 404): {details}")
    raise PermanentError(f"Kaufland rejected the {what} as invalid (HTTP {status}): {details}")


def unit_path(id_order_unit: str, action: str = "") -> str:
    """/v2/order-units/{id}[/action]; the id must be Kaufland's number (OrderLine.external_id)."""
    if not (id_order_unit.isascii() and id_order_unit.isdigit()):
        raise PermanentError(f"{id_order_unit!r} is not a Kaufland order unit id; fetch the order again")
    return f"/v2/order-units/{id_order_unit}" + (f"/{action}" if action else "")


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

    def write(self, method: str, path: str, body: dict[str, Any] | None, what: str) -> None:
        """A state-changing request (``what`` names it in errors: "shipment", "cancellation"); 204
        expected. 403 raises Conflict, 400/404/422 PermanentError (``refuse_on_state_or_input``,
        which the caller's session must carry)."""
        self.session.request(method, path, json=body, extensions={WRITE: what})

    def unit(self, id_order_unit: str) -> dict[str, Any]:
        """OrderUnitDetails of one unit (GET /v2/order-units/{id})."""
        return self.session.request("GET", unit_path(id_order_unit), decode=_decode_details)

    def order(self, id_order: str) -> dict[str, Any] | None:
        """OrderDetails with every unit; None if Kaufland does not know the order (404)."""
        try:
            return self.session.request("GET", f"/v2/orders/{quote(id_order, safe='')}", decode=_decode_details)
        except PermanentError as exc:
            if "(HTTP 404)" in str(exc):  # HttpSession's wording for a 404
                return None
            raise
