"""Seeded listings and buyers of the eBay sandbox, in eBay's shapes.

The products and the people come from the pools the OTTO sandbox already seeds
(`app.sandbox.otto.catalog`): one seller lists the same goods on several
marketplaces, and one set of invented names keeps the sandboxes consistent. What
is eBay's own is added here: listing item ids, buyer user names, relay e-mail
addresses and a single-line street ("Musterweg 7a") that clients must split.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.sandbox.seeding import build_addresses, build_products

COUNTRY_ALPHA2 = {"DEU": "DE", "AUT": "AT"}
# eBay-style shipping service per carrier (UNCONFIRMED spellings, see marketplaces.md 3.4/3.6).
SERVICES = {"DHL": "DE_DHLPaket", "Hermes": "DE_HermesPaket", "DPD": "DE_DPDClassic", "GLS": "DE_GLSBusinessPaket",
            "UPS": "DE_UPSStandard", "DeutschePost": "DE_DeutschePostBrief"}
CARRIERS = ("DHL", "DHL", "DHL", "Hermes", "Hermes", "DPD", "GLS", "UPS")
PROMOTIONS = ("10 % Rabatt ab 2 Artikeln", "Wochenend-Angebot", "Mengenrabatt")


@dataclass(frozen=True, slots=True)
class Listing:
    item_id: str  # legacyItemId: the 12-digit listing number
    sku: str
    title: str
    price: int  # cents per piece


@dataclass(frozen=True, slots=True)
class Buyer:
    username: str
    ship_to: dict[str, Any]  # ExtendedContact (shared by all orders of this buyer: never mutate)
    tax_address: dict[str, str]  # Buyer.taxAddress


BUYER_POOL = 1024  # orders point into the pool; a thousand buyers are variety enough


@lru_cache(maxsize=8)  # immutable; sandboxes with the same seed share them
def build_listings(seed: int) -> tuple[Listing, ...]:
    rng = random.Random(f"ebay-listings-{seed}")
    return tuple(Listing(str(rng.randrange(110_000_000_000, 399_999_999_999)), p.sku, p.title[:80], p.price)
                 for p in build_products(seed))


def _ascii(text: str) -> str:
    flat = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ı", "i"))
    return "".join(c for c in flat if c.isascii() and c.isalnum()).lower()


def _relay_email(username: str) -> str:
    """eBay hands sellers a per-buyer relay address, not the buyer's own."""
    digest = hashlib.sha256(username.encode()).hexdigest()[:20]
    return f"{digest}@members.ebay.com"


@lru_cache(maxsize=8)
def build_buyers(seed: int) -> tuple[Buyer, ...]:
    rng = random.Random(f"ebay-buyers-{seed}")
    buyers = []
    # A different seed than OTTO's, so the same --seed does not give both marketplaces the same customers.
    for index, a in enumerate(build_addresses(seed * 7919 + 104_729, BUYER_POOL)):
        username = f"{_ascii(a['firstName'])[:6]}_{_ascii(a['lastName'])[:5]}{rng.randrange(1, 999)}"
        if index % 7 == 3:
            username = f"{_ascii(a['lastName'])}-{rng.randrange(1970, 2006)}"
        country = COUNTRY_ALPHA2[a["countryCode"]]
        address: dict[str, str] = {"addressLine1": f"{a['street']} {a['houseNumber']}"}
        company = a.get("addition") if a["salutation"] == "COMPANY" else None
        if a.get("addition") and not company:
            address["addressLine2"] = a["addition"]
        address.update(city=a["city"], postalCode=a["zipCode"], countryCode=country)
        ship_to: dict[str, Any] = {"fullName": f"{a['firstName']} {a['lastName']}", "contactAddress": address}
        if company:
            ship_to["companyName"] = company
        if "phoneNumber" in a:
            ship_to["primaryPhone"] = {"phoneNumber": a["phoneNumber"]}
        ship_to["email"] = _relay_email(username)
        tax = {"city": a["city"], "countryCode": country, "postalCode": a["zipCode"]}
        buyers.append(Buyer(username, ship_to, tax))
    return tuple(buyers)
