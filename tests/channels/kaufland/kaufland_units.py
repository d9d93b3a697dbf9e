"""Hand-made Kaufland OrderUnits for channel tests: valid by default, broken on purpose by the test."""

from __future__ import annotations

from typing import Any

ADDRESS = {"first_name": "Erika", "last_name": "Beispiel", "company_name": None, "street": "Musterweg",
           "house_number": "7a", "postcode": "22089", "additional_field": None, "city": "Hamburg", "phone": None,
           "country": "DE"}  # fmt: skip


def unit(uid: int, status: str = "need_to_be_sent", price: int = 4999, shipping: int = 0, **extra: Any) -> dict:
    raw = {
        "id_order_unit": uid, "id_order": "MX8ZT2Q", "ts_created_iso": "2026-05-02T08:14:00Z",
        "is_marketplace_deemed_supplier": False, "ts_updated_iso": "2026-05-02T09:00:00Z", "status": status,
        "price": price, "id_offer": "SKU-1001", "revenue_gross": price, "revenue_net": price, "note": None,
        "unit_condition": "new", "storefront": "de", "currency": "EUR", "delivery_time_min": 1,
        "delivery_time_max": 3, "delivery_time_expires_iso": None, "order_received_timestamp_iso": None,
        "shipping_rate": shipping, "cancel_reason": "NoInventory" if status == "cancelled" else None,
        "fulfillment_type": "fulfilled_by_merchant", "buyer": {"id_buyer": 1, "email": "pseudo@example.org"},
        "billing_address": dict(ADDRESS, first_name="Max"), "shipping_address": dict(ADDRESS),
        "product": {"id_product": 123, "storefront": "de", "title": "Toaster X", "eans": ["4000000000001"],
                    "id_category": 4, "main_picture": "", "manufacturer": "X", "url": "", "age_rating": 0,
                    "is_valid": True, "dangerous_goods_li_shipping": None, "danger_label_9A": None},
        "vat": 19,
    }  # fmt: skip
    raw.update(extra)
    return raw
