"""Compact in-memory records of the Shopware sandbox and the vocabulary of Shopware 6.

Orders are small __slots__ objects holding epoch milliseconds and small integer codes;
the entity JSON is built from them only when a client asks (render.py). Ids of the
dependent entities (addresses, order customer, line items, deliveries, transactions) are
derived from the order id on demand instead of being stored, which keeps 100,000 seeded
orders cheap.

State names, transition actions and payment handler classes are Shopware's own
(marketplaces.md §5.4); the transition endpoints (transitions.py) route onto these tables.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

ORDER_STATES = ("open", "in_progress", "completed", "cancelled")
DELIVERY_STATES = ("open", "shipped", "shipped_partially", "returned", "returned_partially", "cancelled")
TRANSACTION_STATES = (
    "open", "paid", "paid_partially", "refunded", "refunded_partially", "cancelled", "reminded",
    "authorized", "failed", "in_progress", "chargeback", "unconfirmed",
)  # fmt: skip

# German display names as a German shop's default language shows them.
STATE_NAMES = {
    "order": {"open": "Offen", "in_progress": "In Bearbeitung", "completed": "Abgeschlossen",
              "cancelled": "Abgebrochen"},
    "order_delivery": {"open": "Offen", "shipped": "Versandt", "shipped_partially": "Teilweise versandt",
                       "returned": "Retour", "returned_partially": "Teilretour", "cancelled": "Abgebrochen"},
    "order_transaction": {"open": "Offen", "paid": "Bezahlt", "paid_partially": "Teilweise bezahlt",
                          "refunded": "Erstattet", "refunded_partially": "Teilweise erstattet",
                          "cancelled": "Abgebrochen", "reminded": "Erinnert", "authorized": "Autorisiert",
                          "failed": "Fehlgeschlagen", "in_progress": "In Bearbeitung", "chargeback": "Rückbuchung",
                          "unconfirmed": "Unbestätigt"},
}  # fmt: skip
STATE_MACHINES = {"order": "order.state", "order_delivery": "order_delivery.state",
                  "order_transaction": "order_transaction.state"}

# action -> {from state: to state}; the basic-data migration's tables (marketplaces.md §5.4).
ORDER_TRANSITIONS = {
    "process": {"open": "in_progress"},
    "cancel": {"open": "cancelled", "in_progress": "cancelled"},
    "complete": {"in_progress": "completed"},
    "reopen": {"cancelled": "open"},
}
DELIVERY_TRANSITIONS = {
    "ship": {"open": "shipped", "shipped_partially": "shipped"},
    "ship_partially": {"open": "shipped_partially"},
    "retour": {"shipped": "returned", "shipped_partially": "returned", "returned_partially": "returned"},
    "retour_partially": {"shipped": "returned_partially", "shipped_partially": "returned_partially"},
    "cancel": {"open": "cancelled", "shipped": "cancelled", "shipped_partially": "cancelled"},
    "reopen": {"cancelled": "open"},  # from-states UNCONFIRMED
}
_UNPAID = ("open", "reminded", "in_progress", "paid_partially", "authorized", "failed", "unconfirmed")
TRANSACTION_TRANSITIONS = {  # from-states partly UNCONFIRMED
    "paid": dict.fromkeys(_UNPAID, "paid"),
    "paid_partially": dict.fromkeys(_UNPAID[:4], "paid_partially"),
    "process": {"open": "in_progress", "reminded": "in_progress"},
    "process_unconfirmed": {"open": "unconfirmed"},
    "authorize": {"open": "authorized", "in_progress": "authorized"},
    "fail": {"open": "failed", "in_progress": "failed", "unconfirmed": "failed"},
    "remind": {"open": "reminded"},
    "refund": {"paid": "refunded", "paid_partially": "refunded", "refunded_partially": "refunded"},
    "refund_partially": {"paid": "refunded_partially", "paid_partially": "refunded_partially"},
    "cancel": {state: "cancelled" for state in _UNPAID},
    "reopen": {"cancelled": "open", "failed": "open", "refunded": "open"},
    "chargeback": {"paid": "chargeback", "paid_partially": "chargeback"},
}
# Before 6.7 the pay actions were called pay/pay_partially/do_pay; 6.7 adds the new names
# and will drop the old ones, so a shop of either version accepts one of the two spellings.
TRANSACTION_ACTION_ALIASES = {"pay": "paid", "pay_partially": "paid_partially", "do_pay": "process"}
TRANSITIONS = {"order": ORDER_TRANSITIONS, "order_delivery": DELIVERY_TRANSITIONS,
               "order_transaction": TRANSACTION_TRANSITIONS}


class IllegalTransition(ValueError):
    """The state machine has no such action from the current state."""


# Which spellings of the pay actions a shop knows (switch `transaction_actions`): 6.7 both,
# up to 6.6 only the old ones, after the announced removal only the new ones.
TRANSACTION_SPELLINGS = ("both", "pay", "paid")
_NEW_SPELLINGS = frozenset(TRANSACTION_ACTION_ALIASES.values())
_OLD_SPELLINGS = frozenset(TRANSACTION_ACTION_ALIASES)


def canonical_action(machine: str, action: str) -> str:
    return TRANSACTION_ACTION_ALIASES.get(action, action) if machine == "order_transaction" else action


def action_names(machine: str, spelling: str = "both") -> list[str]:
    """Every action the shop's state machine knows, sorted by name as Shopware lists them."""
    names = set(TRANSITIONS[machine])
    if machine == "order_transaction":
        if spelling != "paid":
            names |= _OLD_SPELLINGS
        if spelling == "pay":
            names -= _NEW_SPELLINGS
    return sorted(names)


