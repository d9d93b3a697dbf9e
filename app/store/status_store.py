"""Shipments, cancellations, status rules, settings and the status-protocol outbox.

Claims are conditional UPDATEs (``... WHERE id = :id AND state = :expected``), atomic on SQLite and
PostgreSQL alike, so two transmissions (two workstations, a desk and the server) never send the
same protocol; a claim is a lease, so one held by a crashed process is taken over once it runs
out, and then checked against the marketplace before anything is resent.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import Connection, Engine, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.domain.orders import LineStatus
from app.domain.shipments import LineState, Package
from app.domain.statuses import (
    DEFAULT_RULES,
    OutboundStatus,
    ProtocolState,
    StatusEvent,
    StatusLine,
    StatusRule,
    StatusType,
)
from app.domain.orders import Channel
from app.store import schema
from app.store.db import is_postgres, write_transaction

ORDERS = schema.Order.__table__
LINES = schema.OrderLine.__table__
ACCOUNTS = schema.Account.__table__
EVENTS = schema.OrderEvent.__table__
SHIPMENTS = schema.Shipment.__table__
SHIPMENT_LINES = schema.ShipmentLine.__table__
CANCELLATIONS = schema.Cancellation.__table__
CANCELLATION_LINES = schema.CancellationLine.__table__
RULES = schema.StatusRuleRow.__table__
PROTOCOLS = schema.StatusProtocol.__table__
SETTINGS = schema.Setting.__table__

LEASE = timedelta(minutes=5)  # a claim not finished within this is taken over (its holder died)


class OrderNotFound(LookupError):
    """No such order, or an order number that several accounts share; the message says which."""


@dataclass(frozen=True)
class OrderRef:
    id: int
    account_id: int
    account_name: str
    channel: Channel
    marketplace_id: str
    order_number: str
    hold_reason: str | None


@dataclass(frozen=True)
class ProtocolRecord:
    id: int
    order_id: int
    order_number: str
    account_id: int
    account_name: str
    channel: str
    event: str
    status_type: str
    value: str
    state: str
    attempts: int
    last_error: str
    next_try_at: datetime
    wait_until: datetime | None
    sent_at: datetime | None
    verified: bool | None
    verify_detail: str
    created_at: datetime
    payload: str
    sent_request: str
    claim_token: str | None = None

    @property
    def status(self) -> OutboundStatus:
        return OutboundStatus.from_json(self.payload)

    def as_json(self) -> dict[str, Any]:
        status = self.status
        return {"id": self.id, "order_id": self.order_id, "order_number": self.order_number,
                "account": self.account_name, "channel": self.channel, "event": self.event,
                "status_type": self.status_type, "value": self.value, "state": self.state,
                "attempts": self.attempts, "last_error": self.last_error,
                "next_try_at": self.next_try_at.isoformat() if self.next_try_at else None,
                "wait_until": self.wait_until.isoformat() if self.wait_until else None,
                "sent_at": self.sent_at.isoformat() if self.sent_at else None,
                "verified": self.verified, "verify_detail": self.verify_detail,
                "created_at": self.created_at.isoformat(),
                "tracking_number": status.tracking_number, "carrier_code": status.carrier_code,
                "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in status.lines],
                "package_no": status.package_no, "reason": status.reason,
                "sent_request": json.loads(self.sent_request) if self.sent_request else None}


# -- orders ----------------------------------------------------------------------------------------

def _order_select():  # type: ignore[no-untyped-def]
    return (select(ORDERS.c.id, ORDERS.c.account_id, ACCOUNTS.c.name.label("account_name"), ORDERS.c.channel,
                   ORDERS.c.marketplace_id, ORDERS.c.order_number, ORDERS.c.hold_reason)
            .join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id))


def find_order(conn: Connection, ref: int | str) -> OrderRef:
    """By OrderDesk id (int, or "#123"), order number or marketplace id."""
    text = str(ref).strip()
    if isinstance(ref, int) or (text.startswith("#") and text[1:].isdigit()):
        rows = conn.execute(_order_select().where(ORDERS.c.id == int(text.lstrip("#")))).all()
    else:
        rows = conn.execute(_order_select().where(ORDERS.c.order_number == text)).all() or \
            conn.execute(_order_select().where(ORDERS.c.marketplace_id == text)).all()
    if not rows:
        raise OrderNotFound(f"order {text}: no such order in OrderDesk (fetch it first?)")
    if len(rows) > 1:
        accounts = ", ".join(f"#{r.id} ({r.account_name})" for r in rows)
        raise OrderNotFound(f"order {text}: several accounts have an order with this number: {accounts}; "
                            f"give the OrderDesk id (#id) instead")
    r = rows[0]
    return OrderRef(r.id, r.account_id, r.account_name, Channel(r.channel), r.marketplace_id, r.order_number,
                    r.hold_reason)


def lock_order(conn: Connection, order_id: int) -> None:
    """Serialise shipments and cancellations of one order across workstations (PostgreSQL row
    lock; SQLite's BEGIN IMMEDIATE already serialises every writer)."""
    if is_postgres(conn.engine):
        conn.execute(select(ORDERS.c.id).where(ORDERS.c.id == order_id).with_for_update())


def line_states(conn: Connection, order_id: int) -> list[LineState]:
    shipped = _local_quantities(conn, SHIPMENTS, SHIPMENT_LINES, "shipment_id", order_id)
    cancelled = _local_quantities(conn, CANCELLATIONS, CANCELLATION_LINES, "cancellation_id", order_id)
    rows = conn.execute(select(LINES.c.external_id, LINES.c.sku, LINES.c.title, LINES.c.quantity, LINES.c.status)
                        .where(LINES.c.order_id == order_id).order_by(LINES.c.position, LINES.c.id))
    return [LineState(r.external_id, r.sku, r.title, r.quantity, LineStatus(r.status),
                      shipped.get(r.external_id, 0), cancelled.get(r.external_id, 0)) for r in rows]


def _local_quantities(conn: Connection, head, lines, fk: str, order_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    stmt = (select(lines.c.line_id, func.sum(lines.c.quantity)).join(head, head.c.id == lines.c[fk])
            .where(head.c.order_id == order_id).group_by(lines.c.line_id))
    return {line_id: int(qty) for line_id, qty in conn.execute(stmt)}


def add_event(conn: Connection, order_id: int, kind: str, detail: str, at: datetime) -> None:
    conn.execute(EVENTS.insert().values(order_id=order_id, at=at, kind=kind, detail=detail))


# -- shipments and cancellations -------------------------------------------------------------------

def insert_shipment(conn: Connection, order_id: int, package: Package, source: str, now: datetime) -> tuple[int, int]:
    """Returns (shipment id, package number)."""
    package_no = (conn.scalar(select(func.max(SHIPMENTS.c.package_no)).where(SHIPMENTS.c.order_id == order_id))
                  or 0) + 1
    shipment_id = conn.execute(SHIPMENTS.insert().values(
        order_id=order_id, package_no=package_no, tracking_number=package.tracking_number, carrier=package.carrier,
        carrier_name=package.carrier_name, ship_date=package.ship_date or now,
        return_tracking_number=package.return_tracking_number, return_carrier=package.return_carrier,
        source=source, created_at=now).returning(SHIPMENTS.c.id)).scalar_one()
    conn.execute(SHIPMENT_LINES.insert(), [{"shipment_id": shipment_id, "line_id": ln.line_id, "sku": ln.sku,
                                            "quantity": ln.quantity} for ln in package.lines])
    return shipment_id, package_no


def insert_cancellation(conn: Connection, order_id: int, lines: Sequence[StatusLine], reason: str, source: str,
                        now: datetime) -> int:
    cancellation_id = conn.execute(CANCELLATIONS.insert().values(
        order_id=order_id, reason=reason, source=source, created_at=now).returning(CANCELLATIONS.c.id)).scalar_one()
    conn.execute(CANCELLATION_LINES.insert(), [{"cancellation_id": cancellation_id, "line_id": ln.line_id,
                                                "sku": ln.sku, "quantity": ln.quantity} for ln in lines])
    return cancellation_id


@dataclass(frozen=True)
class ShipmentRecord:
    id: int
    order_id: int
    package_no: int
    tracking_number: str
    carrier: str
    carrier_name: str
    ship_date: datetime
    return_tracking_number: str
    return_carrier: str
    source: str
    lines: tuple[StatusLine, ...]


def shipments_of(conn: Connection, order_id: int) -> list[ShipmentRecord]:
    heads = conn.execute(select(SHIPMENTS).where(SHIPMENTS.c.order_id == order_id).order_by(SHIPMENTS.c.package_no)).all()
    lines: dict[int, list[StatusLine]] = {h.id: [] for h in heads}
    if heads:
        for ln in conn.execute(select(SHIPMENT_LINES).where(SHIPMENT_LINES.c.shipment_id.in_(list(lines)))
                               .order_by(SHIPMENT_LINES.c.id)):
            lines[ln.shipment_id].append(StatusLine(ln.line_id, ln.sku, ln.quantity))
    return [ShipmentRecord(h.id, h.order_id, h.package_no, h.tracking_number, h.carrier, h.carrier_name, h.ship_date,
                           h.return_tracking_number, h.return_carrier, h.source, tuple(lines[h.id])) for h in heads]


def get_shipment(conn: Connection, shipment_id: int) -> ShipmentRecord:
    row = conn.execute(select(SHIPMENTS.c.order_id).where(SHIPMENTS.c.id == shipment_id)).first()
    if row is None:
        raise LookupError(f"shipment {shipment_id}: no such shipment")
    return next(s for s in shipments_of(conn, row.order_id) if s.id == shipment_id)


def set_shipment_tracking(conn: Connection, shipment_id: int, tracking: str, carrier: str, carrier_name: str,
                          return_tracking: str, return_carrier: str) -> None:
    conn.execute(update(SHIPMENTS).where(SHIPMENTS.c.id == shipment_id)
                 .values(tracking_number=tracking, carrier=carrier, carrier_name=carrier_name,
                         return_tracking_number=return_tracking, return_carrier=return_carrier))


# -- rules and settings ----------------------------------------------------------------------------

def load_rules(conn: Connection, channel: Channel | None = None) -> list[StatusRule]:
    """The channel defaults with the seller's stored changes applied (stored rows win)."""
    stored = {(r.channel, r.event, r.status_type): r for r in conn.execute(select(RULES))}
    rules: list[StatusRule] = []
    seen = set()
    for default in DEFAULT_RULES:
        key = (default.channel.value, default.event.value, default.status_type.value)
        seen.add(key)
        row = stored.get(key)
        rules.append(default if row is None else StatusRule(default.channel, default.event, default.status_type,
                                                            row.value, bool(row.enabled)))
    for key, row in stored.items():  # rules a seller added beyond the defaults
        if key not in seen:
            rules.append(StatusRule(Channel(row.channel), StatusEvent(row.event), StatusType(row.status_type),
                                    row.value, bool(row.enabled)))
    return [r for r in rules if channel is None or r.channel is channel]


def save_rule(conn: Connection, rule: StatusRule) -> None:
    key = and_(RULES.c.channel == rule.channel.value, RULES.c.event == rule.event.value,
               RULES.c.status_type == rule.status_type.value)
    if conn.execute(update(RULES).where(key).values(value=rule.value, enabled=rule.enabled)).rowcount == 0:
        conn.execute(RULES.insert().values(channel=rule.channel.value, event=rule.event.value,
                                           status_type=rule.status_type.value, value=rule.value, enabled=rule.enabled))


def get_setting(conn: Connection, key: str, default: Any = None) -> Any:
    value = conn.scalar(select(SETTINGS.c.value).where(SETTINGS.c.key == key))
    return default if value is None else json.loads(value)


def set_setting(conn: Connection, key: str, value: Any) -> None:
    text = json.dumps(value, sort_keys=True)
    if conn.execute(update(SETTINGS).where(SETTINGS.c.key == key).values(value=text)).rowcount == 0:
        conn.execute(SETTINGS.insert().values(key=key, value=text))


# -- the outbox ------------------------------------------------------------------------------------

def insert_protocol(conn: Connection, *, dedupe_key: str, account_id: int, status: OutboundStatus,
                    state: ProtocolState, now: datetime, wait_until: datetime | None = None) -> int | None:
    """Write one status protocol; None when one with this key exists already (a repeated event)."""
    if conn.scalar(select(PROTOCOLS.c.id).where(PROTOCOLS.c.dedupe_key == dedupe_key)) is not None:
        return None
    values = dict(dedupe_key=dedupe_key, order_id=status.order_id, account_id=account_id,
                  channel=status.channel.value, event=status.event.value, status_type=status.status_type.value,
                  value=status.value, payload=status.to_json(), state=state.value, attempts=0, last_error="",
                  next_try_at=now, wait_until=wait_until, created_at=now, updated_at=now, sent_request="",
                  verify_detail="")
    try:
        with conn.begin_nested():
            return conn.execute(PROTOCOLS.insert().values(**values).returning(PROTOCOLS.c.id)).scalar_one()
    except IntegrityError:  # another workstation wrote it in the same moment
        return None


def _protocol_select():  # type: ignore[no-untyped-def]
    return (select(PROTOCOLS, ORDERS.c.order_number, ACCOUNTS.c.name.label("account_name"))
            .join(ORDERS, ORDERS.c.id == PROTOCOLS.c.order_id).join(ACCOUNTS, ACCOUNTS.c.id == PROTOCOLS.c.account_id))


def _record(r) -> ProtocolRecord:  # type: ignore[no-untyped-def]
    return ProtocolRecord(r.id, r.order_id, r.order_number, r.account_id, r.account_name, r.channel, r.event,
                          r.status_type, r.value, r.state, r.attempts, r.last_error, r.next_try_at, r.wait_until,
                          r.sent_at, r.verified, r.verify_detail, r.created_at, r.payload, r.sent_request,
                          r.claim_token)


def list_protocols(engine: Engine, *, states: Iterable[str] | None = None, channel: str | None = None,
                   account_id: int | None = None, order_id: int | None = None, limit: int = 1000) -> list[ProtocolRecord]:
    stmt = _protocol_select().order_by(PROTOCOLS.c.id.desc()).limit(limit)
    if states:
        stmt = stmt.where(PROTOCOLS.c.state.in_(list(states)))
    if channel:
        stmt = stmt.where(PROTOCOLS.c.channel == channel)
    if account_id is not None:
        stmt = stmt.where(PROTOCOLS.c.account_id == account_id)
    if order_id is not None:
        stmt = stmt.where(PROTOCOLS.c.order_id == order_id)
    with engine.connect() as conn:
        return [_record(r) for r in conn.execute(stmt)]


def get_protocol(conn: Connection, protocol_id: int) -> ProtocolRecord:
    row = conn.execute(_protocol_select().where(PROTOCOLS.c.id == protocol_id)).first()
    if row is None:
        raise LookupError(f"status protocol {protocol_id}: no such status protocol")
    return _record(row)


def count_by_state(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {s: int(n) for s, n in conn.execute(select(PROTOCOLS.c.state, func.count()).group_by(PROTOCOLS.c.state))}


def _scope(stmt, channel: str | None, account_ids: Sequence[int] | None):  # type: ignore[no-untyped-def]
    if channel:
        stmt = stmt.where(PROTOCOLS.c.channel == channel)
    if account_ids is not None:
        stmt = stmt.where(PROTOCOLS.c.account_id.in_(list(account_ids)))
    return stmt


def due_waiting(engine: Engine, now: datetime, channel: str | None = None,
                account_ids: Sequence[int] | None = None) -> list[ProtocolRecord]:
    stmt = _scope(_protocol_select().where(PROTOCOLS.c.state == ProtocolState.WAITING.value,
                                           PROTOCOLS.c.wait_until <= now), channel, account_ids)
    with engine.connect() as conn:
        return [_record(r) for r in conn.execute(stmt.order_by(PROTOCOLS.c.id))]


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    return or_(and_(PROTOCOLS.c.state == ProtocolState.PENDING.value, PROTOCOLS.c.next_try_at <= now),
               and_(PROTOCOLS.c.state == ProtocolState.SENDING.value, PROTOCOLS.c.claimed_until < now))


def claim_due(engine: Engine, now: datetime, *, channel: str | None = None,
              account_ids: Sequence[int] | None = None, limit: int = 500,
              lease: timedelta = LEASE) -> tuple[str, list[tuple[ProtocolRecord, bool]]]:
    """Claim what is due, oldest first. Returns the claim token and, per claimed protocol, whether
    it was found half-done (state "sending" with its lease run out: its holder died mid-send)."""
    token = uuid.uuid4().hex
    with write_transaction(engine) as conn:
        candidates = conn.execute(_scope(select(PROTOCOLS.c.id, PROTOCOLS.c.state).where(_claimable(now)),
                                         channel, account_ids).order_by(PROTOCOLS.c.id).limit(limit)).all()
        claimed: list[tuple[int, bool]] = []
        for pid, state in candidates:
            result = conn.execute(update(PROTOCOLS).where(PROTOCOLS.c.id == pid, _claimable(now)).values(
                state=ProtocolState.SENDING.value, claim_token=token, claimed_until=now + lease,
                attempts=PROTOCOLS.c.attempts + 1, updated_at=now))
            if result.rowcount == 1:
                claimed.append((pid, state == ProtocolState.SENDING.value))
        records = {r.id: _record(r) for r in conn.execute(
            _protocol_select().where(PROTOCOLS.c.id.in_([pid for pid, _ in claimed])))} if claimed else {}
    return token, [(records[pid], recovered) for pid, recovered in claimed]


def finish(engine: Engine, protocol_id: int, token: str, now: datetime, *, state: ProtocolState,
           error: str = "", next_try_at: datetime | None = None, sent_request: str | None = None,
           verified: bool | None = None, verify_detail: str = "", undo_attempt: bool = False) -> bool:
    """Record the outcome of a claimed protocol; False when the claim was lost meanwhile."""
    values: dict[str, Any] = dict(state=state.value, claim_token=None, claimed_until=None, updated_at=now,
                                  last_error=error)
    if next_try_at is not None:
        values["next_try_at"] = next_try_at
    if state is ProtocolState.SENT:
        values.update(sent_at=now, verified=verified, verify_detail=verify_detail)
    if sent_request is not None:
        values["sent_request"] = sent_request
    if undo_attempt:  # released untried (the account was rate limited before its turn)
        values["attempts"] = PROTOCOLS.c.attempts - 1
    with write_transaction(engine) as conn:
        done = conn.execute(update(PROTOCOLS).where(PROTOCOLS.c.id == protocol_id, PROTOCOLS.c.claim_token == token)
                            .values(**values)).rowcount == 1
        if done and state is ProtocolState.SENT:
            row = conn.execute(select(PROTOCOLS.c.order_id, PROTOCOLS.c.status_type, PROTOCOLS.c.value)
                               .where(PROTOCOLS.c.id == protocol_id)).one()
            add_event(conn, row.order_id, "status_sent", f"{row.status_type} {row.value} (protocol {protocol_id})", now)
    return done


def set_verification(engine: Engine, protocol_id: int, verified: bool, detail: str, now: datetime) -> None:
    with write_transaction(engine) as conn:
        conn.execute(update(PROTOCOLS).where(PROTOCOLS.c.id == protocol_id)
                     .values(verified=verified, verify_detail=detail, updated_at=now))


def move(engine: Engine, protocol_id: int, *, from_states: Iterable[ProtocolState], to: ProtocolState,
         now: datetime, error: str | None = None, payload: str | None = None) -> bool:
    """Move a protocol that is in one of ``from_states`` (retry, discard, tracking arrived, wait ran out)."""
    values: dict[str, Any] = dict(state=to.value, updated_at=now, next_try_at=now)
    if error is not None:
        values["last_error"] = error
    if payload is not None:
        values["payload"] = payload
    with write_transaction(engine) as conn:
        return conn.execute(update(PROTOCOLS).where(
            PROTOCOLS.c.id == protocol_id, PROTOCOLS.c.state.in_([s.value for s in from_states])
        ).values(**values)).rowcount == 1


def protocols_of_shipment(conn: Connection, shipment_id: int) -> list[ProtocolRecord]:
    stmt = _protocol_select().where(PROTOCOLS.c.dedupe_key.like(f"shipment:{shipment_id}:%"))
    return [_record(r) for r in conn.execute(stmt)]


def update_payload(conn: Connection, protocol_id: int, payload: str, state: ProtocolState, now: datetime, *,
                   only_if: str) -> bool:
    """Replace what a protocol sends, unless a transmission claimed it meanwhile (state changed)."""
    return conn.execute(update(PROTOCOLS).where(PROTOCOLS.c.id == protocol_id, PROTOCOLS.c.state == only_if).values(
        payload=payload, state=state.value, next_try_at=now, updated_at=now, last_error="")).rowcount == 1

