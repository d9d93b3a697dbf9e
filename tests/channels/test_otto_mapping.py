import json

import pytest

from app.channels.otto.adapter import map_page
from app.channels.otto.client import decode_page, next_cursor
from app.channels.otto.mapping import MappingError, parse_order
from app.domain.orders import Flag, HoldReason, LineStatus, OrderStatus

ADDRESS = {"salutation": "MS", "firstName": "Erika", "lastName": "Beispiel", "street": "Musterweg",
           "houseNumber": "7a", "zipCode": "22089", "city": "Hamburg", "countryCode": "DEU"}


def item(pid: str, status: str = "PROCESSABLE", price: float = 49.99, **extra) -> dict:
    return {"positionItemId": pid, "fulfillmentStatus": status,
            "itemValueGrossPrice": {"amount": price, "currency": "EUR"},
            "product": {"sku": "SKU-1", "articleNumber": "123", "productTitle": "Toaster X", "vatRate": 19.0,
                        "ean": "4000000000001"}, **extra}


def raw_order(*items: dict, addresses: bool = True, **extra) -> dict:
    order = {"salesOrderId": "so-1", "orderNumber": "AB12CD34EF", "orderDate": "2026-05-02T08:14:00.000+00:00",
             "lastModifiedDate": "2026-05-02T08:50:00.000+00:00",
             "orderLifecycleInformation": {"lifecycleChangeDate": "2026-05-02T08:50:00.000+00:00"},
             "payment": {"paymentMethod": "PAYPAL"},
             "positionItems": list(items) or [item("p1")],
             "initialDeliveryFees": [{"name": "STANDARD", "deliveryFeeAmount": {"amount": 4.95, "currency": "EUR"},
                                      "positionItemIds": ["p1"], "vatRate": 19.0}]}
    if addresses:
        order["deliveryAddress"] = dict(ADDRESS)
        order["invoiceAddress"] = dict(ADDRESS, firstName="Max")
    order.update(extra)
    return order


def test_processable_order_maps_completely():
    o = parse_order(raw_order(item("p1"), item("p2", price=10.0, weeePickup=True)))
    assert o.marketplace_id == "so-1" and o.order_number == "AB12CD34EF"
    assert o.status is OrderStatus.OPEN and not o.in_backlog
    assert [ln.unit_price_minor for ln in o.lines] == [4999, 1000]
    assert o.gross_minor == 4999 + 1000 + 495
    assert o.shipping_address.country_code == "DE" and o.billing_address.first_name == "Max"
    assert Flag.RECYCLING in o.flags
    assert o.lines[0].vat_rate_bp == 1900


def test_announced_order_is_held_without_addresses():
    o = parse_order(raw_order(item("p1", "ANNOUNCED"), addresses=False))
    assert o.hold_reason is HoldReason.PAYMENT_CHECK and o.shipping_address is None
    assert o.expected_release is not None and o.expected_release > o.order_date
    assert Flag.RECYCLING not in o.flags


@pytest.mark.parametrize("mutate,needle", [
    (lambda o: o.pop("salesOrderId"), "salesOrderId is missing"),
    (lambda o: o["positionItems"][0].update(fulfillmentStatus="LOST_IN_SPACE"), "unknown value 'LOST_IN_SPACE'"),
    (lambda o: o["positionItems"][0]["itemValueGrossPrice"].update(amount="a lot"), "itemValueGrossPrice.amount"),
    (lambda o: o["positionItems"][0]["product"].update(productTitle="x" * 200_000), "200000 characters"),
    (lambda o: o.update(positionItems=[item(f"p{i}") for i in range(5000)]), "5000 entries"),
    (lambda o: o.update(orderDate="yesterday"), "orderDate is not a date"),
    (lambda o: o.pop("deliveryAddress"), "deliveryAddress is missing"),
    (lambda o: o["positionItems"][0].update(weeePickup="yes"), "weeePickup"),
    (lambda o: o["positionItems"].append(item("p1")), "repeats a positionItemId"),
])
def test_broken_orders_name_the_problem(mutate, needle):
    raw = raw_order()
    mutate(raw)
    with pytest.raises(MappingError, match=None) as info:
        parse_order(raw)
    assert needle in str(info.value)


def test_page_quarantines_only_the_broken_order_even_with_bad_bytes():
    body = json.dumps({"resources": [raw_order(), raw_order(salesOrderId="so-bad")], "links": []}).encode()
    # Break the second order's number with bytes that are not UTF-8.
    body = body.replace(b'"so-bad", "orderNumber": "AB12CD34EF"', b'"so-bad", "orderNumber": "AB\xff34EF"')
    page, had_bad = decode_page(body)
    assert had_bad
    mapped = map_page(page["resources"], had_bad)
    assert [o.marketplace_id for o in mapped.orders] == ["so-1"]
    assert [q.marketplace_id for q in mapped.quarantined] == ["so-bad"]
    assert "orderNumber" in mapped.quarantined[0].reason and "UTF-8" in mapped.quarantined[0].reason
    assert mapped.high_water is not None


def test_next_cursor_from_links():
    assert next_cursor([{"rel": "self", "href": "/x"}, {"rel": "next", "href": "/v4/orders?nextcursor=abc%3D"}]) == "abc="
    assert next_cursor([]) is None and next_cursor(None) is None


def test_cancelled_line_keeps_reason():
    o = parse_order(raw_order(item("p1"), item("p2", "CANCELLED_BY_MARKETPLACE", cancellationReason="PAYMENT_ABORTED")))
    assert o.lines[1].status is LineStatus.CANCELLED and o.lines[1].cancellation_reason == "PAYMENT_ABORTED"
