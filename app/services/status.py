"""Status back to the marketplaces: ship, cancel, report events, preview, and transmit the outbox.

Every event writes its shipment or cancellation, its timeline entry and one status protocol per
enabled rule in ONE transaction, so nothing is lost when the app is closed or crashes, and a
marketplace that is down only delays a status. Transmission claims due protocols (a lease), sends
each through the channel's StatusSender, records the outcome, and reads the order back to confirm
the marketplace shows it. A protocol found half-done after a crash is read back before anything
is resent, so it never ships twice.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Callable, Iterable, Iterator, Sequence

from sqlalchemy import Connection, Engine

from app.channels.base import AdapterOptions, StatusSender
from app.channels.errors import AuthError, ChannelError, Conflict, PermanentError, RateLimited, TransientError
from app.channels.registry import channel_info
from app.domain.carriers import (
    CARRIER_NAMES,
    Carrier,
    ProblemCode,
    TrackingKey,
    carrier_from_channel_code,
    channel_carrier,
    detect,
    normalise,
    shipment_problems,
)
from app.domain.carriers.channels import OTTO_PARCEL_CODES
from app.domain.orders import Channel
from app.domain.shipments import Package, ShipmentError, allocate, covers_everything
from app.domain.statuses import (
    CANCEL_REASONS,
    DEFAULT_TRACKING_WAIT,
    Confirmation,
    OutboundStatus,
    PlannedCall,
    ProtocolState,
    StatusEvent,
    StatusLine,
    StatusRule,
    StatusType,
    channel_can_cancel,
    check_rule,
)
from app.secrets.store import SecretStore, SecretStoreError
from app.store import protocol_log
from app.store import status_store as store
from app.store.accounts import AccountRecord, AccountRepository
from app.store.db import write_transaction
from app.store.jobs import STATUS as STATUS_JOB
from app.store.jobs import JobStore, channel_scope
from app.store.protocol_log import Level
from app.store.schema import utcnow

log_file = logging.getLogger(__name__)

SETTING_TRACKING_WAIT = "status.tracking_wait_minutes"
SETTING_SHIP_FROM = "status.ship_from"  # OTTO shipFromAddress: {"city", "countryCode", "zipCode"}
SETTING_AUTO = "status.auto"  # before the jobs table (issue 6); seeds the status jobs once, then unused
DEFAULT_AUTO_INTERVAL = 15  # minutes, as the application server's default
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour: a marketplace outage delays, never drops."""
    return min(MAX_BACKOFF, timedelta(seconds=30 * 2 ** max(0, attempts - 1)))