def transition(machine: str, action: str, state: str) -> str:
    """The state `action` leads to from `state` in one of the three state machines."""
    action = canonical_action(machine, action)
    target = TRANSITIONS[machine].get(action, {}).get(state)
    if target is None:
        raise IllegalTransition(f"{machine} cannot {action} from {state}")
    return target


def unnecessary(machine: str, action: str, state: str) -> bool:
    """Shopware answers an action that leads to the state the entity is already in as done,
    without changing anything (UnnecessaryTransitionException in StateMachineRegistry)."""
    return state in TRANSITIONS[machine].get(canonical_action(machine, action), {}).values()


def available(machine: str, state: str, spelling: str = "both") -> list[tuple[str, str]]:
    """(action, to state) of every action possible from `state`, sorted by action name."""
    out = []
    for name in action_names(machine, spelling):
        target = TRANSITIONS[machine].get(canonical_action(machine, name), {}).get(state)
        if target is not None:
            out.append((name, target))
    return out

_HANDLERS = "Shopware\\Core\\Checkout\\Payment\\Cart\\PaymentHandler\\"
# (key, display name, handlerIdentifier, technicalName)
PAYMENT_METHODS = (
    ("prepayment", "Vorkasse", _HANDLERS + "PrePayment", "payment_prepayment"),
    ("invoice", "Rechnung", _HANDLERS + "InvoicePayment", "payment_invoice"),
    ("cash", "Nachnahme", _HANDLERS + "CashPayment", "payment_cashpayment"),
    ("debit", "Lastschrift", _HANDLERS + "DebitPayment", "payment_debitpayment"),
    ("paypal", "PayPal", "Swag\\PayPal\\Checkout\\Payment\\Method\\PayPalHandler", "swag_paypal_paypal"),
    ("card", "Kredit- oder Debitkarte", "Swag\\PayPal\\Checkout\\Payment\\Method\\ACDCHandler", "swag_paypal_acdc"),
)
PAYMENT_CODE = {method[0]: code for code, method in enumerate(PAYMENT_METHODS)}
PREPAYMENT = PAYMENT_CODE["prepayment"]

# (name, technicalName, gross cents, free from goods total in cents or None)
SHIPPING_METHODS = (
    ("Standard", "shipping_standard", 495, 5000),
    ("Express", "shipping_express", 990, None),
)
STANDARD, EXPRESS = range(2)

# (code, label, percentage or None, absolute cents or None)
PROMOTIONS = (
    ("SOMMER10", "10 % Sommerrabatt", 10, None),
    ("WILLKOMMEN5", "5 € Willkommensrabatt", None, 500),
    ("TREUE15", "15 % Treuerabatt", 15, None),
)

MALFORMED_KINDS = ("missing_field", "wrong_type", "unknown_enum")
DAY_MS = 86_400_000
LIVE_VERSION_ID = "0fa91ce3e96a4bc2be4bd9ce752c3425"  # Shopware's Defaults::LIVE_VERSION
EUR_CURRENCY_ID = "b7d2554b0ce847cd82f3ac9bd1c0dfca"  # Defaults::CURRENCY
SYSTEM_LANGUAGE_ID = "2fbb5fe2e29a4d70aa5854ce7ce3e20b"  # Defaults::LANGUAGE_SYSTEM


@lru_cache(maxsize=4096)
def fixed_id(name: str) -> str:
    """A stable 32-hex id for a fixed entity (state, payment method, country, ...)."""
    return hashlib.md5(f"shopware-sandbox:{name}".encode()).hexdigest()  # noqa: S324 - an id, not security


