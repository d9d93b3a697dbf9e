"""eBay Order JSON to the domain: hand-made edge cases and every order the sandbox serves."""

from __future__ import annotations

import copy

import pytest

from app.channels.ebay.adapter import map_page
from app.channels.ebay.address import split_name, split_street
from app.channels.ebay.mapping import MappingError, change_stamp, parse_order
from app.channels.ebay.paging import WindowPage
from app.domain.orders import HoldReason, LineStatus, OrderStatus


def money(value: str) -> dict:
    return {"value": value, "currency": "EUR"}


def line(lid: str, cost: str, qty: int = 1, shipping: str = "0.00", status: str = "NOT_STARTED", **extra) -> dict:
    return {"lineItemId": lid, "sku": f"SKU-{lid}", "title": "Toaster X", "quantity": qty,
            "lineItemCost": money(cost), "lineItemFulfillmentStatus": status,
            "deliveryCost": {"shippingCost": money(shipping)}, "appliedPromotions": [], **extra}


def raw_order(*lines: dict, total: str = "24.99", payment: str = "PAID", cancel: str = "NONE_REQUESTED",
              **extra) -> dict:
    order = {
        "orderId": "12-34567-89012", "creationDate": "2026-05-02T08:14:00.000Z",
        "lastModifiedDate": "2026-05-02T08:20:00.000Z", "orderFulfillmentStatus": "NOT_STARTED",
        "orderPaymentStatus": payment, "buyer": {"username": "erika_b1"},
        "pricingSummary": {"total": money(total)},
        "cancelStatus": {"cancelState": cancel, "cancelRequests": []},
        "paymentSummary": {"payments": [{"paymentMethod": "EBAY", "paymentStatus": "PAID", "amount": money(total)}]},
        "fulfillmentStartInstructions": [{"shippingStep": {"shippingCarrierCode": "DHL", "shipTo": {
            "fullName": "Erika Beispiel", "email": "abc@members.ebay.com", "primaryPhone": {"phoneNumber": "040 123"},
            "contactAddress": {"addressLine1": "Musterweg 7a", "city": "Hamburg", "postalCode": "22089",
                               "countryCode": "DE"}}}}],
        "lineItems": list(lines) or [line("10012345678901", "20.00", shipping="4.99")],
    }
    order.update(extra)
    return order


def test_paid_order_maps_completely():
    order = parse_order(raw_order())
    assert order.marketplace_id == order.order_number == "12-34567-89012"
    assert order.status is OrderStatus.OPEN and not order.in_backlog
    assert order.currency == "EUR" and order.payment_method == "EBAY"
    [ln] = order.lines
    assert (ln.external_id, ln.sku, ln.quantity, ln.unit_price_minor, ln.vat_rate_bp) == \
        ("10012345678901", "SKU-10012345678901", 1, 2000, 0)
    assert [(c.external_id, c.amount_minor, c.line_ids) for c in order.charges] == \
        [("shipping:10012345678901", 499, ("10012345678901",))]
    assert order.gross_minor == 2499
    address = order.shipping_address
    assert (address.first_name, address.last_name, address.street, address.house_number, address.zip_code,
            address.city, address.country_code, address.email, address.phone) == \
        ("Erika", "Beispiel", "Musterweg", "7a", "22089", "Hamburg", "DE", "abc@members.ebay.com", "040 123")
    assert order.order_date.isoformat() == "2026-05-02T08:14:00+00:00"
    assert order.modified_at.isoformat() == "2026-05-02T08:20:00+00:00"


def test_quantities_promotions_and_shipping_make_up_the_total():
    promo = {"promotionId": "5001", "description": "10 % Rabatt", "discountAmount": money("3.00")}
    order = parse_order(raw_order(line("A", "29.97", qty=3, shipping="5.99", appliedPromotions=[promo]),
                                  line("B", "10.00", qty=2), total="42.96"))
    a, b = order.lines
    assert (a.quantity, a.unit_price_minor, b.quantity, b.unit_price_minor) == (3, 999, 2, 500)
    assert {c.external_id: c.amount_minor for c in order.charges} == {"shipping:A": 599, "promotion:A:5001": -300}
    assert all(c.line_ids == ("A",) for c in order.charges)
    assert order.gross_minor == 2997 + 1000 + 599 - 300 == 4296


