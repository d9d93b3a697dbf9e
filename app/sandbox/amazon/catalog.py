"""Seeded products and buyers of the Amazon sandbox, pre-rendered as Orders v0 JSON text.

The seller lists the same products on Amazon as on OTTO, so the product pool is OTTO's
(same seed, same SKUs and prices) with an ASIN added. Buyers come from OTTO's address
generator too, reshaped the way Amazon delivers an address: one `Name`, the street and house
number together in `AddressLine1` (sometimes a c/o or company line first and the street in
`AddressLine2`), alpha-2 country codes, and an anonymised marketplace e-mail.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache

from app.sandbox.seeding import Product, build_addresses, build_products

_ASIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_COUNTRY = {"DEU": "DE", "AUT": "AT"}


@dataclass(frozen=True, slots=True)
class Listing:
    asin: str
    product: Product


@dataclass(frozen=True, slots=True)
class Buyer:
    """One buyer as JSON fragments: the full (RDT) address, the part a plain token may see
    (when the `pii_without_rdt` switch says "partial"), and BuyerInfo."""

    address: str
    partial_address: str
    buyer_info: str


@lru_cache(maxsize=4)  # immutable; several sandboxes in one process (tests) share them
def build_listings(seed: int) -> tuple[Listing, ...]:
    rng = random.Random(f"amazon-asins-{seed}")
    return tuple(
        Listing("B0" + "".join(rng.choice(_ASIN_ALPHABET) for _ in range(8)), product)
        for product in build_products(seed)
    )


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _buyer(raw: dict[str, str], rng: random.Random) -> Buyer:
    name = " ".join(part for part in (raw.get("title"), raw["firstName"], raw["lastName"]) if part)
    street = f"{raw['street']} {raw['houseNumber']}"
    company = raw.get("addition") if raw["salutation"] == "COMPANY" else None
    addition = None if company else raw.get("addition")
    address: dict[str, str] = {"Name": name}
    if company:
        address["CompanyName"] = company
    if addition and not any(c.isdigit() for c in addition) and rng.random() < 0.5:  # "c/o ..." first
        address["AddressLine1"], address["AddressLine2"] = addition, street
    else:
        address["AddressLine1"] = street
        if addition:
            address["AddressLine2"] = addition
    address.update(City=raw["city"], PostalCode=raw["zipCode"], CountryCode=_COUNTRY[raw["countryCode"]])
    if "phoneNumber" in raw:
        address["Phone"] = raw["phoneNumber"]
    address["AddressType"] = "Commercial" if company else "Residential"
    partial = {key: address[key] for key in ("City", "PostalCode", "CountryCode")}
    mailbox = "".join(rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(15))
    info = {"BuyerEmail": f"{mailbox}@marketplace.amazon.de", "BuyerName": name}
    return Buyer(_dumps(address), _dumps(partial), _dumps(info))


@lru_cache(maxsize=4)
def build_buyers(seed: int) -> tuple[Buyer, ...]:
    rng = random.Random(f"amazon-buyers-{seed}")
    return tuple(_buyer(raw, rng) for raw in build_addresses(seed + 7919))  # not OTTO's customers
