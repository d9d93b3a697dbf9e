"""updateOrders: the ERP's shipments, cancellations and events, all or nothing.

The body is checked against the OpenAPI schema, then every update is applied through the status
service inside ONE transaction, each in its own savepoint so that a refused update does not
disturb the checks of the others. If any update is refused, the whole transaction is rolled
back and the answer names each refused update; otherwise every update, its status protocols and
its ErpRequest row (the ref and the result) are committed together. A ref seen before is
answered with the stored result and writes nothing; a ref reused for a different update is
refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, Callable

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import Connection, Engine, select
from sqlalchemy import update as update_
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.api.openapi import document
from app.domain.shipments import ShipmentError
from app.domain.carriers import normalise
from app.domain.statuses import CANCEL_REASONS, StatusEvent
from app.services.status import ShipRequest, StatusService
from app.store import schema
from app.store import status_store as store
from app.store.db import write_transaction
from app.store.upsert import insert_for

log = logging.getLogger(__name__)

REQUESTS = schema.ErpRequest.__table__
SOURCE = "erp"
ATTEMPTS = 3  # a deadlock or a concurrent call with the same ref: the whole request is tried again
MAX_FUTURE_SHIP_DATE = timedelta(days=1)
RETRY_STATES = ("40P01", "40001")  # PostgreSQL: deadlock detected, serialization failure


@dataclass
class Problem:
    index: int | None
    ref: str | None
    path: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "ref": self.ref, "path": self.path, "reason": self.reason}


class UpdateRejected(Exception):
    """Some updates are invalid; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class _Update:
    index: int
    ref: str
    order: str
    digest: str
    shipments: list[tuple[ShipRequest, bool]] = field(default_factory=list)  # (request, carrier given)
    cancellations: list[tuple[str, list[tuple[str, int]] | None]] = field(default_factory=list)
    events: list[StatusEvent] = field(default_factory=list)


