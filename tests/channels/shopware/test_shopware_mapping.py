"""Shopware order JSON to the domain: hand-made edge cases (sandbox output is covered in
test_shopware_fetch.py). Each broken order must name the field that is wrong."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from app.channels.shopware.adapter import map_page, newest_change, page_boundary
from app.channels.shopware.mapping import MappingError, parse_order, parse_stamp
from app.channels.shopware.street import split_street
from app.domain.orders import HoldReason, LineStatus, OrderStatus

HANDLERS = "Shopware\\Core\\Checkout\\Payment\\Cart\\PaymentHandler\\"
PREPAYMENT = {"name": "Vorkasse", "handlerIdentifier": HANDLERS + "PrePayment", "technicalName": "payment_prepayment"}
INVOICE = {"name": "Rechnung", "handlerIdentifier": HANDLERS + "InvoicePayment", "technicalName": "payment_invoice"}
PAYPAL = {"name": "PayPal", "handlerIdentifier": "Swag\\PayPal\\Checkout\\Payment\\Method\\PayPalHandler",
          "technicalName": "swag_paypal_paypal"}
ADDRESS = {"firstName": "Erika", "lastName": "Beispiel", "street": "Musterweg 7a", "zipcode": "22089",
           "city": "Hamburg", "company": None, "additionalAddressLine1": "2. OG", "additionalAddressLine2": None,
           "phoneNumber": None, "country": {"iso": "DE"}, "salutation": {"salutationKey": "mrs"}}
ID = "0123456789abcdef0123456789abcd{:02x}"


def product(n: int, unit: float, quantity: int = 1, vat: float = 19.0) -> dict:
    return {"id": ID.format(n), "type": "product", "label": f"Artikel {n}", "quantity": quantity,
            "unitPrice": unit, "totalPrice": round(unit * quantity, 2), "position": n, "identifier": f"prod-{n}",
            "parentId": None, "payload": {"productNumber": f"SW1000{n}"},
            "price": {"totalPrice": round(unit * quantity, 2), "taxRules": [{"taxRate": vat}]}}


def promotion(amount: float, *targets: int) -> dict:
    composition = [{"id": f"prod-{t}", "quantity": 1, "discount": 1.0} for t in targets]
    return {"id": ID.format(90), "type": "promotion", "label": "10 % Sommerrabatt", "quantity": 1,
            "unitPrice": -amount, "totalPrice": -amount, "position": 99, "identifier": "promo", "parentId": None,
            "payload": {"code": "SOMMER10", "composition": composition} if targets else {"code": "X"},
            "price": {"totalPrice": -amount, "taxRules": [{"taxRate": 19.0}]}}


def transaction(state: str = "paid", method: dict = PAYPAL, created: str = "2026-05-02T08:14:05.000+00:00",
                updated: str | None = "2026-05-02T08:14:30.000+00:00") -> dict:
    return {"id": ID.format(70), "createdAt": created, "updatedAt": updated,
            "stateMachineState": {"technicalName": state}, "paymentMethod": method}


def raw_order(*items: dict, total: float | None = None, shipping: float = 4.95, state: str = "open",
              delivery: str = "open", transactions: list[dict] | None = None, **extra) -> dict:
    items = items or (product(1, 49.99, 2), product(2, 10.0))
    if total is None:
        total = round(sum(i["totalPrice"] for i in items) + shipping, 2)
    order = {
        "id": ID.format(1), "orderNumber": "10042", "orderDateTime": "2026-05-02T08:14:00.123+00:00",
        "createdAt": "2026-05-02T08:14:00.123+00:00", "updatedAt": None, "amountTotal": total,
        "shippingCosts": {"totalPrice": shipping, "taxRules": [{"taxRate": 19.0}]},
        "stateMachineState": {"technicalName": state}, "currency": {"isoCode": "EUR"},
        "orderCustomer": {"email": "erika@example.org", "firstName": "Erika", "lastName": "Beispiel"},
        "billingAddress": dict(ADDRESS), "lineItems": list(items),
        "deliveries": [{"id": ID.format(80), "updatedAt": None, "stateMachineState": {"technicalName": delivery},
                        "shippingOrderAddress": dict(ADDRESS, firstName="Max", street="Am Markt 12-14",
                                                     country={"iso": "AT"}),
                        "shippingMethod": {"name": "Standard"}, "trackingCodes": []}],
        "transactions": transactions if transactions is not None else [transaction()],
    }
    order.update(extra)
    return order


def test_paid_order_maps_completely():
    o = parse_order(raw_order())
    assert o.marketplace_id == ID.format(1) and o.order_number == "10042" and o.currency == "EUR"
    assert [(ln.sku, ln.quantity, ln.unit_price_minor, ln.vat_rate_bp) for ln in o.lines] == [
        ("SW10001", 2, 4999, 1900), ("SW10002", 1, 1000, 1900)]
    assert o.gross_minor == 2 * 4999 + 1000 + 495
    [shipping] = o.charges
    assert shipping.name == "Standard" and shipping.amount_minor == 495
    assert set(shipping.line_ids) == {ln.external_id for ln in o.lines}
    assert o.paid and not o.in_backlog and o.status is OrderStatus.OPEN and o.payment_method == "PayPal"
    assert (o.billing_address.street, o.billing_address.house_number) == ("Musterweg", "7a")
    assert o.billing_address.email == "erika@example.org" and o.billing_address.addition == "2. OG"
    assert o.billing_address.salutation == "MS" and o.billing_address.country_code == "DE"
    assert (o.shipping_address.first_name, o.shipping_address.street, o.shipping_address.house_number,
            o.shipping_address.country_code) == ("Max", "Am Markt", "12-14", "AT")
    assert o.order_date == datetime(2026, 5, 2, 8, 14, 0, 123000, tzinfo=timezone.utc)


def test_change_stamp_is_the_newest_of_order_transactions_and_deliveries():
    raw = raw_order()
    assert raw["updatedAt"] is None  # never written since it was placed
    assert parse_order(raw).modified_at == parse_stamp("2026-05-02T08:14:30.000+00:00")  # the payment
    raw["deliveries"][0]["updatedAt"] = "2026-05-03T10:00:00.000+00:00"
    assert parse_order(raw).modified_at == parse_stamp("2026-05-03T10:00:00.000+00:00")
    raw["updatedAt"] = "2026-05-04T10:00:00.000+00:00"
    assert parse_order(raw).modified_at == parse_stamp(raw["updatedAt"])


@pytest.mark.parametrize("method, state, held, paid", [
    (PREPAYMENT, "open", True, False),
    (PREPAYMENT, "paid_partially", True, False),
    (PREPAYMENT, "paid", False, True),
    (INVOICE, "open", False, False),
    (INVOICE, "paid", False, True),
    ({"name": "Vorkasse", "technicalName": "payment_prepayment"}, "open", True, False),  # 6.7: technicalName only
    ({"name": "Vorkasse", "handlerIdentifier": PREPAYMENT["handlerIdentifier"]}, "reminded", True, False),
])
def test_backlog_rule_prepayment_versus_invoice(method, state, held, paid):
    o = parse_order(raw_order(transactions=[transaction(state, method, updated=None)]))
    assert o.in_backlog is held and o.paid is paid
    if held:
        assert o.hold_reason is HoldReason.AWAITING_PAYMENT and o.status is OrderStatus.PENDING
        assert o.expected_release is not None and o.expected_release > o.order_date
    else:
        assert o.hold_reason is None and o.expected_release is None


def test_the_last_payment_attempt_counts():
    failed = transaction("failed", PAYPAL, created="2026-05-02T08:14:05.000+00:00")
    second = dict(transaction("paid", PAYPAL, created="2026-05-02T08:16:00.000+00:00"), id=ID.format(71))
    assert parse_order(raw_order(transactions=[failed, second])).paid
    assert parse_order(raw_order(transactions=[second, failed])).paid  # by creation, not by list position
    reverse = [dict(second, createdAt="2026-05-02T08:10:00.000+00:00"), failed]
    assert parse_order(raw_order(transactions=reverse)).paid is False


def test_cancelled_order_cancels_every_line_and_leaves_the_backlog():
    raw = raw_order(state="cancelled", transactions=[transaction("cancelled", PREPAYMENT)])
    o = parse_order(raw)
    assert o.status is OrderStatus.CANCELLED and not o.in_backlog and not o.paid
    assert {ln.status for ln in o.lines} == {LineStatus.CANCELLED}


@pytest.mark.parametrize("delivery, status", [
    ("shipped", OrderStatus.SHIPPED), ("returned", OrderStatus.RETURNED), ("open", OrderStatus.OPEN),
    ("shipped_partially", OrderStatus.OPEN),
])
def test_delivery_state_decides_line_status(delivery, status):
    assert parse_order(raw_order(delivery=delivery)).status is status


def test_promotion_is_a_negative_charge_on_its_composition():
    items = (product(1, 49.99, 2), product(2, 10.0), promotion(5.0, 1))
    o = parse_order(raw_order(*items))
    promo = next(c for c in o.charges if c.amount_minor < 0)
    assert promo.amount_minor == -500 and promo.name == "10 % Sommerrabatt"
    assert promo.line_ids == (o.lines[0].external_id,)
    assert o.gross_minor == 2 * 4999 + 1000 - 500 + 495
    assert len(o.lines) == 2  # a promotion is not a line
    untargeted = parse_order(raw_order(product(1, 20.0), product(2, 10.0), promotion(3.0)))
    promo = next(c for c in untargeted.charges if c.amount_minor < 0)
    assert set(promo.line_ids) == {ln.external_id for ln in untargeted.lines}


def test_free_shipping_adds_no_charge():
    assert parse_order(raw_order(shipping=0.0)).charges == ()


@pytest.mark.parametrize("change, field", [
    (lambda o: o.update(amountTotal=1.0), "amountTotal"),
    (lambda o: o.update(amountTotal="49,99"), "amountTotal"),
    (lambda o: o.pop("orderDateTime"), "orderDateTime"),
    (lambda o: o["lineItems"][0].update(quantity="2"), "lineItems[0].quantity"),
    (lambda o: o["lineItems"][0].pop("quantity"), "lineItems[0].quantity"),
    (lambda o: o["lineItems"][0].update(type="teleport"), "lineItems[0].type"),
    (lambda o: o["stateMachineState"].update(technicalName="teleported"), "stateMachineState.technicalName"),
    (lambda o: o["transactions"][0].update(stateMachineState=None), "transactions[0].stateMachineState"),
    (lambda o: o["deliveries"][0].update(stateMachineState=None), "deliveries[0].stateMachineState"),
    (lambda o: o.pop("currency"), "currency"),
    (lambda o: o.pop("transactions"), "transactions"),
    (lambda o: o["lineItems"][0].update(totalPrice=1.0), "lineItems[0].totalPrice"),
    (lambda o: o["lineItems"][0].update(unitPrice=1.001, totalPrice=2.002), "lineItems[0].unitPrice"),
    (lambda o: o["billingAddress"].pop("city"), "billingAddress.city"),
    (lambda o: o["billingAddress"].update(country=None), "billingAddress.country"),
    (lambda o: o.update(id="so-1"), "id"),
    (lambda o: o["lineItems"][0].update(parentId=ID.format(5)), "lineItems[0].parentId"),
])
def test_broken_orders_name_the_field(change, field):
    raw = copy.deepcopy(raw_order())
    change(raw)
    with pytest.raises(MappingError) as caught:
        parse_order(raw)
    assert str(caught.value).startswith(field), str(caught.value)


def test_unrequested_association_says_so():
    raw = raw_order()
    raw["transactions"][0]["stateMachineState"] = None  # what 6.6 sends when it was not requested
    with pytest.raises(MappingError, match="must request this association"):
        parse_order(raw)


def test_page_quarantines_broken_orders_and_keeps_the_rest():
    good, bad = raw_order(), raw_order(id=ID.format(2), amountTotal="49,99")
    page = map_page([good, bad, "nonsense"], None)
    assert [o.marketplace_id for o in page.orders] == [ID.format(1)]
    assert [q.marketplace_id for q in page.quarantined] == [ID.format(2), "(unnamed order at position 3 of the page)"]
    assert "amountTotal" in page.quarantined[0].reason and '"49,99"' in page.quarantined[0].raw


def test_stamps_boundaries_and_aggregations():
    assert parse_stamp("2026-05-02 08:14:00.123") == datetime(2026, 5, 2, 8, 14, 0, 123000, tzinfo=timezone.utc)
    assert parse_stamp("2026-05-02T10:14:00.123+02:00") == parse_stamp("2026-05-02T08:14:00.123+00:00")
    assert parse_stamp(None) is None and parse_stamp("soon") is None
    page = [raw_order(), raw_order(createdAt="2026-05-03T00:00:00.000+00:00"), {"createdAt": "broken"}]
    assert page_boundary(page) == parse_stamp("2026-05-03T00:00:00.000+00:00")
    aggregations = {"newest-createdAt": {"max": "2026-05-03 00:00:00.000"},
                    "newest-transactions-updatedAt": {"max": "2026-05-04 00:00:00.000"},
                    "newest-updatedAt": {"max": None}}
    assert newest_change(aggregations) == parse_stamp("2026-05-04T00:00:00+00:00")
    assert newest_change([]) is None and newest_change({}) is None


@pytest.mark.parametrize("line, expected", [
    ("Musterweg 7a", ("Musterweg", "7a")), ("Hauptstraße 5 b", ("Hauptstraße", "5 b")),
    ("Am Markt 12-14", ("Am Markt", "12-14")), ("Straße des 17. Juni 100", ("Straße des 17. Juni", "100")),
    ("Hauptplatz 3/2/5", ("Hauptplatz", "3/2/5")), ("Bahnhofstr.12", ("Bahnhofstr.", "12")),
    ("Musterweg", ("Musterweg", "")), ("123", ("123", "")), ("  Alter  Deich 9 ", ("Alter Deich", "9")),
])
def test_street_and_house_number_are_split(line, expected):
    assert split_street(line) == expected