def test_order_level_discount_without_line_promotions_is_kept():
    raw = raw_order(total="22.99")
    raw["pricingSummary"]["priceDiscountSubtotal"] = money("-2.00")
    order = parse_order(raw)
    assert [(c.external_id, c.amount_minor) for c in order.charges][-1] == ("discount:order", -200)
    assert order.gross_minor == 2299


def test_pending_payment_is_held_with_pending_lines():
    order = parse_order(raw_order(payment="PENDING"))
    assert order.hold_reason is HoldReason.AWAITING_PAYMENT and order.in_backlog
    assert order.status is OrderStatus.PENDING and order.lines[0].status is LineStatus.PENDING
    assert parse_order(raw_order(payment="FAILED")).in_backlog


def test_cancelled_order_cancels_every_line_and_leaves_the_backlog():
    raw = raw_order(line("A", "10.00"), line("B", "14.99"), payment="FAILED", cancel="CANCELED")
    order = parse_order(raw)
    assert {ln.status for ln in order.lines} == {LineStatus.CANCELLED}
    assert order.status is OrderStatus.CANCELLED and not order.in_backlog
    refunded = parse_order(raw_order(payment="FULLY_REFUNDED", cancel="CANCELED"))
    assert refunded.status is OrderStatus.CANCELLED and refunded.total_minor == 0


def test_fulfilled_lines_are_shipped():
    raw = raw_order(line("A", "10.00", status="FULFILLED"), line("B", "14.99"), orderFulfillmentStatus="IN_PROGRESS")
    order = parse_order(raw)
    assert [ln.status for ln in order.lines] == [LineStatus.SHIPPED, LineStatus.OPEN]
    assert order.status is OrderStatus.PARTIALLY_SHIPPED


def test_pickup_order_without_shipping_step_has_no_address():
    raw = raw_order(fulfillmentStartInstructions=[{"pickupStep": {"merchantLocationKey": "store-1"}}])
    with pytest.raises(MappingError, match="no shippingStep"):
        parse_order(raw)  # paid and shippable, but nowhere to ship to
    held = raw_order(payment="PENDING", fulfillmentStartInstructions=[])
    assert parse_order(held).shipping_address is None


def _set(path: str, value):  # noqa: ANN202 - test helper
    def apply(order: dict) -> None:
        *parents, last = path.split(".")
        node = order
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value
    return apply


@pytest.mark.parametrize("mutate,needle", [
    (_set("orderId", KeyError), "orderId is missing"),
    (_set("creationDate", KeyError), "creationDate is missing"),
    (_set("creationDate", "yesterday"), "creationDate is not a date"),
    (_set("lastModifiedDate", "2026-05-02T08:20:00"), "lastModifiedDate has no time zone"),
    (_set("orderPaymentStatus", "PARTIALLY_TELEPORTED"), "orderPaymentStatus has the unknown value"),
    (_set("cancelStatus.cancelState", "MAYBE"), "cancelStatus.cancelState has the unknown value"),
    (_set("lineItems.0.lineItemFulfillmentStatus", "TELEPORTED"), "lineItems[0].lineItemFulfillmentStatus"),
    (_set("lineItems.0.quantity", KeyError), "lineItems[0].quantity is missing"),
    (_set("lineItems.0.quantity", "2"), "lineItems[0].quantity should be a whole number but is str"),
    (_set("lineItems.0.quantity", 0), "lineItems[0].quantity is 0"),
    (_set("lineItems.0.lineItemCost.value", 20.0), "lineItems[0].lineItemCost.value should be text"),
    (_set("lineItems.0.lineItemCost.value", "20,00"), "lineItems[0].lineItemCost.value: amount"),
    (_set("lineItems.0.lineItemCost.currency", "USD"), "lineItems[0].lineItemCost.currency is USD"),
    (_set("lineItems.0.quantity", 3), "not the same whole number of cents for each of 3 pieces"),
    (_set("pricingSummary.total.value", "25.00"), "pricingSummary.total is 2500 cents"),
    (_set("lineItems", []), "lineItems is missing or empty"),
    (_set("buyer.username", KeyError), "buyer.username is missing"),
    (_set("fulfillmentStartInstructions.0.shippingStep.shipTo.contactAddress.countryCode", "DEU"),
     "countryCode is not an ISO country code"),
    (_set("fulfillmentStartInstructions.0.shippingStep.shipTo", KeyError), "shippingStep.shipTo is missing"),
    (_set("lineItems.0.title", "x" * 5000), "5000 characters"),
])
def test_broken_orders_name_the_field_and_the_problem(mutate, needle):
    raw = copy.deepcopy(raw_order())
    mutate(raw)
    with pytest.raises(MappingError) as info:
        parse_order(raw)
    assert needle in str(info.value)