# Dependent entities get ids derived from their order's id: XOR with a fixed 128-bit mask per
# role is a bijection, so ids stay unique per role and look as random as the order id.
_ROLE_MASKS = {role: int(fixed_id(f"role:{role}"), 16) for role in
               ("billing", "shipping", "customer", "delivery", "promotion", "deep_link")}
_LINE_MASK = int(fixed_id("role:line"), 16)
_TX_MASK = int(fixed_id("role:transaction"), 16)
_STEP = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd: index * step never repeats mod 2**128
_MOD = (1 << 128) - 1


def derived_id(order_id: str, role: str) -> str:
    return f"{int(order_id, 16) ^ _ROLE_MASKS[role]:032x}"


def line_id(order_id: str, index: int) -> str:
    return f"{int(order_id, 16) ^ ((_LINE_MASK + index * _STEP) & _MOD):032x}"


def transaction_id(order_id: str, index: int) -> str:
    return f"{int(order_id, 16) ^ ((_TX_MASK + index * _STEP) & _MOD):032x}"


def _hex(value: str) -> int | None:
    return int(value, 16) if len(value) == 32 and all(c in "0123456789abcdef" for c in value) else None


def order_of_delivery(delivery_id: str) -> str | None:
    """The order id a delivery id was derived from (XOR is its own inverse); None if not an id."""
    value = _hex(delivery_id)
    return None if value is None else f"{value ^ _ROLE_MASKS['delivery']:032x}"


def order_of_transaction(transaction_id_: str, index: int) -> str | None:
    """The order id the transaction id was derived from, if it is that order's `index`-th."""
    value = _hex(transaction_id_)
    return None if value is None else f"{value ^ ((_TX_MASK + index * _STEP) & _MOD):032x}"


class Line:
    """One product line item; `product` indexes the catalog, prices in gross cents."""

    __slots__ = ("product", "quantity", "unit")

    def __init__(self, product: int, quantity: int, unit: int) -> None:
        self.product = product
        self.quantity = quantity
        self.unit = unit


class Transaction:
    """One payment attempt; the last one (by creation) is the one that counts."""

    __slots__ = ("method", "state", "created_ms", "updated_ms")

    def __init__(self, method: int, state: str, created_ms: int, updated_ms: int | None = None) -> None:
        self.method = method
        self.state = state
        self.created_ms = created_ms
        self.updated_ms = updated_ms


class Order:
    """A Shopware order with one delivery.

    Change stamps live where Shopware keeps them: `updated_ms` is the order's own
    updatedAt (None until the order row itself is written again), the delivery and each
    transaction have their own updatedAt. A payment or shipment therefore does not move the
    order's updatedAt unless the `touch_order_on_child_change` switch says so.
    """

    __slots__ = (
        "id", "number", "auto_increment", "created_ms", "updated_ms", "state", "customer", "billing", "shipping_addr",
        "lines", "promotion", "discount", "shipping_method", "shipping", "delivery_state", "delivery_updated_ms",
        "tracking", "transactions", "release_due", "abort", "malformed", "blob",
    )  # fmt: skip

    def __init__(self, oid: str, created_ms: int, customer: int) -> None:
        self.id = oid
        self.number = ""
        self.auto_increment = 0
        self.created_ms = created_ms
        self.updated_ms: int | None = None
        self.state = "open"
        self.customer = customer  # index into the address pool (also the billing address)
        self.billing = customer
        self.shipping_addr = customer  # another pool index when shipped elsewhere
        self.lines: list[Line] = []
        self.promotion: int | None = None  # index into PROMOTIONS
        self.discount = 0  # cents the promotion takes off (positive)
        self.shipping_method = STANDARD
        self.shipping = 0  # shipping costs, gross cents
        self.delivery_state = "open"
        self.delivery_updated_ms: int | None = None
        self.tracking: tuple[str, ...] = ()
        self.transactions: list[Transaction] = []
        self.release_due: int | None = None  # prepayment expected to arrive (held orders)
        self.abort = False  # at release_due the customer has not paid: the order is cancelled instead
        self.malformed: str | None = None
        self.blob: tuple[str, bytes] | None = None  # (render profile, cached JSON) until the next change

    @property
    def goods(self) -> int:
        return sum(line.unit * line.quantity for line in self.lines)

    @property
    def total(self) -> int:
        """amountTotal in cents: goods - promotion + shipping."""
        return self.goods - self.discount + self.shipping

    @property
    def transaction(self) -> Transaction:
        return self.transactions[-1]

    @property
    def held(self) -> bool:
        """In the desk's backlog: prepayment not yet paid and the order still alive."""
        tx = self.transaction
        return tx.method == PREPAYMENT and tx.state != "paid" and self.state != "cancelled"
