"""Thin httpx client for OTTO Market: token endpoint, Orders v4 paging, shipments and cancellations."""

from __future__ import annotations

import json
from typing import Any, Iterator
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from app.channels.errors import AuthError, Conflict, PermanentError, TransientError
from app.channels.http import HttpSession
from app.channels.tokens import CachedToken

PAGE_LIMIT = 128  # OTTO's maximum


def describe_otto_error(response: httpx.Response) -> str:
    """The first error title/detail of OTTO's envelope, for a plain log line."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            text = first.get("detail") or first.get("title") or ""
            return f": {str(text)[:200]}" if text else ""
        if isinstance(body.get("error_description"), str):
            return f": {body['error_description'][:200]}"
    return ""


def otto_error_lines(response: httpx.Response, limit: int = 5) -> list[str]:
    """Every entry of OTTO's error envelope as "where: detail" (where = jsonPath when given)."""
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    lines = []
    for entry in errors if isinstance(errors, list) else []:
        if not isinstance(entry, dict):
            continue
        text = str(entry.get("detail") or entry.get("title") or "")[:200]
        where = str(entry.get("jsonPath") or "")[:80]
        if text:
            lines.append(f"{where}: {text}" if where else text)
    return lines[:limit]


WRITE = "orderdesk_write"  # request extension naming what a state-changing request does


def refuse_on_state_or_input(response: httpx.Response) -> None:
    """Response hook for OTTO's state-changing requests (marked with the ``WRITE`` extension):
    409 = the items' state forbids it (Conflict), 400/404/422 = the request itself is wrong
    (PermanentError naming the field). Raised from inside the HttpSession attempt, so such an
    answer is never retried; 429, 5xx and network trouble still are."""
    what = response.request.extensions.get(WRITE)
    status = response.status_code
    if not what or status not in (400, 404, 409, 422):
        return
    response.read()
    details = "; ".join(otto_error_lines(response)) or f"HTTP {status} without details"
    if status == 409:
        raise Conflict(f"OTTO refused the {what} because of the items' state (HTTP 409): {details}")
    if status == 404:
        raise PermanentError(f"OTTO does not know the order or position item of this {what} (HTTP 404): {details}")
    raise PermanentError(f"OTTO rejected the {what} as invalid (HTTP {status}): {details}")


def segment(value: str) -> str:
    """One path segment, percent-encoded (OTTO ids are UUIDs; anything else must not break the path)."""
    return quote(value, safe="")