def test_repeated_line_ids_are_refused():
    with pytest.raises(MappingError, match="repeats a lineItemId"):
        parse_order(raw_order(line("A", "10.00"), line("A", "14.99")))


def test_page_quarantines_only_the_broken_order_and_keeps_its_stamp():
    good, bad = raw_order(), raw_order(orderId="99-99999-99999", lastModifiedDate="2026-05-03T10:00:00.000Z")
    bad["lineItems"][0]["quantity"] = "2"
    page = map_page(WindowPage([good, bad, {"no": "id"}], None))
    assert [o.marketplace_id for o in page.orders] == ["12-34567-89012"]
    assert [q.marketplace_id for q in page.quarantined] == \
        ["99-99999-99999", "(unnamed order at position 3 of the page)"]
    assert "quantity" in page.quarantined[0].reason and '"99-99999-99999"' in page.quarantined[0].raw
    assert change_stamp(bad).isoformat() == "2026-05-03T10:00:00+00:00" and change_stamp({"x": 1}) is None


@pytest.mark.parametrize("line1,line2,expected", [
    ("Musterweg 7a", "", ("Musterweg", "7a", "")),
    ("Am Markt 3-5", "", ("Am Markt", "3-5", "")),
    ("Lindenallee 12 b", "2. OG", ("Lindenallee", "12 b", "2. OG")),
    ("Straße des 17. Juni 114", "", ("Straße des 17. Juni", "114", "")),
    ("Hauptstr. 12/3/4", "", ("Hauptstr.", "12/3/4", "")),
    ("12 Rue de la Paix", "", ("Rue de la Paix", "12", "")),
    ("Packstation 104", "Postnummer 12345678", ("Packstation", "104", "Postnummer 12345678")),
    ("Schillerplatz", "", ("Schillerplatz", "", "")),
    ("Schillerplatz", "4", ("Schillerplatz", "4", "")),
    ("  Musterweg   7a ", "", ("Musterweg", "7a", "")),
])
def test_street_and_house_number_are_split(line1, line2, expected):
    assert split_street(line1, line2) == expected


def test_full_names_are_split_at_the_last_word():
    assert split_name("Anna Maria Schmidt") == ("Anna Maria", "Schmidt")
    assert split_name("Cher") == ("", "Cher")


def test_every_sandbox_order_maps_as_the_sandbox_says(market):
    raws, truth = market.raw_orders(), market.truth()
    assert set(raws) == set(truth) and len(raws) == 150
    for oid, raw in raws.items():
        order, want = parse_order(raw), truth[oid]
        assert order.gross_minor == want["gross_minor"], oid
        assert order.in_backlog is want["held"], oid
        assert [(ln.external_id, ln.quantity, ln.status is LineStatus.CANCELLED) for ln in order.lines] == \
            [(ln["id"], ln["quantity"], ln["cancelled"]) for ln in want["lines"]], oid
        if not order.in_backlog and order.status is not OrderStatus.CANCELLED:
            assert order.shipping_address.house_number and order.shipping_address.street, oid
            assert raw["fulfillmentStartInstructions"][0]["shippingStep"]["shipTo"]["contactAddress"][
                "addressLine1"].endswith(order.shipping_address.house_number)
    mapped = [parse_order(raw) for raw in raws.values()]
    assert any(ln.quantity > 1 for o in mapped for ln in o.lines)
    assert any(c.amount_minor < 0 for o in mapped for c in o.charges)  # promotions
    assert any(o.status is OrderStatus.SHIPPED for o in mapped) and any(o.in_backlog for o in mapped)
    assert any(o.status is OrderStatus.PARTIALLY_SHIPPED for o in mapped)
