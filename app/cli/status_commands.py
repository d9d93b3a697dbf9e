"""`ship`, `tracking`, `cancel` and `status ...`: telling the marketplaces what happened to an order.

Output shapes with --json are documented in the README. Errors the user can fix (ShipmentError,
OrderNotFound, a wrong rule value) are raised and answered by main() with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime, timezone

from app.bootstrap import AppContext, build
from app.cli.prompts import ask_master_key
from app.domain.carriers import CARRIER_NAMES, Carrier, detect, normalise
from app.domain.countries import ALPHA3_TO_ALPHA2
from app.domain.orders import Channel
from app.domain.shipments import parse_line_request
from app.domain.statuses import CHANNEL_VALUES, OPEN_STATES, ProtocolState, StatusEvent, StatusRule, StatusType
from app.services.status import (
    DEFAULT_AUTO_INTERVAL,
    SETTING_SHIP_FROM,
    SETTING_TRACKING_WAIT,
    ShipRequest,
)
from app.store import status_store as store

MAX_TRACKING_WAIT_HOURS = 168.0  # a week; longer is a forgotten package, not a wait
_COUNTRY = re.compile(r"[A-Z]{3}")
_ALPHA2_TO_ALPHA3 = {two: three for three, two in ALPHA3_TO_ALPHA2.items()}


def _context() -> AppContext:
    return build(ask_master_key=ask_master_key)


def _dump(data: object) -> None:
    print(json.dumps(data, indent=1, ensure_ascii=False, default=str))


def _lines(specs: list[str] | None) -> list[tuple[str, int]] | None:
    return None if not specs else [parse_line_request(s) for s in specs]


def _carrier_label(value: str) -> str:
    try:
        return CARRIER_NAMES[Carrier(value)]
    except ValueError:
        return value


def _lines_text(lines) -> str:  # type: ignore[no-untyped-def]
    return ", ".join(f"{ln.sku or ln.line_id} x{ln.quantity}" for ln in lines)


def _ship_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--ship-date {text!r}: not an ISO-8601 date or time (e.g. 2026-05-02 or "
                         f"2026-05-02T14:30+02:00)") from None
    if when.tzinfo is None:
        when = when.astimezone()  # the clerk's local time
    return when.astimezone(timezone.utc)


# -- ship, tracking, cancel -----------------------------------------------------------------------------

def cmd_ship(args: argparse.Namespace) -> int:
    request = ShipRequest(order=args.order, lines=_lines(args.line), tracking_number=args.tracking,
                          carrier=args.carrier, carrier_name=args.carrier_name, ship_date=_ship_date(args.ship_date),
                          return_tracking_number=args.return_tracking, return_carrier=args.return_carrier,
                          skip_check_digit=args.skip_check_digit, source="cli")
    ctx = _context()
    try:
        outcome = ctx.status.ship(request)
    finally:
        ctx.close()
    tracking = normalise(args.tracking)
    proposed = bool(tracking) and not (args.carrier or "").strip()
    candidates = detect(tracking) if proposed else []
    if args.json:
        _dump({**outcome.as_json(), "tracking_number": tracking, "carrier_proposed": proposed,
               "candidates": [{"carrier": c.carrier.value, "name": c.name, "checksum_valid": c.checksum_valid,
                               "reason": c.reason} for c in candidates]})
        return 0
    print(f"order {outcome.order_number} ({outcome.channel}): package {outcome.package_no} recorded as shipment "
          f"{outcome.shipment_id}: {_lines_text(outcome.lines)}")
    if outcome.carrier:
        carrier = _carrier_label(outcome.carrier) + (f" (code {outcome.carrier_code})"
                                                      if outcome.carrier_code else "")
        if proposed and candidates:
            others = ", ".join(c.name for c in candidates[1:])
            print(f"  carrier: {carrier}, proposed from the tracking number: {candidates[0].reason}"
                  + (f" Other candidates: {others}." if others else "") + " Override with --carrier.")
        else:
            print(f"  carrier: {carrier}")
    print(f"  tracking number: {tracking or 'none yet'}")
    if outcome.protocols:
        ids = ", ".join(str(i) for i in outcome.protocols)
        if outcome.waiting:
            print(f"  status protocol(s) {ids} wait for the tracking number: "
                  f"orderdesk tracking {outcome.shipment_id} NUMBER")
        else:
            print(f"  status protocol(s) {ids} queued; `orderdesk status push` sends them now")
    else:
        print(f"  {outcome.note or 'no status protocol queued'}")
    return 0


def cmd_tracking(args: argparse.Namespace) -> int:
    ctx = _context()
    try:
        moved = ctx.status.add_tracking(args.shipment_id, args.tracking_number, args.carrier,
                                        carrier_name=args.carrier_name, skip_check_digit=args.skip_check_digit,
                                        return_tracking_number=args.return_tracking or "",
                                        return_carrier=args.return_carrier)
        with ctx.engine.connect() as conn:
            shipment = store.get_shipment(conn, args.shipment_id)
    finally:
        ctx.close()
    if args.json:
        _dump({"shipment_id": shipment.id, "package_no": shipment.package_no,
               "tracking_number": shipment.tracking_number, "carrier": shipment.carrier, "protocols": moved})
        return 0
    carrier = f" ({_carrier_label(shipment.carrier)})" if shipment.carrier else ""
    print(f"shipment {shipment.id} (package {shipment.package_no}): tracking number "
          f"{shipment.tracking_number}{carrier} recorded")
    if moved:
        print(f"  status protocol(s) {', '.join(str(i) for i in moved)} will be sent by the next transmission")
    else:
        print("  no status protocol of this package is still unsent: recorded in OrderDesk only (what was sent "
              "keeps its number; see orderdesk status list)")
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    lines = _lines(args.line)
    ctx = _context()
    try:
        outcome = ctx.status.cancel(args.order, lines, args.reason, source="cli")
    finally:
        ctx.close()
    if args.json:
        _dump({**outcome.as_json(), "reason": args.reason})
        return 0
    print(f"order {outcome.order_number} ({outcome.channel}): cancellation {outcome.record_id} recorded, "
          f"reason {args.reason or 'the channel default'}: {_lines_text(outcome.lines)}")
    if outcome.protocols:
        print(f"  status protocol(s) {', '.join(str(i) for i in outcome.protocols)} queued; "
              f"`orderdesk status push` sends them now")
    else:
        print(f"  no enabled status rule sends cancellations to {outcome.channel}")
    return 0


# -- status ... -----------------------------------------------------------------------------------------

def cmd_status(args: argparse.Namespace) -> int:
    handler = _ACTIONS[args.action]
    ctx = _context()
    try:
        return handler(ctx, args)
    finally:
        ctx.close()


def _failed_ids(ctx: AppContext, args: argparse.Namespace) -> set[int]:
    return {r.id for r in ctx.status.queue(states=[ProtocolState.FAILED.value], channel=args.channel,
                                           account=args.account)}


def _push(ctx: AppContext, args: argparse.Namespace) -> int:
    failed_before = _failed_ids(ctx, args)
    result = ctx.status.transmit(args.channel, args.account)
    # Refused ones, and waits for tracking that ran out where the channel needs it, both need the clerk.
    newly_failed = _failed_ids(ctx, args) - failed_before
    counts = store.count_by_state(ctx.engine)
    queue = {s.value: counts.get(s.value, 0) for s in ProtocolState if s in OPEN_STATES}
    if args.json:
        _dump({**result.as_json(), "queue": queue})
    else:
        print(result.summary())
        for error in result.errors:
            print(f"  {error}")
        left = ", ".join(f"{n} {state}" for state, n in queue.items() if n)
        print(f"queue: {left or 'empty'}")
        if newly_failed:
            print(f"status protocol(s) {', '.join(str(i) for i in sorted(newly_failed))} need you: "
                  f"orderdesk status list --state failed")
    return 1 if result.failed or result.deferred or newly_failed else 0


def _list(ctx: AppContext, args: argparse.Namespace) -> int:
    records = ctx.status.queue(states=args.state, channel=args.channel, account=args.account, order=args.order,
                               limit=args.limit)
    if args.json:
        _dump([r.as_json() for r in records])
        return 0
    for r in records:
        status = r.status
        parts = [f"{r.id:>6} {r.state:9} {r.channel + '/' + r.account_name:24} {r.order_number:12} "
                 f"{r.event} -> {r.status_type} {r.value}"]
        if status.package_no:
            parts.append(f"package {status.package_no}")
        if status.tracking_number:
            parts.append(f"{status.carrier_code or status.carrier} {status.tracking_number}")
        if status.reason:
            parts.append(f"reason {status.reason}")
        if r.attempts:
            parts.append(f"attempts {r.attempts}")
        if r.verified is False:
            parts.append("NOT CONFIRMED by the marketplace")
        print("  ".join(parts))
        if r.last_error:
            print(f"{'':7}{r.last_error}")
    if not records:
        print("no status protocols")
    return 0


def _move(ctx: AppContext, args: argparse.Namespace) -> int:
    done = ctx.status.retry(args.id) if args.action == "retry" else ctx.status.discard(args.id)
    with ctx.engine.connect() as conn:
        rec = store.get_protocol(conn, args.id)  # LookupError names a protocol that does not exist
    if not done:
        allowed = ("failed or waiting ones (or sent ones the marketplace did not show)" if args.action == "retry"
                   else "pending, waiting or failed ones")
        raise ValueError(f"status protocol {args.id} is {rec.state}; only {allowed} can be "
                         f"{'retried' if args.action == 'retry' else 'discarded'}")
    if args.action == "retry":
        print(f"status protocol {args.id} (order {rec.order_number}) is pending: the next transmission sends it")
    else:
        print(f"status protocol {args.id} (order {rec.order_number}) discarded: it will not be sent")
    return 0


def _event(ctx: AppContext, args: argparse.Namespace) -> int:
    event = StatusEvent(args.event)
    outcome = ctx.status.record_event(args.order, event, source="cli")
    if args.json:
        _dump({**outcome.as_json(), "event": event.value})
        return 0
    print(f"order {outcome.order_number} ({outcome.channel}): {event.value} recorded")
    if outcome.protocols:
        print(f"  status protocol(s) {', '.join(str(i) for i in outcome.protocols)} queued")
    elif any(r.event is event and r.enabled for r in ctx.status.rules(Channel(outcome.channel))):
        print("  already queued for this order earlier; nothing new to send")
    else:
        print(f"  no enabled status rule sends {event.value} to {outcome.channel}")
    return 0


def _rule_json(r: StatusRule) -> dict:
    return {"channel": r.channel.value, "event": r.event.value, "status_type": r.status_type.value,
            "value": r.value, "enabled": r.enabled,
            "allowed_values": list(CHANNEL_VALUES[r.channel].get(r.status_type, ()))}


def _rules(ctx: AppContext, args: argparse.Namespace) -> int:
    rules = ctx.status.rules(Channel(args.channel) if args.channel else None)
    if args.json:
        _dump([_rule_json(r) for r in rules])
        return 0
    for r in rules:
        state = "enabled" if r.enabled else "disabled"
        print(f"{r.channel.value:9} {r.event.value:19} -> {r.status_type.value:11} {r.value:22} {state}")
    return 0


def _rule(ctx: AppContext, args: argparse.Namespace) -> int:
    channel, event, kind = Channel(args.channel), StatusEvent(args.event), StatusType(args.type)
    current = next((r for r in ctx.status.rules(channel) if r.event is event and r.status_type is kind), None)
    value = args.value if args.value is not None else (current.value if current else None)
    if value is None:
        raise ValueError(f"{channel.value} has no {event.value} -> {kind.value} rule yet; give its --value")
    enabled = args.enabled if args.enabled is not None else (current.enabled if current else True)
    rule = StatusRule(channel, event, kind, value, enabled)
    ctx.status.save_rule(rule)
    print(f"{channel.value}: {event.value} -> {kind.value} {value}, {'enabled' if enabled else 'disabled'}")
    return 0


def _preview(ctx: AppContext, args: argparse.Namespace) -> int:
    package = ShipRequest(order=args.order, lines=_lines(args.line), tracking_number=args.tracking,
                          carrier=args.carrier, carrier_name=args.carrier_name,
                          return_tracking_number=args.return_tracking, return_carrier=args.return_carrier,
                          source="cli")
    events = [StatusEvent(e) for e in args.event] if args.event else None
    items = ctx.status.preview(args.order, ship=package, reason=args.reason, events=events)
    if args.json:
        _dump([item.as_json() for item in items])
        return 0
    if not items:
        print("no status rules for this order's channel")
    for item in items:
        rule = item.rule
        print(f"{rule.event.value} -> {rule.status_type.value} {rule.value} "
              f"({'enabled' if rule.enabled else 'disabled'}):")
        if item.problem:
            print(f"  cannot be sent: {item.problem}")
        elif not item.calls:
            print("  nothing to send: the marketplace already shows it")
        for call in item.calls:
            print(f"  {call.method} {call.path}" + (f"  ({call.note})" if call.note else ""))
            if call.body is not None:
                for line in json.dumps(call.body, indent=2, ensure_ascii=False, default=str).splitlines():
                    print(f"    {line}")
    return 0


def _ship_from(ctx: AppContext, args: argparse.Namespace) -> int:
    given = {"city": args.city, "zipCode": args.zip, "countryCode": args.country}
    if any(v is not None for v in given.values()):
        missing = [opt for opt, key in (("--city", "city"), ("--zip", "zipCode"), ("--country", "countryCode"))
                   if not (given[key] or "").strip()]
        if missing:
            raise ValueError(f"the ship-from address needs {', '.join(missing)} as well")
        address = {k: v.strip() for k, v in given.items()}  # type: ignore[union-attr]
        country = address["countryCode"].upper()
        address["countryCode"] = _ALPHA2_TO_ALPHA3.get(country, country)  # OTTO wants alpha-3; DE is taken too
        if not _COUNTRY.fullmatch(address["countryCode"]):
            raise ValueError(f"--country {args.country!r}: give the ISO-3166 alpha-3 code OTTO expects, e.g. DEU")
        ctx.status.set_setting(SETTING_SHIP_FROM, address)
    address = ctx.status.setting(SETTING_SHIP_FROM, None)
    if address:
        print(f"ship-from address (OTTO shipFromAddress): {address.get('zipCode')} {address.get('city')}, "
              f"{address.get('countryCode')}")
    else:
        print("no ship-from address yet; OTTO shipments need one: "
              "orderdesk status ship-from --city C --zip Z --country DEU")
    return 0


def _auto(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.enabled is not None or args.interval is not None:
        if not args.channel:
            raise ValueError("say which channel: --channel CH")
        current = ctx.status.auto_settings()[args.channel]
        enabled = args.enabled if args.enabled is not None else current["enabled"]
        ctx.status.set_auto(Channel(args.channel), enabled, args.interval)
    settings = ctx.status.auto_settings()
    for channel, entry in settings.items():
        if args.channel and channel != args.channel:
            continue
        state = "on " if entry["enabled"] else "off"
        print(f"{channel:9} {state} every {entry.get('interval_minutes', DEFAULT_AUTO_INTERVAL)} min")
    return 0


def _tracking_wait(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.hours is not None:
        if not 0 <= args.hours <= MAX_TRACKING_WAIT_HOURS:
            raise ValueError(f"the wait must be between 0 and {MAX_TRACKING_WAIT_HOURS:g} hours")
        minutes = args.hours * 60
        ctx.status.set_setting(SETTING_TRACKING_WAIT, int(minutes) if minutes == int(minutes) else minutes)
    hours = ctx.status.tracking_wait().total_seconds() / 3600
    print(f"a package without tracking number waits {hours:g} h for one")
    return 0


_ACTIONS = {"push": _push, "list": _list, "retry": _move, "discard": _move, "event": _event, "rules": _rules,
            "rule": _rule, "preview": _preview, "ship-from": _ship_from, "auto": _auto,
            "tracking-wait": _tracking_wait}
