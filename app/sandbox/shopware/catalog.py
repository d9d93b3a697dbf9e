"""Products, customers and the fixed entities (states, payment and shipping methods, countries)
of the Shopware sandbox.

The seeded product and address pools are the OTTO sandbox's (same generator, invented names
and places), reshaped into Shopware's entities: product numbers like `SW10042`, the street
and house number in one `street` line ("Musterweg 7a"), countries as `country` entities with
`iso`/`iso3`. Orders point into the pools by index, so 100,000 orders do not carry 100,000
address dicts. Pool entries are built once and never mutated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

from app.sandbox.seeding import build_addresses
from app.sandbox.seeding import build_products as build_otto_products
from app.sandbox.shopware.model import (
    EUR_CURRENCY_ID,
    PAYMENT_METHODS,
    SHIPPING_METHODS,
    STATE_MACHINES,
    STATE_NAMES,
    fixed_id,
)

EPOCH_ISO = "2024-01-15T09:00:00.000+00:00"  # createdAt of the shop's fixed entities
COUNTRIES = {  # alpha-3 of the OTTO pool -> (iso, iso3, German name)
    "DEU": ("DE", "DEU", "Deutschland"),
    "AUT": ("AT", "AUT", "Österreich"),
}
SALUTATIONS = {  # OTTO pool salutation -> (salutationKey, displayName, letterName)
    "MR": ("mr", "Herr", "Sehr geehrter Herr"),
    "MS": ("mrs", "Frau", "Sehr geehrte Frau"),
    "COMPANY": ("not_specified", "Keine Angabe", " "),
    "UNKNOWN": ("not_specified", "Keine Angabe", " "),
}


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    number: str  # productNumber, e.g. SW10042
    name: str
    vat: float  # 19.0 or 7.0
    price: int  # gross cents
    tax_id: str


@dataclass(frozen=True, slots=True)
class Customer:
    """One person with an address; `address` holds the order_address fields that never change."""

    email: str
    first_name: str
    last_name: str
    company: str | None
    customer_number: str
    salutation: str  # salutationKey
    country: str  # iso
    address: dict[str, object]


@lru_cache(maxsize=8)  # immutable; sandboxes with the same seed share them
def build_products(seed: int) -> tuple[Product, ...]:
    taxes = {19.0: fixed_id("tax:19"), 7.0: fixed_id("tax:7")}
    return tuple(
        Product(fixed_id(f"product:{seed}:{p.sku}"), "SW" + p.sku.removeprefix("SKU-"), p.title, p.vat, p.price,
                taxes.get(p.vat, taxes[19.0]))
        for p in build_otto_products(seed)
    )  # fmt: skip


@lru_cache(maxsize=8)
def build_customers(seed: int) -> tuple[Customer, ...]:
    customers = []
    for index, raw in enumerate(build_addresses(seed)):
        iso, _, _ = COUNTRIES[raw["countryCode"]]
        salutation = SALUTATIONS[raw["salutation"]][0]
        company = raw.get("addition") if raw["salutation"] == "COMPANY" else None
        addition = None if company else raw.get("addition")
        address = {
            "countryId": country_id(iso),
            "countryStateId": None,
            "salutationId": salutation_id(salutation),
            "firstName": raw["firstName"],
            "lastName": raw["lastName"],
            "street": f"{raw['street']} {raw['houseNumber']}",
            "zipcode": raw["zipCode"],
            "city": raw["city"],
            "company": company,
            "department": None,
            "title": raw.get("title"),
            "phoneNumber": raw.get("phoneNumber"),
            "additionalAddressLine1": addition,
            "additionalAddressLine2": None,
            "vatId": None,
            "customFields": None,
        }
        customers.append(Customer(raw["email"], raw["firstName"], raw["lastName"], company,
                                  f"SW{20000 + index}", salutation, iso, address))
    return tuple(customers)


# -- fixed entities ------------------------------------------------------------------------
SHARED: dict[int, dict] = {}
"""Dicts every order shares (fixed entities, product payloads), by id(): never mutate them
(render.break_order copies before it breaks one); render memoizes their filtered form."""


def shared(builder: Callable[..., dict]) -> Callable[..., dict]:
    """Build once per argument tuple and register the result in SHARED."""
    cached = lru_cache(maxsize=None)(builder)

    @wraps(builder)
    def get(*args: object) -> dict:
        value = cached(*args)
        SHARED.setdefault(id(value), value)
        return value

    return get


def state_id(entity: str, state: str) -> str:
    return fixed_id(f"state:{entity}:{state}")


def country_id(iso: str) -> str:
    return fixed_id(f"country:{iso}")


def salutation_id(key: str) -> str:
    return fixed_id(f"salutation:{key}")


def payment_method_id(code: int) -> str:
    return fixed_id(f"payment:{PAYMENT_METHODS[code][0]}")


def shipping_method_id(code: int) -> str:
    return fixed_id(f"shipping:{SHIPPING_METHODS[code][1]}")


SALES_CHANNEL_ID = fixed_id("sales-channel:storefront")


@shared
def state_entity(entity: str, state: str) -> dict[str, object]:
    name = STATE_NAMES[entity].get(state, state)
    return {
        "id": state_id(entity, state), "technicalName": state, "name": name,
        "stateMachineId": fixed_id(f"state-machine:{STATE_MACHINES[entity]}"),
        "customFields": None, "createdAt": EPOCH_ISO, "updatedAt": None,
        "translated": {"name": name, "customFields": {}}, "apiAlias": "state_machine_state",
    }  # fmt: skip


@shared
def country_entity(iso: str) -> dict[str, object]:
    _, iso3, name = next(c for c in COUNTRIES.values() if c[0] == iso)
    return {
        "id": country_id(iso), "name": name, "iso": iso, "iso3": iso3, "position": 1 if iso == "DE" else 10,
        "active": True, "shippingAvailable": True, "taxFree": False, "customFields": None,
        "createdAt": EPOCH_ISO, "updatedAt": None, "translated": {"name": name, "customFields": {}},
        "apiAlias": "country",
    }  # fmt: skip


@shared
def salutation_entity(key: str) -> dict[str, object]:
    _, display, letter = next(s for s in SALUTATIONS.values() if s[0] == key)
    return {
        "id": salutation_id(key), "salutationKey": key, "displayName": display, "letterName": letter,
        "customFields": None, "createdAt": EPOCH_ISO, "updatedAt": None,
        "translated": {"displayName": display, "letterName": letter, "customFields": {}}, "apiAlias": "salutation",
    }  # fmt: skip


@shared
def payment_method_entity(code: int) -> dict[str, object]:
    _, name, handler, technical = PAYMENT_METHODS[code]
    return {
        "id": payment_method_id(code), "handlerIdentifier": handler, "technicalName": technical, "name": name,
        "distinguishableName": name, "description": None, "position": code + 1, "active": True,
        "afterOrderEnabled": True, "customFields": None, "createdAt": EPOCH_ISO, "updatedAt": None,
        "translated": {"name": name, "distinguishableName": name, "description": None, "customFields": {}},
        "apiAlias": "payment_method",
    }  # fmt: skip


@shared
def shipping_method_entity(code: int) -> dict[str, object]:
    name, technical, _, _ = SHIPPING_METHODS[code]
    return {
        "id": shipping_method_id(code), "name": name, "technicalName": technical, "active": True,
        "position": code + 1, "trackingUrl": "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html"
        "?piececode=%s", "description": None, "customFields": None, "createdAt": EPOCH_ISO, "updatedAt": None,
        "translated": {"name": name, "description": None, "trackingUrl": None, "customFields": {}},
        "apiAlias": "shipping_method",
    }  # fmt: skip


@shared
def currency_entity() -> dict[str, object]:
    return {
        "id": EUR_CURRENCY_ID, "isoCode": "EUR", "factor": 1.0, "symbol": "€", "shortName": "EUR", "name": "Euro",
        "position": 1, "isSystemDefault": True, "taxFreeFrom": 0.0,
        "itemRounding": {"decimals": 2, "interval": 0.01, "roundForNet": True},
        "totalRounding": {"decimals": 2, "interval": 0.01, "roundForNet": True},
        "customFields": None, "createdAt": EPOCH_ISO, "updatedAt": None,
        "translated": {"shortName": "EUR", "name": "Euro", "customFields": {}}, "apiAlias": "currency",
    }  # fmt: skip
