"""Status back to the marketplaces: events, status rules and what one status protocol carries.

An event in OrderDesk (a package shipped, the order cancelled, an invoice created, ...) is turned
by the channel's status rules into status protocols, each one status of one type (fulfillment,
delivery, payment) with a value in the channel's own words. The protocol's ``OutboundStatus``
holds everything a channel needs to send it, so sending never depends on data that may change
later (the clerk editing a shipment after it went out). Modelled on microtech büro+'s status
protocols and magnalister's shipped/cancelled sync.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.orders import Channel


class StatusEvent(StrEnum):
    INVOICE_CREATED = "invoice_created"
    SHIPMENT_COMPLETED = "shipment_completed"
    PAYMENT_SETTLED = "payment_settled"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class StatusType(StrEnum):
    FULFILLMENT = "fulfillment"  # the order's own state (Shopware order state, OTTO/Kaufland cancellation)
    DELIVERY = "delivery"  # shipped with tracking and carrier
    PAYMENT = "payment"  # Shopware transaction state


class ProtocolState(StrEnum):
    PENDING = "pending"  # to be sent by the next transmission
    WAITING = "waiting"  # a shipment waits for its tracking number (until its wait runs out)
    SENDING = "sending"  # claimed by one transmission; found so after a crash, it is checked, not resent
    SENT = "sent"
    FAILED = "failed"  # the marketplace refused it, or it needs the clerk; retry or discard
    DISCARDED = "discarded"  # the clerk decided it shall not be sent


OPEN_STATES = frozenset({ProtocolState.PENDING, ProtocolState.WAITING, ProtocolState.SENDING, ProtocolState.FAILED})

DEFAULT_TRACKING_WAIT = timedelta(hours=3)  # as Channable: a shipment waits this long for its tracking number


@dataclass(frozen=True, slots=True)
class StatusRule:
    """An event in OrderDesk maps to a status type and a value on one platform."""

    channel: Channel
    event: StatusEvent
    status_type: StatusType
    value: str
    enabled: bool = True


# What each channel's API can be told, per status type, in its own words. The first value is the
# default. Amazon Orders v0 and eBay's Fulfillment API have no seller cancellation (marketplaces.md
# §2.5, §3.6): a cancellation there is made in Seller Central / eBay's Post-Order flow.
CHANNEL_VALUES: dict[Channel, dict[StatusType, tuple[str, ...]]] = {
    Channel.OTTO: {StatusType.DELIVERY: ("SENT",), StatusType.FULFILLMENT: ("CANCELLED_BY_PARTNER",)},
    Channel.AMAZON: {StatusType.DELIVERY: ("Shipped",)},
    Channel.EBAY: {StatusType.DELIVERY: ("FULFILLED",)},
    Channel.KAUFLAND: {StatusType.DELIVERY: ("sent",), StatusType.FULFILLMENT: ("cancelled",)},
    # Target states of Shopware's state machines (order / order_delivery / order_transaction); the
    # sender walks the transition that leads there (marketplaces.md §5.4).
    Channel.SHOPWARE: {
        StatusType.FULFILLMENT: ("in_progress", "completed", "cancelled"),
        StatusType.DELIVERY: ("shipped", "returned", "cancelled"),
        StatusType.PAYMENT: ("paid", "paid_partially", "refunded", "cancelled"),
    },
}

# Which events a channel can report at all, and under which type by default.
_DEFAULTS: tuple[tuple[Channel, StatusEvent, StatusType, str], ...] = (
    (Channel.OTTO, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "SENT"),
    (Channel.OTTO, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "CANCELLED_BY_PARTNER"),
    (Channel.AMAZON, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "Shipped"),
    (Channel.EBAY, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "FULFILLED"),
    (Channel.KAUFLAND, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "sent"),
    (Channel.KAUFLAND, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "cancelled"),
    (Channel.SHOPWARE, StatusEvent.INVOICE_CREATED, StatusType.FULFILLMENT, "in_progress"),
    (Channel.SHOPWARE, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "shipped"),
    (Channel.SHOPWARE, StatusEvent.PAYMENT_SETTLED, StatusType.PAYMENT, "paid"),
    (Channel.SHOPWARE, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "cancelled"),
    (Channel.SHOPWARE, StatusEvent.RETURNED, StatusType.DELIVERY, "returned"),
)
DEFAULT_RULES: tuple[StatusRule, ...] = tuple(StatusRule(c, e, t, v) for c, e, t, v in _DEFAULTS)


def default_rules(channel: Channel) -> tuple[StatusRule, ...]:
    return tuple(r for r in DEFAULT_RULES if r.channel is channel)


def check_rule(rule: StatusRule) -> None:
    """Raise ValueError naming what is wrong when the channel cannot be told this."""
    values = CHANNEL_VALUES[rule.channel].get(rule.status_type)
    if not values:
        raise ValueError(f"{rule.channel.value} has no {rule.status_type.value} status that OrderDesk can send")
    if rule.value not in values:
        raise ValueError(f"{rule.value!r} is not a {rule.status_type.value} status of {rule.channel.value}; "
                         f"allowed: {', '.join(values)}")


def channel_can_cancel(channel: Channel) -> bool:
    return StatusType.FULFILLMENT in CHANNEL_VALUES[channel] and any(
        r.event is StatusEvent.CANCELLED for r in default_rules(channel))


# Cancellation reasons each channel accepts (marketplaces.md §1.5, §4.4); the first is the default.
CANCEL_REASONS: dict[Channel, tuple[str, ...]] = {
    # OTTO's partner cancellation takes no reason in the request; the marketplace records
    # CANCELLED_BY_PARTNER. The reason is kept for the timeline.
    Channel.OTTO: ("CANCELLED_ON_PARTNER_WISH", "CANCELLED_ON_CUSTOMER_WISH"),
    Channel.KAUFLAND: ("NoInventory", "BuyerCancelled", "ShippingAddressUndeliverable", "WrongCatalogData",
                       "GeneralAdjustment", "MerchandiseNotReceived", "DelayedInventory", "WrongPrice",
                       "NoReactionBuyer", "UndeliverableRegion"),
    Channel.SHOPWARE: ("cancelled",),
    Channel.AMAZON: (),
    Channel.EBAY: (),
}


@dataclass(frozen=True, slots=True)
class StatusLine:
    line_id: str  # the marketplace's line / position item / order unit id (OrderLine.external_id)
    sku: str
    quantity: int


@dataclass(frozen=True)
class OutboundStatus:
    """Everything one status protocol sends, fixed when the protocol is written."""

    channel: Channel
    event: StatusEvent
    status_type: StatusType
    value: str
    order_id: int  # OrderDesk's order id
    marketplace_id: str
    order_number: str
    lines: tuple[StatusLine, ...] = ()
    complete: bool = True  # covers every line still open (a whole shipment or whole-order cancel)
    package_no: int = 0  # 1, 2, ... per order for shipments (Amazon packageReferenceId)
    tracking_number: str = ""
    carrier: str = ""  # app.domain.carriers.Carrier value
    carrier_code: str = ""  # the channel's code for it
    carrier_name: str = ""  # Amazon carrierName with "Other"
    ship_date: datetime | None = None
    return_tracking_number: str = ""
    return_carrier_code: str = ""
    reason: str = ""  # cancellation reason in the channel's words
    extra: dict = field(default_factory=dict)  # channel specifics (e.g. Amazon marketplaceId)

    def to_json(self) -> str:
        data = asdict(self)
        data["ship_date"] = self.ship_date.isoformat() if self.ship_date else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "OutboundStatus":
        data = json.loads(text)
        data["channel"] = Channel(data["channel"])
        data["event"] = StatusEvent(data["event"])
        data["status_type"] = StatusType(data["status_type"])
        data["lines"] = tuple(StatusLine(**ln) for ln in data["lines"])
        data["ship_date"] = datetime.fromisoformat(data["ship_date"]) if data["ship_date"] else None
        return cls(**data)


@dataclass(frozen=True, slots=True)
class PlannedCall:
    """One HTTP request a status is sent with; what the preview shows and the sender sends."""

    method: str
    path: str  # relative to the account's base URL
    body: dict | list | None = None
    note: str = ""  # what it does, in words

    def as_json(self) -> dict:
        return {"method": self.method, "path": self.path, "body": self.body, "note": self.note}


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What reading the order back from the marketplace showed."""

    applied: bool
    detail: str  # a sentence: what the marketplace shows
