"""Status back to a Shopware 6 shop: target states of its three state machines (issue 5).

A status value is the state the shop shall show (CHANNEL_VALUES): the order's state
(FULFILLMENT: in_progress, completed, cancelled), the delivery's (DELIVERY: shipped, returned,
cancelled) or the latest payment attempt's (PAYMENT: paid, paid_partially, refunded, ...). The
sender reads the order's current states (`POST /api/search/order` with its id) and takes the
transitions that lead there (marketplaces.md §5.4):

- shipped: `ship_partially` while the package leaves lines open, `ship` when it completes the
  order (also from shipped_partially); before that the package's tracking number is appended
  to the delivery's `trackingCodes` (PATCH with the whole list, no duplicates). Shopware has no
  carrier field: the shipping method implies it.
- paid and the other payment states: on the order's latest transaction, in the spelling the shop
  knows (`paid` since 6.7, `pay` before; `GET …/state-machine/order_transaction/{id}/state` says).
- completed from open walks process → complete.

A status the shop already shows (or has gone past: a shipped delivery for a partial package, a
refunded payment for "paid") sends nothing, so a retry or a second run after a crash never moves
anything twice. A state the target cannot be reached from is a Conflict, as is the shop's own
illegal-transition answer when the state changed between reading and sending (then the state is
read again first: if it shows the status, that is success).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from app.channels.base import AdapterOptions
from app.channels.errors import ChannelError, Conflict, PermanentError, RateLimited
from app.channels.http import HttpSession, RateLimiter
from app.channels.shopware.adapter import TOKEN_BURST, TOKEN_BURST_MARGIN, TOKEN_PER_SECOND
from app.channels.shopware.client import (
    DELIVERY_PATH,
    TRANSITION_PATH,
    RefusalNotes,
    ShopwareClient,
    ShopwareToken,
    api_root,
)
from app.domain.statuses import Confirmation, OutboundStatus, PlannedCall, StatusType

ORDER, DELIVERY, PAYMENT = "order", "order_delivery", "order_transaction"
MACHINE = {StatusType.FULFILLMENT: ORDER, StatusType.DELIVERY: DELIVERY, StatusType.PAYMENT: PAYMENT}
WORDS = {ORDER: "order", DELIVERY: "delivery", PAYMENT: "payment"}
TRANSITION_BODY = {"sendMail": True}  # the shop's own mail settings decide, as when a clerk clicks it
_PAST_PAID = ("refunded", "refunded_partially", "chargeback")
_SHIPPED_OR_LATER = ("shipped", "returned", "returned_partially")


@dataclass(frozen=True)
class Goal:
    """Where a status wants a state machine: the states that already show it, and from which
    states which actions lead there (Shopware's transition tables, canonical 6.7 names)."""

    machine: str
    target: str
    reached: frozenset[str]
    steps: dict[str, tuple[str, ...]]


def _goal(machine: str, target: str, reached: tuple[str, ...], steps: dict[str, tuple[str, ...]]) -> Goal:
    return Goal(machine, target, frozenset((target, *reached)), steps)


# Payment actions the shop may spell the old way (<= 6.6) or the new way (6.7+): new first.
PAYMENT_SPELLINGS = {"paid": ("paid", "pay"), "paid_partially": ("paid_partially", "pay_partially")}
_UNPAID = ("open", "reminded", "in_progress", "authorized", "failed", "unconfirmed")


def goal_of(status: OutboundStatus) -> Goal:
    """The goal of one status; PermanentError when Shopware has no such state to reach."""
    value, kind = status.value, status.status_type
    goals: dict[str, Goal]
    if kind is StatusType.FULFILLMENT:
        goals = {
            "in_progress": _goal(ORDER, "in_progress", ("completed",), {"open": ("process",)}),
            "completed": _goal(ORDER, "completed", (), {"open": ("process", "complete"), "in_progress": ("complete",)}),
            "cancelled": _goal(ORDER, "cancelled", (), {"open": ("cancel",), "in_progress": ("cancel",)}),
        }
    elif kind is StatusType.DELIVERY:
        if status.complete:
            shipped = _goal(DELIVERY, "shipped", _SHIPPED_OR_LATER[1:], {"open": ("ship",),
                                                                         "shipped_partially": ("ship",)})
            returned = _goal(DELIVERY, "returned", (), dict.fromkeys(
                ("shipped", "shipped_partially", "returned_partially"), ("retour",)))
        else:
            shipped = _goal(DELIVERY, "shipped_partially", _SHIPPED_OR_LATER, {"open": ("ship_partially",)})
            returned = _goal(DELIVERY, "returned_partially", ("returned",),
                             dict.fromkeys(("shipped", "shipped_partially"), ("retour_partially",)))
        goals = {"shipped": shipped, "returned": returned,
                 "cancelled": _goal(DELIVERY, "cancelled", (), dict.fromkeys(
                     ("open", "shipped", "shipped_partially"), ("cancel",)))}
    elif kind is StatusType.PAYMENT:
        goals = {
            "paid": _goal(PAYMENT, "paid", _PAST_PAID, dict.fromkeys((*_UNPAID, "paid_partially"), ("paid",))),
            "paid_partially": _goal(PAYMENT, "paid_partially", ("paid", *_PAST_PAID),
                                    dict.fromkeys(("open", "reminded", "in_progress"), ("paid_partially",))),
            "refunded": _goal(PAYMENT, "refunded", (), dict.fromkeys(
                ("paid", "paid_partially", "refunded_partially"), ("refund",))),
            "refunded_partially": _goal(PAYMENT, "refunded_partially", ("refunded",),
                                        dict.fromkeys(("paid", "paid_partially"), ("refund_partially",))),
            "cancelled": _goal(PAYMENT, "cancelled", (), dict.fromkeys((*_UNPAID, "paid_partially"), ("cancel",))),
        }
    else:  # pragma: no cover - StatusType has three members
        goals = {}
    goal = goals.get(value)
    if goal is None:
        raise PermanentError(f"{value!r} is not a {kind.value} state OrderDesk can set in Shopware 6 "
                             f"(allowed: {', '.join(goals)})")
    return goal


@dataclass(frozen=True)
class Entity:
    """One state machine's entity of the order as the shop shows it now."""

    machine: str
    id: str
    state: str
    tracking_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    order_id: str
    number: str
    order: Entity
    delivery: Entity | None
    payment: Entity | None

    def entity(self, machine: str) -> Entity | None:
        return {ORDER: self.order, DELIVERY: self.delivery, PAYMENT: self.payment}[machine]


@dataclass(frozen=True)
class Step:
    call: PlannedCall
    machine: str
    entity_id: str
    action: str = ""  # "" for the tracking-code PATCH


LOOKUP_ASSOCIATIONS: dict[str, Any] = {
    "stateMachineState": {},
    "deliveries": {"associations": {"stateMachineState": {}}},
    "transactions": {"associations": {"stateMachineState": {}}},
}
LOOKUP_INCLUDES: dict[str, list[str]] = {
    "order": ["id", "orderNumber", "stateMachineState", "deliveries", "transactions"],
    "order_delivery": ["id", "createdAt", "stateMachineState", "trackingCodes", "shippingCosts"],
    "order_transaction": ["id", "createdAt", "stateMachineState"],
    "state_machine_state": ["technicalName"],
    "calculated_price": ["unitPrice"],
}


def lookup_criteria(order_id: str) -> dict[str, Any]:
    return {"ids": [order_id], "associations": LOOKUP_ASSOCIATIONS, "includes": LOOKUP_INCLUDES}


def same_code(a: str, b: str) -> bool:
    """Tracking numbers compare without spaces and case (how clerks and scanners differ)."""
    return a.replace(" ", "").upper() == b.replace(" ", "").upper()


class ShopwareStatusSender:
    def __init__(self, base_url: str, credentials: dict[str, str], options: AdapterOptions = AdapterOptions()) -> None:
        sleep = options.sleep or time.sleep
        self.token_limiter = options.limiter("oauth/token", TOKEN_PER_SECOND, burst=TOKEN_BURST - TOKEN_BURST_MARGIN)
        # The Admin API has no documented limit (self-hosted shops have none): paced only on request.
        self.api_limiter = (options.limiter("admin api", options.rate_limit) if options.rate_limit
                            else RateLimiter(None, name="admin api"))
        root = api_root(base_url)
        self.shop = urlsplit(root).netloc or root
        notes = RefusalNotes()
        self.session = HttpSession(root, policy=options.policy, limiter=self.api_limiter,
                                   transport=options.transport, sleep=sleep, describe_error=notes,
                                   cancelled=options.cancelled)
        self.token = ShopwareToken(credentials["client_id"], credentials["client_secret"], self.token_limiter, sleep)
        self.client = ShopwareClient(self.session, self.token, notes)

    def close(self) -> None:
        self.session.close()

    # -- the StatusSender protocol ----------------------------------------------------------------
    def plan_status(self, status: OutboundStatus) -> list[PlannedCall]:
        with self._named_errors(status):
            goal_of(status)  # a value Shopware cannot take is refused before asking the shop
            return [step.call for step in self._steps(status, self._snapshot(status))]

    def send_status(self, status: OutboundStatus) -> list[PlannedCall]:
        with self._named_errors(status):
            goal_of(status)
            steps = self._steps(status, self._snapshot(status))
            made: list[PlannedCall] = []
            for step in steps:
                try:
                    self._execute(step)
                except Conflict as exc:
                    # The state moved since it was read (another user, a retried request that
                    # had arrived): what counts is whether the shop now shows the status.
                    fresh = self._snapshot(status)
                    if self._shows(status, fresh)[0]:
                        return made
                    raise Conflict(f"{exc}; the {WORDS[step.machine]} is now "
                                   f"{_state_of(fresh, step.machine)}") from None
                made.append(step.call)
            return made

    def confirm_status(self, status: OutboundStatus) -> Confirmation:
        with self._named_errors(status):
            goal_of(status)
            applied, detail = self._shows(status, self._snapshot(status))
            return Confirmation(applied, detail)

    # -- reading ----------------------------------------------------------------------------------
    def _snapshot(self, status: OutboundStatus) -> Snapshot:
        result = self.client.search_orders(lookup_criteria(status.marketplace_id))
        raw = next((o for o in result["data"] if isinstance(o, dict) and o.get("id") == status.marketplace_id), None)
        if raw is None:
            raise PermanentError(f"the shop has no order with the id {status.marketplace_id}")
        number = str(raw.get("orderNumber") or status.order_number)
        order = Entity(ORDER, status.marketplace_id, _technical(raw))
        deliveries = [d for d in raw.get("deliveries") or [] if isinstance(d, dict)]
        delivery = None
        if deliveries:
            # Shopware's administration treats the delivery with the highest shipping costs as the
            # order's main one (sorted by shippingCosts.unitPrice DESC); ties: the oldest.
            first = sorted(deliveries, key=lambda d: (-_unit_price(d), str(d.get("createdAt") or "")))[0]
            codes = first.get("trackingCodes") or []
            delivery = Entity(DELIVERY, str(first.get("id")), _technical(first),
                              tuple(c for c in codes if isinstance(c, str)))
        transactions = [t for t in raw.get("transactions") or [] if isinstance(t, dict)]
        payment = None
        if transactions:
            latest = max(enumerate(transactions), key=lambda it: (_stamp(it[1].get("createdAt")), it[0]))[1]
            payment = Entity(PAYMENT, str(latest.get("id")), _technical(latest))
        return Snapshot(status.marketplace_id, number, order, delivery, payment)

    def _shows(self, status: OutboundStatus, snap: Snapshot) -> tuple[bool, str]:
        goal = goal_of(status)
        entity = snap.entity(goal.machine)
        if entity is None:
            return False, f"order {snap.number} has no {WORDS[goal.machine]} in the shop"
        _require_state(entity)
        ok = entity.state in goal.reached
        detail = f"Shopware shows {_what(goal.machine, snap.number)} as {entity.state}"
        wanted_code = status.tracking_number.strip()
        if goal.machine == DELIVERY and status.value == "shipped":
            codes = ", ".join(entity.tracking_codes) or "none"
            detail += f" with tracking codes {codes}"
            if wanted_code and not any(same_code(wanted_code, c) for c in entity.tracking_codes):
                ok = False
                detail += f"; {wanted_code} is missing"
        if entity.state not in goal.reached:
            detail += f" (expected {goal.target})"
        return ok, detail

    # -- planning ---------------------------------------------------------------------------------
    def _steps(self, status: OutboundStatus, snap: Snapshot) -> list[Step]:
        goal = goal_of(status)
        entity = snap.entity(goal.machine)
        if entity is None:
            raise PermanentError(f"the order has no {WORDS[goal.machine]} in the shop")
        _require_state(entity)
        steps: list[Step] = []
        actions: tuple[str, ...] = ()
        if entity.state not in goal.reached:
            found = goal.steps.get(entity.state)
            if found is None:
                raise Conflict(f"the {WORDS[goal.machine]} is {entity.state}; Shopware has no transition from "
                               f"there to {goal.target}")
            actions = found
        code = status.tracking_number.strip()
        if (goal.machine == DELIVERY and status.value == "shipped" and code
                and not any(same_code(code, c) for c in entity.tracking_codes)):
            body = {"trackingCodes": [*entity.tracking_codes, code]}
            steps.append(Step(PlannedCall("PATCH", DELIVERY_PATH.format(id=entity.id), body,
                                          f"add tracking code {code} to the delivery of order {snap.number}"),
                              DELIVERY, entity.id))
        state = entity.state
        for position, action in enumerate(actions, 1):
            if goal.machine == PAYMENT:
                action = self._spelling(entity, action, goal)
            after = goal.target if position == len(actions) else _between(goal, action)
            path = TRANSITION_PATH.format(entity=goal.machine, id=entity.id, action=action)
            steps.append(Step(PlannedCall("POST", path, dict(TRANSITION_BODY),
                                          f"{_what(goal.machine, snap.number)}: {state} → {after} ({action})"),
                              goal.machine, entity.id, action))
            state = after
        return steps

    def _spelling(self, entity: Entity, action: str, goal: Goal) -> str:
        """The name the shop knows for a pay action, from its list of possible transitions."""
        names = PAYMENT_SPELLINGS.get(action, (action,))
        offered = {t.get("actionName") for t in self.client.available_transitions(PAYMENT, entity.id)}
        for name in names:
            if name in offered:
                return name
        raise Conflict(f"the payment is {entity.state}; the shop offers no transition to {goal.target} "
                       f"(it offers: {', '.join(sorted(str(o) for o in offered)) or 'none'})")

    def _execute(self, step: Step) -> None:
        body = step.call.body
        assert isinstance(body, dict)
        if step.action:
            self.client.transition(step.machine, step.entity_id, step.action, body)
        else:
            self.client.update_delivery(step.entity_id, body)

    @contextmanager
    def _named_errors(self, status: OutboundStatus) -> Iterator[None]:
        """Say which shop and which order: the shared HTTP layer only knows "the marketplace"."""
        try:
            yield
        except ChannelError as exc:
            if "Shopware 6" in str(exc):  # the token source names the shop itself
                raise
            text = f"Shopware 6 shop {self.shop}, order {status.order_number or status.marketplace_id}: {exc}"
            if isinstance(exc, RateLimited):
                raise RateLimited(text, exc.retry_after) from None
            raise type(exc)(text) from None


def _between(goal: Goal, action: str) -> str:
    """The state a step of a longer walk leads to (only the order's process → complete)."""
    return {"process": "in_progress", "complete": "completed"}.get(action, goal.target)


def _state_of(snap: Snapshot, machine: str) -> str:
    entity = snap.entity(machine)
    return entity.state if entity is not None else "missing"


def _technical(raw: dict[str, Any]) -> str:
    """The technical state name; "" when the shop did not send it (checked where it is needed)."""
    state = raw.get("stateMachineState")
    name = state.get("technicalName") if isinstance(state, dict) else None
    return name if isinstance(name, str) else ""


def _require_state(entity: Entity) -> None:
    if not entity.state:
        raise PermanentError(f"the shop did not say the state of the {WORDS[entity.machine]} "
                             f"(stateMachineState missing although requested)")


def _what(machine: str, number: str) -> str:
    return f"order {number}" if machine == ORDER else f"the {WORDS[machine]} of order {number}"


def _unit_price(delivery: dict[str, Any]) -> float:
    costs = delivery.get("shippingCosts")
    value = costs.get("unitPrice") if isinstance(costs, dict) else None
    return float(value) if isinstance(value, (int, float)) else 0.0


def _stamp(value: object) -> float:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            pass
    return float("-inf")