def _validator() -> Draft202012Validator:
    doc = document()
    registry = Registry().with_resource("urn:orderdesk:openapi",
                                        Resource.from_contents(doc, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": "urn:orderdesk:openapi#/components/schemas/UpdateOrdersRequest"},
                                registry=registry)


_VALIDATOR = _validator()


def _path(parts) -> str:  # type: ignore[no-untyped-def]
    return "/".join(str(p) for p in parts)


def _ref_at(body: Any, index: int | None) -> str | None:
    try:
        ref = body["updates"][index]["ref"]
    except (TypeError, KeyError, IndexError):
        return None
    return ref if isinstance(ref, str) else None


def _schema_problems(body: Any) -> list[Problem]:
    problems = []
    for error in sorted(_VALIDATOR.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        parts = list(error.absolute_path)
        index = parts[1] if len(parts) >= 2 and parts[0] == "updates" and isinstance(parts[1], int) else None
        message = error.message
        if error.validator == "oneOf" and len(parts) >= 2 and parts[-2] == "lines":
            message = "name the line by exactly one of sku or line_id"
        problems.append(Problem(index, _ref_at(body, index), _path(parts) or "(body)", message))
    return problems


def _nul_problems(body: Any) -> list[Problem]:
    """Text with NUL characters: PostgreSQL cannot store them, and no ERP means them."""
    found: list[Problem] = []

    def walk(value: Any, parts: list) -> None:  # type: ignore[type-arg]
        if isinstance(value, str):
            if "\x00" in value:
                index = parts[1] if len(parts) >= 2 and parts[0] == "updates" and isinstance(parts[1], int) else None
                found.append(Problem(index, _ref_at(body, index), _path(parts) or "(body)",
                                     "text may not contain NUL characters (\\u0000)"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, parts)
                walk(item, [*parts, key])
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, [*parts, i])

    walk(body, [])
    return found


def _ship_date(text: str | None, now: datetime) -> datetime | None:
    if text is None:
        return None
    try:
        if len(text) == 10:
            when = datetime.combine(datetime.fromisoformat(text).date(), time(0, 0), UTC)
        else:
            when = datetime.fromisoformat(text)
    except ValueError:
        raise ShipmentError(f"ship_date {text!r}: not an ISO-8601 date (2026-05-02) or date-time with offset "
                            f"(2026-05-02T14:30:00+02:00)") from None
    if when.tzinfo is None:
        raise ShipmentError(f"ship_date {text!r}: give the UTC offset (e.g. +02:00 or Z); the server cannot tell "
                            f"which time zone is meant")
    if when - now > MAX_FUTURE_SHIP_DATE:
        raise ShipmentError(f"ship_date {text!r}: lies in the future")
    return when.astimezone(UTC)


def _lines(items: list[dict] | None) -> list[tuple[str, int]] | None:
    if items is None:
        return None
    return [(item.get("sku") or item["line_id"], item["quantity"]) for item in items]


def _digest(item: dict) -> str:
    return hashlib.sha256(json.dumps(item, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _parse(index: int, item: dict, now: datetime) -> _Update:
    update = _Update(index, item["ref"], item["order"], _digest(item))
    for s in item.get("shipments", []):
        request = ShipRequest(
            order=item["order"], lines=_lines(s.get("lines")), tracking_number=s["tracking_number"],
            carrier=s.get("carrier"), carrier_name=s.get("carrier_name", ""),
            ship_date=_ship_date(s.get("ship_date"), now),
            return_tracking_number=s.get("return_tracking_number", ""), return_carrier=s.get("return_carrier"),
            skip_check_digit=s.get("skip_check_digit", False), source=SOURCE)
        update.shipments.append((request, s.get("carrier") is not None))
    for c in item.get("cancellations", []):
        update.cancellations.append((c.get("reason", ""), _lines(c.get("lines"))))
    update.events = [StatusEvent(e) for e in item.get("events", [])]
    if not (update.shipments or update.cancellations or update.events):
        raise ShipmentError("nothing to do: give shipments, cancellations or events")
    return update


def _lines_json(lines) -> list[dict]:  # type: ignore[no-untyped-def]
    return [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in lines]


class UpdateOrders:
    def __init__(self, engine: Engine, status: StatusService, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.status = status
        self.clock = clock

    def __call__(self, body: Any) -> list[dict]:
        """The result per update; raises UpdateRejected (nothing written)."""
        problems = _schema_problems(body) + _nul_problems(body)
        items = body.get("updates") if isinstance(body, dict) else None
        if not isinstance(items, list) or any(p.index is None for p in problems):
            raise UpdateRejected(problems)  # the request as a whole is malformed: no update is looked at
        now = self.clock()
        bad = {p.index for p in problems}
        parsed: list[_Update] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if index in bad:
                continue
            if item["ref"] in seen:
                problems.append(Problem(index, item["ref"], f"updates/{index}/ref",
                                        f"ref {item['ref']!r} appears twice in this request "
                                        f"(first at index {seen[item['ref']]})"))
                continue
            seen[item["ref"]] = index
            try:
                parsed.append(_parse(index, item, now))
            except ShipmentError as exc:
                problems.append(Problem(index, item["ref"], f"updates/{index}", str(exc)))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._apply(parsed, problems)
            except (IntegrityError, OperationalError) as exc:
                # Another call committed the same ref first, or a deadlock between two calls
                # touching the same orders (PostgreSQL): all of this one was rolled back; try
                # again. Anything else (SQLite still locked after its long busy timeout) is raised.
                retry = isinstance(exc, IntegrityError) or getattr(exc.orig, "sqlstate", None) in RETRY_STATES
                if attempt == ATTEMPTS or not retry:
                    raise
                log.info("updateOrders: retrying after %s", type(exc.orig).__name__ if isinstance(exc, DBAPIError)
                         else type(exc).__name__)
        raise AssertionError("unreachable")

    def _apply(self, parsed: list[_Update], known: list[Problem]) -> list[dict]:
        problems = list(known)
        results: list[dict] = []
        with write_transaction(self.engine) as conn:
            for update in parsed:
                try:
                    with conn.begin_nested():
                        results.append(self._one(conn, update))
                except (ShipmentError, store.OrderNotFound, ValueError) as exc:
                    problems.append(Problem(update.index, update.ref, f"updates/{update.index}", str(exc)))
            if problems:  # leaving the block with it rolls everything back
                raise UpdateRejected(sorted(problems, key=lambda p: (p.index is not None, p.index or 0)))
        return results

    def _one(self, conn: Connection, update: _Update) -> dict:
        # The ref is claimed first: a concurrent call with the same ref waits here (PostgreSQL
        # holds the key of an uncommitted insert) until the first commits, then replays it.
        claim = insert_for(conn, REQUESTS).values(ref=update.ref, received_at=self.clock(), result="")
        claimed = conn.execute(claim.on_conflict_do_nothing(index_elements=["ref"])
                               .returning(REQUESTS.c.ref)).first()
        if claimed is None:
            stored = conn.execute(select(REQUESTS.c.result).where(REQUESTS.c.ref == update.ref)).scalar_one()
            saved = json.loads(stored)
            if saved["digest"] != update.digest:
                raise ShipmentError(f"ref {update.ref!r} was used before for a different update; every update "
                                    f"needs its own ref")
            return {**saved["result"], "index": update.index, "replayed": True}
        order = store.find_order(conn, update.order)
        shipments = []
        for request, carrier_given in update.shipments:
            out = self.status.ship(replace(request, order=order.id), conn=conn)
            shipments.append({"shipment_id": out.shipment_id, "package_no": out.package_no,
                              "tracking_number": normalise(request.tracking_number), "carrier": out.carrier,
                              "carrier_proposed": not carrier_given, "carrier_code": out.carrier_code,
                              "lines": _lines_json(out.lines), "protocols": out.protocols,
                              "waiting_for_tracking": out.waiting, "note": out.note})
        cancellations = []
        for reason, lines in update.cancellations:
            got = self.status.cancel(order.id, lines, reason, SOURCE, conn=conn)
            reason = reason or CANCEL_REASONS[order.channel][0]  # what cancel() chose
            cancellations.append({"cancellation_id": got.record_id, "reason": reason,
                                  "lines": _lines_json(got.lines), "protocols": got.protocols})
        events = []
        for event in update.events:
            got = self.status.record_event(order.id, event, source=SOURCE, conn=conn)
            events.append({"event": event.value, "protocols": got.protocols})
        result = {"index": update.index, "ref": update.ref, "replayed": False,
                  "order": {"id": order.id, "order_number": order.order_number, "channel": order.channel.value},
                  "shipments": shipments, "cancellations": cancellations, "events": events}
        conn.execute(update_(REQUESTS).where(REQUESTS.c.ref == update.ref)
                     .values(result=json.dumps({"digest": update.digest, "result": result})))
        return result