class OttoToken(CachedToken):
    """Client-credentials bearer token, renewed a minute before it expires or after a 401."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        super().__init__()
        self._form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret,
                      "scope": "orders receipts shipments"}

    def _fetch(self, client: httpx.Client) -> tuple[str, int]:
        self.requests_sent += 1
        try:
            response = client.post("/v1/token", data=self._form)
        except httpx.HTTPError as exc:
            raise TransientError(f"the OTTO token service could not be reached ({type(exc).__name__})") from None
        if response.status_code in (400, 401, 403):
            raise AuthError(f"OTTO rejected the client id or secret (HTTP {response.status_code})")
        if response.status_code >= 300:
            raise TransientError(f"the OTTO token service answered HTTP {response.status_code}")
        try:
            body = response.json()
            return str(body["access_token"]), int(body.get("expires_in", 1800))
        except (ValueError, KeyError, TypeError):
            raise TransientError("the OTTO token service sent an unreadable answer") from None


def decode_page(content: bytes) -> tuple[dict[str, Any], bool]:
    """Parse a page; bytes that are not UTF-8 are kept as surrogates so only the order that
    holds them is quarantined, not the whole page. Returns (page, had_bad_bytes)."""
    try:
        return json.loads(content), False
    except UnicodeDecodeError:
        text = content.decode("utf-8", errors="surrogateescape")
        bad = True
    except ValueError:
        raise TransientError("OTTO sent a page that is not valid JSON") from None
    try:
        return json.loads(text), bad
    except ValueError:
        raise TransientError("OTTO sent a page that is not valid JSON") from None


class OttoClient:
    def __init__(self, session: HttpSession, token: OttoToken) -> None:
        self.session = session
        self.token = token

    def order_pages(self, from_date: str | None) -> Iterator[tuple[list[Any], bool]]:
        """Yield the raw orders of each page, oldest change first, following ``links[rel=next]``."""
        params: dict[str, Any] = {"limit": PAGE_LIMIT, "orderDirection": "ASC",
                                  "orderColumnType": "ORDER_LIFECYCLE_DATE"}
        if from_date:
            params["fromDate"] = from_date
        while True:
            page, bad_bytes = self.session.request("GET", "/v4/orders", params=params, auth=self.token,
                                                   decode=_decode_order_page)
            yield page.get("resources") or [], bad_bytes
            cursor = next_cursor(page.get("links"))
            if cursor is None:
                return
            params = {"limit": PAGE_LIMIT, "nextcursor": cursor}

    def order(self, sales_order_id: str) -> dict[str, Any]:
        body, _ = self.session.request("GET", f"/v4/orders/{sales_order_id}", auth=self.token,
                                       decode=lambda r: decode_page(r.content))
        if not isinstance(body, dict):
            raise PermanentError("OTTO sent an order that is not an object")
        return body

    # -- status back to OTTO (issue 5) ------------------------------------------------------------
    def write(self, method: str, path: str, body: dict[str, Any] | None, what: str) -> dict[str, Any] | None:
        """A state-changing request (``what`` names it in errors: "shipment", "cancellation").
        Answers OTTO's JSON object, None for an empty body. 409 raises Conflict, 400/404/422
        PermanentError (see ``refuse_on_state_or_input``, which the caller's session must carry)."""
        return self.session.request(method, path, json=body, auth=self.token, extensions={WRITE: what},
                                    decode=_decode_optional_object)

    def shipment_by_tracking(self, carrier: str, tracking_number: str) -> dict[str, Any] | None:
        """GET /v1/shipments/carriers/{carrier}/trackingnumbers/{trackingNumber}; None if OTTO has none."""
        try:
            return self.session.request("GET", shipment_by_tracking_path(carrier, tracking_number), auth=self.token,
                                        decode=_decode_object)
        except PermanentError as exc:
            if "(HTTP 404)" in str(exc):  # HttpSession's wording for a 404
                return None
            raise


SHIPMENTS_PATH = "/v1/shipments"


def cancel_order_path(sales_order_id: str) -> str:
    return f"/v4/orders/{segment(sales_order_id)}/cancellation"


def shipment_by_tracking_path(carrier: str, tracking_number: str) -> str:
    return f"/v1/shipments/carriers/{segment(carrier)}/trackingnumbers/{segment(tracking_number)}"


def cancel_items_path(sales_order_id: str, position_item_ids: list[str]) -> str:
    ids = ",".join(segment(pid) for pid in position_item_ids)
    return f"/v4/orders/{segment(sales_order_id)}/positionItems/{ids}/cancellation"


def _decode_optional_object(response: httpx.Response) -> dict[str, Any] | None:
    return _decode_object(response) if response.content.strip() else None


def _decode_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise TransientError("OTTO sent an answer that is not valid JSON") from None
    if not isinstance(body, dict):
        raise TransientError("OTTO sent an answer that is not a JSON object")
    return body


def _decode_order_page(response: httpx.Response) -> tuple[dict[str, Any], bool]:
    page, bad_bytes = decode_page(response.content)
    if not isinstance(page, dict) or not isinstance(page.get("resources", []), list):
        raise TransientError("OTTO sent a page without a list of orders")
    return page, bad_bytes


def next_cursor(links: object) -> str | None:
    if not isinstance(links, list):
        return None
    for link in links:
        if isinstance(link, dict) and link.get("rel") == "next" and isinstance(link.get("href"), str):
            values = parse_qs(urlsplit(link["href"]).query).get("nextcursor")
            if values:
                return values[0]
    return None