def resolve_carrier(text: str | None, channel: Channel) -> Carrier | None:
    """A carrier from what a clerk or ERP typed: our key ("dhl_paket"), a brand ("DHL Paket"),
    or the channel's own code ("DHL", "HERMES", "Deutsche Post")."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        return Carrier(value.lower())
    except ValueError:
        pass
    for carrier, name in CARRIER_NAMES.items():
        if name.casefold() == value.casefold():
            return carrier
    found = carrier_from_channel_code(channel, value)
    if found is not None:
        return found
    raise ShipmentError(f"carrier {value!r}: not a carrier OrderDesk knows; use one of "
                        f"{', '.join(sorted(c.value for c in Carrier))}")


def propose_carrier(tracking: str, *, required: bool = True) -> Carrier | None:
    """The best-ranked carrier for a tracking number; ShipmentError when none fits and one is needed."""
    candidates = detect(tracking)
    if candidates:
        return candidates[0].carrier
    if not required:
        return None
    failing = detect(tracking, include_failed=True)
    if failing:
        raise ShipmentError(f"tracking number {tracking}: looks like {failing[0].name}, but its check digit is "
                            f"wrong, so it is probably mistyped; correct it, or choose the carrier and confirm "
                            f"the number")
    raise ShipmentError(f"tracking number {tracking}: the carrier cannot be told from it; choose the carrier")


@dataclass(frozen=True)
class ShipRequest:
    order: int | str  # OrderDesk id, order number or marketplace id
    lines: Sequence[tuple[str, int]] | None = None  # (SKU or line id, quantity); None: everything open
    tracking_number: str = ""
    carrier: str | None = None  # None: proposed from the tracking number
    carrier_name: str = ""  # names a carrier "other"
    ship_date: datetime | None = None
    return_tracking_number: str = ""
    return_carrier: str | None = None
    skip_check_digit: bool = False  # the clerk confirmed a number that fails its check digit
    source: str = "desk"


@dataclass
class ShipOutcome:
    order_number: str
    channel: str
    shipment_id: int
    package_no: int
    carrier: str
    carrier_code: str
    lines: tuple[StatusLine, ...]
    protocols: list[int]
    waiting: bool
    note: str = ""

    def as_json(self) -> dict:
        return {"order_number": self.order_number, "channel": self.channel, "shipment_id": self.shipment_id,
                "package_no": self.package_no, "carrier": self.carrier, "carrier_code": self.carrier_code,
                "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in self.lines],
                "protocols": self.protocols, "waiting_for_tracking": self.waiting, "note": self.note}


@dataclass
class EventOutcome:
    order_number: str
    channel: str
    record_id: int | None  # the cancellation's id, where one was written
    lines: tuple[StatusLine, ...]
    protocols: list[int]

    def as_json(self) -> dict:
        return {"order_number": self.order_number, "channel": self.channel, "id": self.record_id,
                "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in self.lines],
                "protocols": self.protocols}


@dataclass(frozen=True)
class PreviewItem:
    rule: StatusRule
    status: OutboundStatus | None
    calls: list[PlannedCall]
    problem: str = ""  # why nothing can be sent (shown instead of calls)

    def as_json(self) -> dict:
        return {"event": self.rule.event.value, "status_type": self.rule.status_type.value, "value": self.rule.value,
                "enabled": self.rule.enabled, "calls": [c.as_json() for c in self.calls], "problem": self.problem}


@dataclass
class TransmitResult:
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # stay pending: marketplace down, rate limited, credentials refused
    recovered: int = 0  # found already applied after an interrupted run
    verified: int = 0
    mismatched: int = 0
    tracking_timeouts: int = 0  # waiting shipments whose wait ran out
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.sent} sent ({self.verified} confirmed, {self.mismatched} not shown by the marketplace), "
                f"{self.deferred} deferred, {self.failed} failed")
        if self.recovered:
            text += f", {self.recovered} found already sent"
        if self.tracking_timeouts:
            text += f", {self.tracking_timeouts} stopped waiting for tracking"
        return text

    def as_json(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "deferred": self.deferred, "recovered": self.recovered,
                "verified": self.verified, "mismatched": self.mismatched,
                "tracking_timeouts": self.tracking_timeouts, "errors": self.errors}


class StatusService:
    def __init__(self, engine: Engine, accounts: AccountRepository, secrets: Callable[[], SecretStore],
                 options: Callable[[], AdapterOptions] = AdapterOptions,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.accounts = accounts
        self._secrets = secrets
        self._options = options
        self.clock = clock

    # -- settings and rules ----------------------------------------------------------------------
    def rules(self, channel: Channel | None = None) -> list[StatusRule]:
        with self.engine.connect() as conn:
            return store.load_rules(conn, channel)

    def save_rule(self, rule: StatusRule) -> None:
        check_rule(rule)
        with write_transaction(self.engine) as conn:
            store.save_rule(conn, rule)

    def setting(self, key: str, default=None):  # type: ignore[no-untyped-def]
        with self.engine.connect() as conn:
            return store.get_setting(conn, key, default)

    def set_setting(self, key: str, value) -> None:  # type: ignore[no-untyped-def]
        with write_transaction(self.engine) as conn:
            store.set_setting(conn, key, value)

    def tracking_wait(self) -> timedelta:
        minutes = self.setting(SETTING_TRACKING_WAIT, None)
        return DEFAULT_TRACKING_WAIT if minutes is None else timedelta(minutes=float(minutes))

    def auto_settings(self) -> dict[str, dict]:
        """Automatic transmission per channel: the "channel:<ch>" status jobs (app/store/jobs.py),
        which `orderdesk serve` runs and the desk's own timer follows."""
        jobs = {j.channel: j for j in JobStore(self.engine).list(STATUS_JOB)}  # one per channel, always
        return {c.value: {"enabled": jobs[c.value].enabled, "interval_minutes": jobs[c.value].interval_seconds // 60}
                for c in Channel}

    def set_auto(self, channel: Channel, enabled: bool, interval_minutes: int | None = None) -> None:
        if interval_minutes is not None and not 1 <= interval_minutes <= 24 * 60:
            raise ValueError("the interval must be between 1 and 1440 minutes")
        JobStore(self.engine).configure(STATUS_JOB, channel_scope(Channel(channel).value), enabled=enabled,
                                        interval_seconds=None if interval_minutes is None else interval_minutes * 60)

    # -- events ----------------------------------------------------------------------------------
    def ship(self, request: ShipRequest, *, conn: Connection | None = None) -> ShipOutcome:
        """Record one package and queue its status for every enabled rule. Raises ShipmentError
        (or store.OrderNotFound) naming the problem; then nothing is written. ``conn``: write
        within the caller's transaction (the web service writes a whole request at once)."""
        now = self.clock()
        with self._transaction(conn) as conn:
            order = store.find_order(conn, request.order)
            store.lock_order(conn, order.id)
            package, base = self._shipment(conn, order, request, now)
            shipment_id, package_no = store.insert_shipment(conn, order.id, package, request.source, now)
            assert package_no == base.package_no  # the order is locked: nobody took the number meanwhile
            waiting = not package.tracking_number
            state = ProtocolState.WAITING if waiting else ProtocolState.PENDING
            wait_until = now + self.tracking_wait() if waiting else None
            protocols = self._queue(conn, order, base, f"shipment:{shipment_id}", now, state, wait_until)
            pieces = sum(ln.quantity for ln in package.lines)
            carrier = Carrier(package.carrier) if package.carrier else None
            what = (f"{CARRIER_NAMES[carrier]} {package.tracking_number}".strip() if carrier
                    else (package.tracking_number or "no tracking number yet"))
            store.add_event(conn, order.id, "shipped", f"package {package_no}: {pieces} piece(s), {what}", now)
            protocol_log.write(conn, Level.INFO, "shipment_recorded",
                               f"Package {package_no} of order {order.order_number} recorded ({pieces} piece(s), "
                               f"{what}); {len(protocols)} status protocol(s) queued"
                               + (", waiting for the tracking number" if waiting and protocols else ""),
                               channel=order.channel.value, account_id=order.account_id,
                               account_name=order.account_name, order_number=order.order_number)
        note = "" if protocols else f"no enabled status rule sends shipments to {order.channel.value}"
        return ShipOutcome(order.order_number, order.channel.value, shipment_id, package_no, package.carrier,
                           base.carrier_code, package.lines, protocols, waiting and bool(protocols), note)

    def _shipment(self, conn, order: store.OrderRef, request: ShipRequest,  # type: ignore[no-untyped-def]
                  now: datetime) -> tuple[Package, OutboundStatus]:
        """The package and its outbound status (type and value still to be set by a rule), checked
        as the channel would check it. Shared by ship() and preview(), so both say the same."""
        lines = store.line_states(conn, order.id)
        picked = allocate(lines, request.lines, action="ship")
        complete = covers_everything(lines, picked)
        tracking = normalise(request.tracking_number)
        carrier = resolve_carrier(request.carrier, order.channel)
        if carrier is None and tracking:
            carrier = propose_carrier(tracking, required=order.channel is not Channel.SHOPWARE)
        return_carrier = resolve_carrier(request.return_carrier, order.channel)
        ship_from = self._check_shipment(conn, order.channel, carrier, tracking, request, return_carrier)
        mapped = channel_carrier(order.channel, carrier, request.carrier_name) if carrier else None
        package = Package(picked, tracking, carrier.value if carrier else "", request.carrier_name,
                          request.ship_date or now, normalise(request.return_tracking_number),
                          return_carrier.value if return_carrier else "")
        mapped_return = channel_carrier(order.channel, return_carrier) if return_carrier else None
        package_no = len(store.shipments_of(conn, order.id)) + 1
        base = OutboundStatus(
            order.channel, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "", order.id,
            order.marketplace_id, order.order_number, picked, complete, package_no, tracking,
            package.carrier, mapped.code if mapped else "", mapped.name if mapped else "",
            package.ship_date, package.return_tracking_number, mapped_return.code if mapped_return else "",
            extra={"ship_from": ship_from} if ship_from else {})
        return package, base

    def _check_shipment(self, conn, channel: Channel, carrier: Carrier | None, tracking: str,  # type: ignore[no-untyped-def]
                        request: ShipRequest, return_carrier: Carrier | None) -> dict | None:
        """Stop what the channel would reject, before anything is written or sent."""
        return_key = (TrackingKey(return_carrier, request.return_tracking_number)
                      if return_carrier or request.return_tracking_number else None)
        mapped = channel_carrier(channel, carrier) if carrier else None
        needs_return = (channel is Channel.OTTO and mapped is not None and mapped.code in OTTO_PARCEL_CODES)
        problems = shipment_problems(channel, carrier, tracking or None, return_tracking=return_key,
                                     require_return_tracking=needs_return, carrier_name=request.carrier_name,
                                     skip_check_digit=request.skip_check_digit)
        if not tracking:  # it may still come: the shipment waits for it (and for its carrier)
            problems = [p for p in problems if p.code not in (ProblemCode.TRACKING_MISSING,
                                                              ProblemCode.CARRIER_MISSING)]
        if problems:
            raise ShipmentError(" ".join(p.message for p in problems))
        if channel is not Channel.OTTO:
            return None
        ship_from = store.get_setting(conn, SETTING_SHIP_FROM, None)
        if not ship_from or not all(ship_from.get(k) for k in ("city", "countryCode", "zipCode")):
            raise ShipmentError("OTTO needs the address parcels are shipped from (shipFromAddress): set it in "
                                "Administration → Status & shipping (or `orderdesk status ship-from`)")
        return ship_from

    def cancel(self, order_ref: int | str, lines: Sequence[tuple[str, int]] | None, reason: str = "",
               source: str = "desk", *, conn: Connection | None = None) -> EventOutcome:
        now = self.clock()
        with self._transaction(conn) as conn:
            order = store.find_order(conn, order_ref)
            if not channel_can_cancel(order.channel):
                raise ShipmentError(f"{channel_info(order.channel.value).display_name} cannot be told of a "
                                    f"cancellation through its API; cancel the order in the marketplace's "
                                    f"seller portal")
            reasons = CANCEL_REASONS[order.channel]
            reason = reason or reasons[0]
            if reason not in reasons:
                raise ShipmentError(f"reason {reason!r}: not a cancellation reason of {order.channel.value}; "
                                    f"use one of {', '.join(reasons)}")
            store.lock_order(conn, order.id)
            states = store.line_states(conn, order.id)
            picked = allocate(states, lines, action="cancel")
            complete = covers_everything(states, picked)
            if order.channel is Channel.SHOPWARE and not complete:
                raise ShipmentError("Shopware cancels whole orders only; cancel every open line, or change the "
                                    "order in the shop")
            cancellation_id = store.insert_cancellation(conn, order.id, picked, reason, source, now)
            base = OutboundStatus(order.channel, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "", order.id,
                                  order.marketplace_id, order.order_number, picked, complete, reason=reason)
            protocols = self._queue(conn, order, base, f"cancellation:{cancellation_id}", now)
            pieces = sum(ln.quantity for ln in picked)
            store.add_event(conn, order.id, "cancel_recorded", f"{pieces} piece(s), reason {reason}", now)
            protocol_log.write(conn, Level.INFO, "cancellation_recorded",
                               f"Cancellation of {pieces} piece(s) of order {order.order_number} recorded "
                               f"({reason}); {len(protocols)} status protocol(s) queued",
                               channel=order.channel.value, account_id=order.account_id,
                               account_name=order.account_name, order_number=order.order_number)
        return EventOutcome(order.order_number, order.channel.value, cancellation_id, picked, protocols)

    def record_event(self, order_ref: int | str, event: StatusEvent, *, source: str = "desk",
                     key: str | None = None, conn: Connection | None = None) -> EventOutcome:
        """An invoice created, a payment settled, a return received: queued per enabled rule. The
        same event for the same order (or the same ``key``) is queued once."""
        if event in (StatusEvent.SHIPMENT_COMPLETED, StatusEvent.CANCELLED):
            raise ValueError("shipments and cancellations are recorded with ship() and cancel()")
        now = self.clock()
        with self._transaction(conn) as conn:
            order = store.find_order(conn, order_ref)
            states = store.line_states(conn, order.id)
            lines = tuple(StatusLine(ln.line_id, ln.sku, ln.quantity) for ln in states)
            base = OutboundStatus(order.channel, event, StatusType.FULFILLMENT, "", order.id, order.marketplace_id,
                                  order.order_number, lines, True)
            protocols = self._queue(conn, order, base, key or f"event:{order.id}:{event.value}", now)
            store.add_event(conn, order.id, event.value, f"recorded by {source}", now)
        return EventOutcome(order.order_number, order.channel.value, None, lines, protocols)

    def _queue(self, conn, order: store.OrderRef, base: OutboundStatus, key: str, now: datetime,  # type: ignore[no-untyped-def]
               state: ProtocolState = ProtocolState.PENDING, wait_until: datetime | None = None) -> list[int]:
        ids = []
        for rule in store.load_rules(conn, order.channel):
            if rule.event is not base.event or not rule.enabled:
                continue
            status = replace(base, status_type=rule.status_type, value=rule.value)
            pid = store.insert_protocol(conn, dedupe_key=f"{key}:{rule.status_type.value}", account_id=order.account_id,
                                        status=status, state=state, now=now, wait_until=wait_until)
            if pid is not None:
                ids.append(pid)
        return ids

    def add_tracking(self, shipment_id: int, tracking_number: str, carrier: str | None = None,
                     carrier_name: str = "", skip_check_digit: bool = False, *,
                     return_tracking_number: str = "", return_carrier: str | None = None) -> list[int]:
        """The tracking number arrived for a package that waits for one (or failed, or is still
        unsent): its protocols are sent with it. Without ``carrier`` the carrier is the package's
        own when the number fits it, else the one the number points to. Returns the protocols
        that will now be sent."""
        now = self.clock()
        tracking = normalise(tracking_number)
        if not tracking:
            raise ShipmentError("the tracking number is empty")
        with write_transaction(self.engine) as conn:
            shipment = store.get_shipment(conn, shipment_id)
            order = store.find_order(conn, shipment.order_id)
            found = resolve_carrier(carrier, order.channel)
            if found is None:
                fitting = [c.carrier for c in detect(tracking)]
                recorded = Carrier(shipment.carrier) if shipment.carrier else None
                found = recorded if recorded in fitting or (recorded and not fitting) else None
                if found is None:
                    found = propose_carrier(tracking, required=order.channel is not Channel.SHOPWARE)
            returns = ShipRequest(order.id, None, tracking, None, carrier_name,
                                  return_tracking_number=return_tracking_number or shipment.return_tracking_number,
                                  return_carrier=return_carrier or shipment.return_carrier or None,
                                  skip_check_digit=skip_check_digit)
            return_found = resolve_carrier(returns.return_carrier, order.channel)
            self._check_shipment(conn, order.channel, found, tracking, returns, return_found)
            mapped = channel_carrier(order.channel, found, carrier_name) if found else None
            mapped_return = channel_carrier(order.channel, return_found) if return_found else None
            store.set_shipment_tracking(conn, shipment_id, tracking, found.value if found else "", carrier_name,
                                        normalise(returns.return_tracking_number),
                                        return_found.value if return_found else "")
            moved = []
            for rec in store.protocols_of_shipment(conn, shipment_id):
                if rec.state not in (ProtocolState.WAITING.value, ProtocolState.FAILED.value,
                                     ProtocolState.PENDING.value):
                    continue  # sent, being sent or discarded: the marketplace has what it has
                status = replace(rec.status, tracking_number=tracking, carrier=found.value if found else "",
                                 carrier_code=mapped.code if mapped else "", carrier_name=mapped.name if mapped else "",
                                 return_tracking_number=normalise(returns.return_tracking_number),
                                 return_carrier_code=mapped_return.code if mapped_return else "")
                if store.update_payload(conn, rec.id, status.to_json(), ProtocolState.PENDING, now,
                                        only_if=rec.state):
                    moved.append(rec.id)
            store.add_event(conn, order.id, "tracking_added", f"package {shipment.package_no}: {tracking}", now)
        return moved

    # -- preview -----------------------------------------------------------------------------------
    def preview(self, order_ref: int | str, rules: Iterable[StatusRule] | None = None, *,
                ship: ShipRequest | None = None, reason: str = "",
                events: Iterable[StatusEvent] | None = None) -> list[PreviewItem]:
        """For a chosen order: exactly what each rule (enabled or not) would send, computed by the
        same code that ships and the same sender that sends. ``ship``: the package to preview
        (default: every open line, no tracking number); ``events``: only rules for these."""
        now = self.clock()
        wanted = set(events) if events is not None else None
        with self.engine.connect() as conn:
            order = store.find_order(conn, order_ref)
            states = store.line_states(conn, order.id)
            chosen = [r for r in (list(rules) if rules is not None else store.load_rules(conn, order.channel))
                      if r.channel is order.channel and (wanted is None or r.event in wanted)]
            statuses: list[OutboundStatus | str] = []
            for rule in chosen:
                try:
                    statuses.append(self._preview_status(conn, order, rule, states, ship, reason, now))
                except (ShipmentError, ValueError) as exc:
                    statuses.append(str(exc))
        items: list[PreviewItem] = []
        sender: StatusSender | None = None
        try:
            sender = self._sender(self.accounts.get(order.account_name))
            for rule, status in zip(chosen, statuses):
                if isinstance(status, str):
                    items.append(PreviewItem(rule, None, [], status))
                    continue
                try:
                    items.append(PreviewItem(rule, status, sender.plan_status(status)))
                except ChannelError as exc:
                    items.append(PreviewItem(rule, status, [], str(exc)))
        except (ChannelError, SecretStoreError, ValueError) as exc:
            items = [PreviewItem(rule, None, [], str(exc)) for rule in chosen]
        finally:
            if sender is not None:
                sender.close()
        return items

    def _preview_status(self, conn, order: store.OrderRef, rule: StatusRule, states, ship: ShipRequest | None,  # type: ignore[no-untyped-def]
                        reason: str, now: datetime) -> OutboundStatus:
        if rule.event is StatusEvent.SHIPMENT_COMPLETED:
            _, base = self._shipment(conn, order, ship or ShipRequest(order.id), now)
            return replace(base, status_type=rule.status_type, value=rule.value)
        if rule.event is StatusEvent.CANCELLED:
            picked = allocate(states, None, action="cancel")
            return OutboundStatus(order.channel, rule.event, rule.status_type, rule.value, order.id,
                                  order.marketplace_id, order.order_number, picked, True,
                                  reason=reason or (CANCEL_REASONS[order.channel] or ("",))[0])
        lines = tuple(StatusLine(s.line_id, s.sku, s.quantity) for s in states)
        return OutboundStatus(order.channel, rule.event, rule.status_type, rule.value, order.id,
                              order.marketplace_id, order.order_number, lines, True)

    # -- the queue ---------------------------------------------------------------------------------
    def queue(self, *, states: Iterable[str] | None = None, channel: str | None = None, account: str | None = None,
             order: int | str | None = None, limit: int = 1000) -> list[store.ProtocolRecord]:
        account_id = self.accounts.get(account).id if account else None
        order_id = None
        if order is not None:
            with self.engine.connect() as conn:
                order_id = store.find_order(conn, order).id
        return store.list_protocols(self.engine, states=states, channel=channel, account_id=account_id,
                                    order_id=order_id, limit=limit)

    def retry(self, protocol_id: int) -> bool:
        """A failed or waiting protocol, or a sent one the marketplace did not show on reading
        back, is sent by the next transmission."""
        with self.engine.connect() as conn:
            rec = store.get_protocol(conn, protocol_id)
        states = [ProtocolState.FAILED, ProtocolState.WAITING]
        if rec.state == ProtocolState.SENT.value and rec.verified is False:
            states.append(ProtocolState.SENT)
        return store.move(self.engine, protocol_id, from_states=states, to=ProtocolState.PENDING, now=self.clock(),
                          error="")

    def discard(self, protocol_id: int) -> bool:
        """The clerk decided it shall not be sent (handled in the marketplace's portal)."""
        return store.move(self.engine, protocol_id,
                          from_states=(ProtocolState.FAILED, ProtocolState.WAITING, ProtocolState.PENDING),
                          to=ProtocolState.DISCARDED, now=self.clock())

    # -- transmission --------------------------------------------------------------------------------
    def transmit(self, channel: str | None = None, account: str | None = None, *, now: datetime | None = None,
                 cancelled: Callable[[], bool] = lambda: False) -> TransmitResult:
        """Send what is due for the chosen channel/account (none = all active accounts)."""
        now = now or self.clock()
        result = TransmitResult()
        accounts = {a.id: a for a in self.accounts.list(channel, active_only=True)
                    if account is None or a.name == account}
        if account is not None and not accounts:
            raise ValueError(f"account {account!r}: no such active account"
                             + (f" in channel {channel}" if channel else ""))
        if not accounts:
            return result
        ids = list(accounts)
        self._end_waits(now, channel, ids, result)
        token, claimed = store.claim_due(self.engine, now, channel=channel, account_ids=ids)
        by_account: dict[int, list[tuple[store.ProtocolRecord, bool]]] = {}
        for rec, recovered in claimed:
            by_account.setdefault(rec.account_id, []).append((rec, recovered))
        for account_id, items in by_account.items():
            self._transmit_account(accounts[account_id], items, token, now, result, cancelled)
        if claimed or result.tracking_timeouts:
            scope = account or (channel or "all channels")
            with write_transaction(self.engine) as conn:
                protocol_log.write(conn, Level.ERROR if result.failed else Level.INFO, "status_run",
                                   f"Status transmission ({scope}): {result.summary()}",
                                   channel=channel or "", account_name=account or "", details=result.as_json(),
                                   at=now)
        return result

    def _end_waits(self, now: datetime, channel: str | None, ids: list[int], result: TransmitResult) -> None:
        wait = self.tracking_wait()
        for rec in store.due_waiting(self.engine, now, channel, ids):
            status = rec.status
            carrier = Carrier(status.carrier) if status.carrier else None
            blocking = sorted((p for p in shipment_problems(status.channel, carrier, None)
                               if p.code in (ProblemCode.TRACKING_MISSING, ProblemCode.CARRIER_MISSING)),
                              key=lambda p: p.code is not ProblemCode.TRACKING_MISSING)
            hours = f"{wait.total_seconds() / 3600:g} h"
            if blocking:
                message = (f"No tracking number arrived within {hours}, and {blocking[0].message} Add the tracking "
                           f"number to package {status.package_no}, or discard this status.")
                moved = store.move(self.engine, rec.id, from_states=(ProtocolState.WAITING,),
                                   to=ProtocolState.FAILED, now=now, error=message)
                level = Level.ERROR
            else:
                message = f"No tracking number arrived within {hours}; package {status.package_no} is sent without one."
                moved = store.move(self.engine, rec.id, from_states=(ProtocolState.WAITING,),
                                   to=ProtocolState.PENDING, now=now, error="")
                level = Level.WARNING
            if moved:
                result.tracking_timeouts += 1
                self._log(rec, level, "status_tracking_timeout", message, now)

    def _transmit_account(self, account: AccountRecord, items: list[tuple[store.ProtocolRecord, bool]], token: str,
                          now: datetime, result: TransmitResult, cancelled: Callable[[], bool]) -> None:
        try:
            sender = self._sender(account)
        except Exception as exc:  # no credentials, keyring locked, channel not built: all wait
            if not isinstance(exc, (ChannelError, SecretStoreError, ValueError)):
                log_file.exception("no status sender for account %s", account.name)
            for rec, _ in items:
                self._defer(rec, token, now, f"cannot connect to {account.name}: {exc}", result, None)
            return
        try:
            for index, (rec, recovered) in enumerate(items):
                if cancelled():
                    self._release(items[index:], token, now)
                    return
                stop = self._send_one(sender, rec, recovered, token, now, result)
                if stop:  # rate limited or credentials refused: the rest of this account waits
                    self._release(items[index + 1:], token, now, reason=stop)
                    return
        finally:
            sender.close()

    def _send_one(self, sender: StatusSender, rec: store.ProtocolRecord, recovered: bool, token: str,
                  now: datetime, result: TransmitResult) -> str:
        """Send one protocol and record the outcome; returns why the account must stop, or ""."""
        status = rec.status
        try:
            if recovered:
                found = sender.confirm_status(status)
                if found.applied:
                    store.finish(self.engine, rec.id, token, now, state=ProtocolState.SENT, verified=True,
                                 verify_detail=found.detail, sent_request=rec.sent_request or "[]")
                    result.sent += 1
                    result.recovered += 1
                    result.verified += 1
                    self._log(rec, Level.INFO, "status_sent", f"{self._what(rec)} was already at the marketplace "
                              f"(an earlier transmission was interrupted after sending): {found.detail}", now)
                    return ""
            calls = sender.send_status(status)
        except RateLimited as exc:
            self._defer(rec, token, now, str(exc), result, exc.retry_after)
            return str(exc)
        except AuthError as exc:
            self._defer(rec, token, now, str(exc), result, None)
            return str(exc)
        except TransientError as exc:
            self._defer(rec, token, now, str(exc), result, None)
            return ""
        except Conflict as exc:
            return self._conflict(sender, rec, token, now, result, exc)
        except PermanentError as exc:
            self._fail(rec, token, now, str(exc), result)
            return ""
        except ChannelError as exc:
            self._defer(rec, token, now, str(exc), result, None)
            return ""
        except Exception as exc:  # a bug must not stop the other orders
            log_file.exception("sending status protocol %s failed", rec.id)
            self._fail(rec, token, now, f"internal error: {exc}", result)
            return ""
        sent = json.dumps([c.as_json() for c in calls], default=str)
        store.finish(self.engine, rec.id, token, now, state=ProtocolState.SENT, sent_request=sent)
        result.sent += 1
        self._log(rec, Level.INFO, "status_sent", f"{self._what(rec)} sent" +
                  ("" if calls else " (the marketplace already showed it; nothing to change)"), now)
        self._read_back(sender, rec, status, now, result)
        return ""

    def _read_back(self, sender: StatusSender, rec: store.ProtocolRecord, status: OutboundStatus, now: datetime,
                   result: TransmitResult) -> None:
        try:
            found: Confirmation = sender.confirm_status(status)
        except ChannelError as exc:
            store.set_verification(self.engine, rec.id, False, f"could not read the order back: {exc}", now)
            result.mismatched += 1
            return
        store.set_verification(self.engine, rec.id, found.applied, found.detail, now)
        if found.applied:
            result.verified += 1
        else:
            result.mismatched += 1
            self._log(rec, Level.WARNING, "status_mismatch", f"{self._what(rec)} was accepted, but reading the "
                      f"order back does not show it: {found.detail}. Check the order in the marketplace; retry "
                      f"sends it again.", now)

    def _conflict(self, sender: StatusSender, rec: store.ProtocolRecord, token: str, now: datetime,
                  result: TransmitResult, exc: Conflict) -> str:
        try:
            found = sender.confirm_status(rec.status)
        except ChannelError:
            found = None
        if found is not None and found.applied:
            store.finish(self.engine, rec.id, token, now, state=ProtocolState.SENT, verified=True,
                         verify_detail=found.detail, sent_request=rec.sent_request or "[]")
            result.sent += 1
            result.recovered += 1
            result.verified += 1
            self._log(rec, Level.INFO, "status_sent", f"{self._what(rec)}: the marketplace already shows it "
                      f"({found.detail})", now)
            return ""
        self._fail(rec, token, now, str(exc), result)
        return ""

    def _defer(self, rec: store.ProtocolRecord, token: str, now: datetime, error: str, result: TransmitResult,
               retry_after: float | None) -> None:
        delay = timedelta(seconds=retry_after) if retry_after else backoff(rec.attempts)
        store.finish(self.engine, rec.id, token, now, state=ProtocolState.PENDING, error=error,
                     next_try_at=now + delay)
        result.deferred += 1
        result.errors.append(f"{rec.order_number}: {error}")
        self._log(rec, Level.WARNING, "status_retry", f"{self._what(rec)} not sent yet: {error}; next try in "
                  f"{int(delay.total_seconds())} s", now)

    def _fail(self, rec: store.ProtocolRecord, token: str, now: datetime, error: str, result: TransmitResult) -> None:
        store.finish(self.engine, rec.id, token, now, state=ProtocolState.FAILED, error=error)
        result.failed += 1
        result.errors.append(f"{rec.order_number}: {error}")
        self._log(rec, Level.ERROR, "status_failed", f"{self._what(rec)} refused: {error}. Correct it and retry, or "
                  f"discard it in the status queue.", now)

    def _release(self, items: list[tuple[store.ProtocolRecord, bool]], token: str, now: datetime,
                 reason: str = "") -> None:
        for rec, recovered in items:
            # A recovered one keeps "sending"-like care: back to pending would resend without a
            # check, so it stays claimable as half-done once its lease runs out.
            if recovered:
                continue
            store.finish(self.engine, rec.id, token, now, state=ProtocolState.PENDING, error=reason,
                         next_try_at=now if not reason else now + backoff(1), undo_attempt=True)

    # -- helpers -------------------------------------------------------------------------------------
    @contextmanager
    def _transaction(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with write_transaction(self.engine) as own:
                yield own

    def _sender(self, account: AccountRecord) -> StatusSender:
        info = channel_info(account.channel)
        if info.create_sender is None:
            raise ChannelError(f"{info.display_name} cannot be sent statuses in this version")
        credentials = self._secrets().get_all(account.secret_ref, info.credential_fields)
        return info.create_sender(account.base_url, credentials, self._options())

    @staticmethod
    def _what(rec: store.ProtocolRecord) -> str:
        return f"Status {rec.status_type} {rec.value!r} of order {rec.order_number} (protocol {rec.id})"

    def _log(self, rec: store.ProtocolRecord, level: Level, event: str, message: str, now: datetime) -> None:
        with write_transaction(self.engine) as conn:
            protocol_log.write(conn, level, event, message, channel=rec.channel, account_id=rec.account_id,
                               account_name=rec.account_name, order_number=rec.order_number,
                               details={"protocol": rec.id}, at=now)
