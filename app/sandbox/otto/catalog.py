"""Seeded pools of products and customer addresses for the OTTO sandbox.

The pools themselves live in app/sandbox/seeding.py (every sandbox draws from them) and are
re-exported here; OTTO's own are its delivery fees and the invoice/receipt address shapes.
"""

from __future__ import annotations

from app.sandbox.seeding import (
    ADDITIONS,
    BRANDS,
    CITIES_AT,
    CITIES_DE,
    COLORS,
    COMPANIES,
    FIRST_NAMES,
    LAST_NAMES,
    PRODUCT_KINDS,
    STREETS,
    TITLES,
    Product,
    build_addresses,
    build_products,
)

__all__ = [
    "ADDITIONS",
    "BRANDS",
    "CITIES_AT",
    "CITIES_DE",
    "COLORS",
    "COMPANIES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "PRODUCT_KINDS",
    "STREETS",
    "TITLES",
    "Product",
    "build_addresses",
    "build_products",
    "DELIVERY_FEES",
    "invoice_address",
    "pseudonym_email",
    "receipt_address",
]

DELIVERY_FEES = ((None, 0), ("STANDARD", 495), ("STANDARD", 595), ("STANDARD", 295), ("FREIGHT_SURCHARGE", 2995))
"""(name, gross cents); index 0 means the order has no delivery fee."""



def pseudonym_email(sid: str) -> str:
    """Invoice addresses carry a pseudonymised e-mail, as on the real marketplace."""
    return f"{sid.replace('-', '')[:20]}@pseudonym.example.net"


def invoice_address(address: dict[str, str], sid: str) -> dict[str, str]:
    copy = dict(address)
    copy["email"] = pseudonym_email(sid)
    return copy


def receipt_address(address: dict[str, str]) -> dict[str, str]:
    """AddressReceiptsV3 has fewer fields than AddressOrdersV4."""
    keys = ("firstName", "lastName", "street", "houseNumber", "zipCode", "city", "countryCode", "addition")
    return {k: address[k] for k in keys if k in address}
