"""Seeded buyers' addresses and products in Kaufland's shapes.

Names, streets, cities and products come from the OTTO sandbox's pools (a seller lists the
same products on several marketplaces); only the wire shape is Kaufland's. Orders point
into these pools by index, and each pool entry is encoded to JSON once.
"""

from __future__ import annotations

import hashlib
import json
import random

from app.sandbox.seeding import (
    ADDITIONS,
    CITIES_AT,
    CITIES_DE,
    COMPANIES,
    FIRST_NAMES,
    LAST_NAMES,
    STREETS,
    Product,
    build_products,
)

CITIES = {
    "DE": CITIES_DE,
    "AT": CITIES_AT,
    "CZ": (("110 00", "Praha"), ("602 00", "Brno"), ("702 00", "Ostrava"), ("301 00", "Plzeň")),
    "SK": (("811 01", "Bratislava"), ("040 01", "Košice"), ("010 01", "Žilina")),
    "PL": (("00-001", "Warszawa"), ("30-001", "Kraków"), ("50-001", "Wrocław"), ("80-001", "Gdańsk")),
    "FR": (("75001", "Paris"), ("69001", "Lyon")),
    "IT": (("00118", "Roma"), ("20121", "Milano")),
    "ES": (("28001", "Madrid"), ("08001", "Barcelona")),
    "NL": (("1011", "Amsterdam"), ("3011", "Rotterdam")),
}
ALPHA3 = {"DE": "DEU", "AT": "AUT", "CZ": "CZE", "SK": "SVK", "PL": "POL", "FR": "FRA", "IT": "ITA", "ES": "ESP",
          "NL": "NLD"}  # fmt: skip
COUNTRY_OF = {"de": "DE", "at": "AT", "cz": "CZ", "sk": "SK", "pl": "PL", "fr": "FR", "it": "IT", "es": "ES",
              "nl": "NL"}  # fmt: skip
# Minor units of the storefront's currency per euro cent (CZK and PLN prices are shop-like too).
PRICE_FACTOR = {"EUR": 1.0, "CZK": 25.0, "PLN": 4.3}
ADDRESSES_PER_COUNTRY = 2048
CARRIERS = (
    ("DHL", False), ("DPD", False), ("GLS", False), ("Hermes", False), ("UPS", False), ("Deutsche Post", False),
    ("FedEx", False), ("TNT", False), ("Trans-o-flex", False), ("Iloxx", False), ("DHL Freight", True),
    ("Dachser", True), ("DB Schenker", True), ("Hellmann", True), ("Kühne + Nagel", True), ("Rhenus", True),
    ("Emons", True), ("Cargo International", True),
)  # fmt: skip


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _address(rng: random.Random, country: str) -> dict[str, object]:
    """One Address as Kaufland sends it: every key present, optional ones null."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    postcode, city = rng.choice(CITIES[country])
    street = rng.choice(STREETS)
    number = f"{rng.randint(1, 180)}{rng.choice(('', '', '', 'a', 'b'))}"
    if rng.random() < 0.04:  # the buyer typed the number into the street line
        street, number = f"{street} {number}", ""
    company = rng.choice(COMPANIES) if rng.random() < 0.04 else None
    addition = rng.choice(ADDITIONS) if rng.random() < 0.1 else None
    phone = f"+49 {rng.randint(30, 9999)} {rng.randint(100000, 9999999)}" if rng.random() < 0.3 else None
    return {"first_name": first, "last_name": last, "company_name": company, "street": street,
            "house_number": number, "postcode": postcode, "additional_field": addition, "city": city,
            "phone": phone, "country": country}  # fmt: skip


def local_price(cents: int, currency: str) -> int:
    """A catalog price (euro cents) in the storefront's currency, ending in 9 like shop prices."""
    factor = PRICE_FACTOR[currency]
    if factor == 1.0:
        return cents
    return max(99, round(cents * factor / 100) * 100 - 1)


class Catalog:
    """Products and per-country address pools; a country's pool is built on first use."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.products: tuple[Product, ...] = build_products(seed)
        self._addresses: dict[str, tuple[str, ...]] = {}
        self._product_text: dict[tuple[int, str], str] = {}

    def _pool(self, country: str) -> tuple[str, ...]:
        pool = self._addresses.get(country)
        if pool is None:
            rng = random.Random(f"kaufland-addresses-{self.seed}-{country}")
            pool = self._addresses[country] = tuple(_dumps(_address(rng, country))
                                                    for _ in range(ADDRESSES_PER_COUNTRY))  # fmt: skip
        return pool

    def address_text(self, country: str, index: int) -> str:
        return self._pool(country)[index]

    def product_text(self, index: int, storefront: str) -> str:
        """Product JSON of one storefront's listing, encoded on first use."""
        key = (index, storefront)
        text = self._product_text.get(key)
        if text is None:
            text = self._product_text[key] = _dumps(product_dict(self.products[index], storefront))
        return text


def product_dict(product: Product, storefront: str) -> dict[str, object]:
    article = int(product.article_number)
    brand = product.title.split(" ", 1)[0]
    picture = hashlib.md5(product.ean.encode()).hexdigest()  # stable per product, looks like a CDN name
    return {
        "id_product": article,
        "storefront": storefront,
        "title": product.title,
        "eans": [product.ean],
        "id_category": 10000 + article % 90000,
        "main_picture": f"https://media.cdn.kaufland.de/product-images/1024x1024/{picture}.jpg",
        "manufacturer": brand,
        "url": f"https://www.kaufland.{storefront}/product/{article}/",
        "age_rating": 0,
        "is_valid": True,
        "dangerous_goods_li_shipping": "UN 3481" if product.electrical and "Akku" in product.title else None,
        "danger_label_9A": None,
    }


def carriers_payload() -> dict[str, object]:
    return {"data": {"carriers": [{"name": name, "isHauler": hauler} for name, hauler in CARRIERS]}}
