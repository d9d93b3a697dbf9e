"""getOrderItems paging: an order with many items comes in pages chained by NextToken."""

from __future__ import annotations

import base64
import binascii
import json

from app.sandbox.amazon.query import InvalidInput, encode_token


def _position(token: str, order_id: str) -> int:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("Invalid NextToken") from None
    if not isinstance(payload, dict) or payload.get("o") != order_id or not isinstance(payload.get("i"), int):
        raise InvalidInput("Invalid NextToken")
    return payload["i"]


def item_page(order_id: str, blobs: list[bytes], token: str | None, size: int) -> bytes:
    """The OrderItemsList payload of one page (rendered items are passed in as bytes)."""
    start = _position(token, order_id) if token else 0
    if not 0 <= start < max(1, len(blobs)):
        raise InvalidInput("Invalid NextToken")
    end = start + size
    tail = b""
    if end < len(blobs):
        tail = b',"NextToken":"%s"' % encode_token({"o": order_id, "i": end}).encode()
    return (b'{"AmazonOrderId":"%s","OrderItems":[' % order_id.encode() + b",".join(blobs[start:end]) + b"]"
            + tail + b"}")
