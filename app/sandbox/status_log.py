"""What each sandbox was told about shipments, cancellations and state changes.

Tests and the read-back check need the marketplace's side of the story: every status-changing
request that a sandbox accepted is recorded here (served at ``GET /_sandbox/status-requests``),
and ``POST /_sandbox/status-requests/swallow {"count": N}`` makes the next N such requests answer
as success while changing nothing, as a marketplace that silently drops an update would; the
read-back check must catch that.
"""

from __future__ import annotations

import threading
from typing import Any


class StatusRecorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[dict[str, Any]] = []
        self._swallow = 0

    def swallow(self, count: int) -> None:
        with self._lock:
            self._swallow = count

    def take_swallow(self) -> bool:
        """True: answer this status request as accepted but change nothing (and record it so)."""
        with self._lock:
            if self._swallow <= 0:
                return False
            self._swallow -= 1
            return True

    def record(self, *, order_id: str, kind: str, swallowed: bool = False, **details: Any) -> None:
        """``kind``: shipment, cancel, transition, tracking; ``order_id``: the marketplace's order
        id as the clients know it (OTTO salesOrderId, Amazon AmazonOrderId, eBay orderId, Kaufland
        id_order, Shopware order id); ``details``: carrier_code, tracking_number, lines
        [{"line_id", "quantity"}], reason, transition, ... as the request carried them."""
        with self._lock:
            self._records.append({"seq": len(self._records) + 1, "order_id": order_id, "kind": kind,
                                  "swallowed": swallowed, **details})

    def records(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._records]
