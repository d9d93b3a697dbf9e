"""Compact records to Kaufland JSON: OrderUnit, Order (list entry) and OrderDetails.

An OrderUnit is serialised once and cached as bytes on the unit (`Unit.blob`) until it
changes; a list page is a join of cached blobs. Dates are whole seconds in UTC
("2021-07-24T19:26:05Z"), money is integer minor units, optional values are null.
"""

from __future__ import annotations

import json
import time

from app.sandbox.kaufland.catalog import ALPHA3, COUNTRY_OF, Catalog
from app.sandbox.kaufland.config import KauflandConfig
from app.sandbox.kaufland.model import (
    CANCEL_REASONS,
    FULFILLMENT_TYPES,
    RECEIVED,
    UNIT_STATUS,
    Order,
    Unit,
)

DAY = 86_400
COMMISSION = 0.12  # Kaufland's fee, kept off revenue_gross (illustrative, not a real tariff)
_DAYS: dict[int, str] = {}


def iso(stamp: int) -> str:
    """Kaufland's timestamp style, '2025-05-02T08:14:00Z' (cached date prefix: a hot path)."""
    day, rest = divmod(stamp, DAY)
    prefix = _DAYS.get(day)
    if prefix is None:
        y, mo, d = time.gmtime(day * DAY)[:3]
        prefix = _DAYS[day] = f"{y:04d}-{mo:02d}-{d:02d}T"
    hours, rest = divmod(rest, 3600)
    return f"{prefix}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}Z"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Renderer:
    def __init__(self, catalog: Catalog, config: KauflandConfig) -> None:
        self.catalog = catalog
        self.config = config

    # -- shared pieces -------------------------------------------------------------------
    def _addresses(self, order: Order) -> tuple[str, str]:
        """(billing, shipping) JSON; null until the order is released."""
        if not (order.visible or self.config.addresses_while_open):
            return "null", "null"
        country = COUNTRY_OF[order.storefront]
        billing, shipping = (self.catalog.address_text(country, order.bill_to),
                             self.catalog.address_text(country, order.ship_to))  # fmt: skip
        if self.config.country_alpha3:
            alpha2, alpha3 = f'"country":"{country}"', f'"country":"{ALPHA3[country]}"'
            billing, shipping = billing.replace(alpha2, alpha3), shipping.replace(alpha2, alpha3)
        return billing, shipping

    @staticmethod
    def _buyer(order: Order) -> str:
        return f'{{"id_buyer":{order.buyer},"email":"{order.oid.lower()}-{order.buyer}@buyer.kaufland.example"}}'

    def _unit_core(self, unit: Unit, order: Order) -> str:
        """The fields OrderUnit and OrderDetails.order_units share, without the braces."""
        product = self.catalog.products[unit.product]
        vat = product.vat
        revenue_gross = unit.price + unit.shipping - round(unit.price * COMMISSION)
        days_min = 1 + unit.product % 3
        expires = (order.created // DAY + days_min + 2) * DAY + DAY - 1
        received = f'"{iso(unit.updated)}"' if unit.status == RECEIVED else "null"
        reason = f'"{CANCEL_REASONS[unit.reason]}"' if unit.reason is not None else "null"
        return (
            f'"id_order_unit":{unit.uid},"id_order":"{order.oid}","ts_created_iso":"{iso(order.created)}",'
            f'"is_marketplace_deemed_supplier":false,"ts_updated_iso":"{iso(unit.updated)}",'
            f'"status":"{UNIT_STATUS[unit.status]}","price":{unit.price},"id_offer":"{product.sku}",'
            f'"revenue_gross":{revenue_gross},"revenue_net":{round(revenue_gross / (1 + vat / 100))},'
            f'"note":null,"unit_condition":"new","storefront":"{order.storefront}","currency":"{order.currency}",'
            f'"delivery_time_min":{days_min},"delivery_time_max":{days_min + 2},'
            f'"delivery_time_expires_iso":"{iso(expires)}","order_received_timestamp_iso":{received},'
            f'"shipping_rate":{unit.shipping},"cancel_reason":{reason},'
            f'"product":{self.catalog.product_text(unit.product, order.storefront)},"vat":{vat!r}'
        )

    # -- OrderUnit -------------------------------------------------------------------------
    def unit_blob(self, unit: Unit, order: Order) -> bytes:
        """OrderUnit JSON as listed by GET /order-units, cached until the unit changes."""
        blob = unit.blob
        if blob is None:
            billing, shipping = self._addresses(order)
            text = (f'{{{self._unit_core(unit, order)},"fulfillment_type":"{FULFILLMENT_TYPES[order.fulfillment]}",'
                    f'"buyer":{self._buyer(order)},"billing_address":{billing},"shipping_address":{shipping}}}')
            blob = unit.blob = (break_unit(text, order.malformed) if _first(unit, order) else text).encode()
        return blob

    def unit_details(self, unit: Unit, order: Order, embedded: frozenset[str]) -> bytes:
        """OrderUnitDetails: the OrderUnit plus the embedded extras that were asked for."""
        blob = self.unit_blob(unit, order)
        extras = []
        if "delivery_attempt_timestamp_iso" in embedded:
            extras.append('"delivery_attempt_timestamp_iso":null')
        if "tickets" in embedded:
            extras.append('"tickets":[]')
        if "return_unit" in embedded:
            extras.append('"return_unit":null')
        if "delivery" in embedded:
            extras.append('"delivery":{"pickup_location":null}')
        if "kss_delivery" in embedded:
            extras.append('"kss_eligible":false')
        if extras:
            blob = blob[:-1] + b"," + ",".join(extras).encode() + b"}"
        return b'{"data":' + blob + b"}"

    # -- orders ---------------------------------------------------------------------------
    def order_entry(self, order: Order) -> bytes:
        """Order as listed by GET /orders."""
        return (f'{{"id_order":"{order.oid}","ts_created_iso":"{iso(order.created)}",'
                f'"is_marketplace_deemed_supplier":false,"order_units_count":{len(order.units)},'
                f'"ts_units_updated_iso":"{iso(order.updated)}","storefront":"{order.storefront}",'
                f'"fulfillment_type":"{FULFILLMENT_TYPES[order.fulfillment]}"}}').encode()

    def order_details(self, order: Order) -> bytes:
        """ApiResponse<OrderDetails>: the order with every unit, addresses at order level."""
        units = []
        for unit in order.units:
            text = f'{{{self._unit_core(unit, order)},"tickets":null}}'
            units.append(break_unit(text, order.malformed) if _first(unit, order) else text)
        billing, shipping = self._addresses(order)
        return (f'{{"data":{{"id_order":"{order.oid}","ts_created_iso":"{iso(order.created)}",'
                f'"is_marketplace_deemed_supplier":false,"storefront":"{order.storefront}",'
                f'"fulfillment_type":"{FULFILLMENT_TYPES[order.fulfillment]}","order_units":[{",".join(units)}],'
                f'"billing_address":{billing},"shipping_address":{shipping},"buyer":{self._buyer(order)},'
                f'"order_invoices":[]}}}}').encode()


def _first(unit: Unit, order: Order) -> bool:
    return order.malformed is not None and unit is order.units[0]


def break_unit(text: str, kind: str | None) -> str:
    """Deliberately broken units for client robustness tests (docs: control API `malformed`).

    Ids and change stamps stay intact, as on a real service where a single field goes bad.
    """
    unit = json.loads(text)
    if kind == "missing_field":
        del unit["price"]
    elif kind == "wrong_type":
        unit["price"], unit["vat"] = "49,99", "19%"
    elif kind == "unknown_enum":
        unit["status"] = "teleported"
    return _json(unit)
