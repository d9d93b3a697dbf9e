"""Amazon Orders v0 JSON to the domain: hand-made edge cases and the sandbox's real output."""

from __future__ import annotations

import copy

import httpx
import pytest

from app.channels.amazon.address import split_name, split_street, street_lines
from app.channels.amazon.adapter import AmazonAdapter
from app.channels.amazon.mapping import MappingError, build_order, read_header
from app.channels.base import AdapterOptions
from app.domain.orders import HoldReason, LineStatus, OrderStatus
from app.sandbox.amazon import AmazonSandbox
from app.sandbox.settings import SandboxSettings


def money(amount: str) -> dict:
    return {"CurrencyCode": "EUR", "Amount": amount}


def raw_order(status: str = "Unshipped", total: str | None = "59.98", **extra) -> dict:
    order = {"AmazonOrderId": "302-1234567-7654321", "PurchaseDate": "2026-05-02T08:14:00Z",
             "LastUpdateDate": "2026-05-02T09:00:00Z", "OrderStatus": status, "FulfillmentChannel": "MFN",
             "MarketplaceId": "A1PA6795UKMFR9", "PaymentMethod": "Other",
             "ShippingAddress": {"Name": "Erika Beispiel", "AddressLine1": "Musterweg 7a", "City": "Hamburg",
                                 "PostalCode": "22089", "CountryCode": "DE", "Phone": "+49 40 123456"},
             "BuyerInfo": {"BuyerEmail": "abc123@marketplace.amazon.de", "BuyerName": "Erika Beispiel"}}
    if total is not None:
        order["OrderTotal"] = money(total)
    order.update(extra)
    return order


def raw_item(item_id: str = "11111111111111", quantity: int = 2, price: str | None = "59.98", **extra) -> dict:
    item = {"ASIN": "B0TEST0001", "SellerSKU": "SKU-1", "OrderItemId": item_id, "Title": "Toaster X",
            "QuantityOrdered": quantity, "QuantityShipped": 0}
    if price is not None:
        item.update(ItemPrice=money(price), ItemTax=money(tax_of(price, 19)), ShippingPrice=money("0.00"),
                    PromotionDiscount=money("0.00"))
    item.update(extra)
    return item


def tax_of(gross: str, rate: int) -> str:
    cents = round(float(gross) * 100)
    return f"{(cents - round(cents / (1 + rate / 100))) / 100:.2f}"


def parse(order: dict, items: list[dict]):
    return build_order(read_header(order), items)


def test_paid_order_maps_lines_money_and_address():
    items = [raw_item("1", 2, "59.98", ShippingPrice=money("4.99"), PromotionDiscount=money("5.00")),
             raw_item("2", 1, "10.00", ItemTax=money(tax_of("10.00", 7)), ShippingDiscount=money("2.00"))]
    order = parse(raw_order(total="67.97"), items)
    assert order.marketplace_id == order.order_number == "302-1234567-7654321"
    assert order.status is OrderStatus.OPEN and not order.in_backlog and order.currency == "EUR"
    first, second = order.lines
    assert (first.quantity, first.unit_price_minor, first.vat_rate_bp) == (2, 2999, 1900)
    assert (second.quantity, second.unit_price_minor, second.vat_rate_bp) == (1, 1000, 700)
    assert {(c.name, c.amount_minor, c.line_ids) for c in order.charges} == {
        ("shipping", 499, ("1",)), ("promotion", -500, ("1",)), ("shipping discount", -200, ("2",))}
    assert order.gross_minor == 6797  # == OrderTotal
    address = order.shipping_address
    assert (address.first_name, address.last_name, address.street, address.house_number) == \
        ("Erika", "Beispiel", "Musterweg", "7a")
    assert (address.zip_code, address.city, address.country_code) == ("22089", "Hamburg", "DE")
    assert address.email == "abc123@marketplace.amazon.de" and address.phone == "+49 40 123456"
    assert order.billing_address is None  # Amazon does not share one


def test_a_price_that_does_not_divide_by_the_quantity_keeps_its_cents():
    order = parse(raw_order(total="10.00"), [raw_item("1", 3, "10.00")])
    [line] = order.lines
    assert (line.quantity, line.unit_price_minor) == (3, 333)
    [rounding] = order.charges
    assert (rounding.amount_minor, rounding.line_ids) == (1, ("1",))
    assert order.gross_minor == 1000


@pytest.mark.parametrize("status", ["Pending", "PendingAvailability"])
def test_orders_waiting_for_payment_are_held_without_prices_or_address(status):
    raw = raw_order(status, total=None)
    del raw["ShippingAddress"], raw["BuyerInfo"]
    order = parse(raw, [raw_item("1", 2, price=None), raw_item("2", 1, price=None)])
    assert order.hold_reason is HoldReason.MARKETPLACE_PENDING and order.in_backlog
    assert order.status is OrderStatus.PENDING and order.currency == "EUR"  # from the marketplace
    assert [(ln.quantity, ln.unit_price_minor, ln.status) for ln in order.lines] == [
        (2, 0, LineStatus.PENDING), (1, 0, LineStatus.PENDING)]
    assert order.shipping_address is None and order.gross_minor == 0


def test_shipping_progress_comes_from_the_shipped_quantities():
    items = [raw_item("1", 2, "20.00", QuantityShipped=2), raw_item("2", 2, "39.98", QuantityShipped=1)]
    partial = parse(raw_order("PartiallyShipped"), items)
    assert [ln.status for ln in partial.lines] == [LineStatus.SHIPPED, LineStatus.OPEN]
    assert partial.status is OrderStatus.PARTIALLY_SHIPPED
    for status in ("Shipped", "InvoiceUnconfirmed"):
        done = parse(raw_order(status), [raw_item("1", 2, "59.98", QuantityShipped=2)])
        assert done.status is OrderStatus.SHIPPED and not done.in_backlog
    old = raw_order("Shipped")
    del old["ShippingAddress"], old["BuyerInfo"]  # Amazon drops buyer data a while after shipment
    assert parse(old, [raw_item("1", 2, "59.98", QuantityShipped=2)]).shipping_address is None


@pytest.mark.parametrize("status", ["Canceled", "Unfulfillable"])
def test_cancelled_orders_cancel_every_line(status):
    raw = raw_order(status)
    del raw["ShippingAddress"]
    order = parse(raw, [raw_item("1", 2, "39.98"), raw_item("2", 1, "20.00")])
    assert order.status is OrderStatus.CANCELLED and not order.in_backlog
    assert all(ln.status is LineStatus.CANCELLED and ln.cancellation_reason == status for ln in order.lines)
    assert order.gross_minor == 5998 and order.total_minor == 0


def test_an_item_with_quantity_zero_is_a_cancelled_line():
    order = parse(raw_order(total="59.98"), [raw_item("1", 2, "59.98"), raw_item("2", 0, "0.00")])
    assert [ln.status for ln in order.lines] == [LineStatus.OPEN, LineStatus.CANCELLED]


def drop(path: str):
    def mutate(order: dict, items: list[dict]) -> None:
        target, *rest = path.split(".")
        obj = items[0] if target == "item" else order
        keys = rest if target == "item" else [target, *rest]
        for key in keys[:-1]:
            obj = obj[key]
        del obj[keys[-1]]
    return mutate


def put(path: str, value):
    def mutate(order: dict, items: list[dict]) -> None:
        target, *rest = path.split(".")
        obj = items[0] if target == "item" else order
        keys = rest if target == "item" else [target, *rest]
        for key in keys[:-1]:
            obj = obj[key]
        obj[keys[-1]] = value
    return mutate


@pytest.mark.parametrize("mutate, needle", [
    (drop("AmazonOrderId"), "AmazonOrderId is missing"),
    (drop("PurchaseDate"), "PurchaseDate is missing"),
    (put("LastUpdateDate", "yesterday"), "LastUpdateDate is not a date"),
    (put("LastUpdateDate", "2026-05-02T09:00:00"), "LastUpdateDate has no time zone"),
    (put("OrderStatus", "PartiallyTeleported"), "OrderStatus has the unknown value 'PartiallyTeleported'"),
    (put("OrderTotal.Amount", 59.98), "OrderTotal.Amount should be text but is float"),
    (put("OrderTotal.Amount", "59,98"), "OrderTotal.Amount"),
    (put("OrderTotal.Amount", "60.00"), "OrderTotal is 60.00 but items, shipping and discounts add up to 59.98"),
    (put("OrderTotal.CurrencyCode", "eur"), "OrderTotal.CurrencyCode is not a currency code"),
    (put("item.QuantityOrdered", "2"), "OrderItems[0].QuantityOrdered should be a whole number but is str"),
    (put("item.QuantityOrdered", -1), "OrderItems[0].QuantityOrdered is -1"),
    (drop("item.ItemPrice"), "OrderItems[0].ItemPrice is missing although the order is paid"),
    (put("item.ItemPrice", money("-1.00")), "OrderItems[0].ItemPrice is -1.00"),
    (put("item.ItemPrice", {"CurrencyCode": "GBP", "Amount": "59.98"}), "OrderItems[0].ItemPrice is in GBP"),
    (put("item.ItemTax", money("70.00")), "OrderItems[0].ItemTax is 70.00"),
    (drop("item.OrderItemId"), "OrderItems[0].OrderItemId is missing"),
    (drop("ShippingAddress"), "ShippingAddress is missing although the order can be shipped"),
    (put("ShippingAddress", {"City": "Hamburg", "PostalCode": "22089", "CountryCode": "DE"}),
     "ShippingAddress is missing although the order can be shipped"),
    (drop("ShippingAddress.PostalCode"), "ShippingAddress.PostalCode is missing"),
    (put("ShippingAddress.CountryCode", "DEU"), "ShippingAddress.CountryCode is not an ISO country code"),
    (put("ShippingAddress.Name", 42), "ShippingAddress.Name should be text but is int"),
])
def test_broken_orders_name_the_field(mutate, needle):
    order, items = raw_order(), [raw_item()]
    mutate(order, items)
    with pytest.raises(MappingError) as info:
        parse(order, items)
    assert needle in str(info.value)


def test_repeated_or_missing_items_are_refused():
    with pytest.raises(MappingError, match="repeats an OrderItemId"):
        parse(raw_order(total="119.96"), [raw_item("1"), raw_item("1")])
    with pytest.raises(MappingError, match="OrderItems is empty"):
        parse(raw_order(), [])
    with pytest.raises(MappingError, match="currency is unknown"):
        read_header(raw_order("Pending", total=None, MarketplaceId="XXUNKNOWN"))


def test_vat_rate_is_recognised_from_the_tax_amount():
    rates = {}
    for gross, rate in (("0.99", 19), ("119.00", 19), ("10.70", 7), ("24.00", 20), ("13.37", 13)):
        order = parse(raw_order(total=gross), [raw_item("1", 1, gross, ItemTax=money(tax_of(gross, rate)))])
        rates[gross] = order.lines[0].vat_rate_bp
    assert rates == {"0.99": 1900, "119.00": 1900, "10.70": 700, "24.00": 2000, "13.37": 1300}
    odd = parse(raw_order(total="100.00"), [raw_item("1", 1, "100.00", ItemTax=money("15.00"))])
    assert odd.lines[0].vat_rate_bp == 1765  # no known rate explains it: the plain ratio


@pytest.mark.parametrize("line, expected", [
    ("Musterweg 7a", ("Musterweg", "7a")),
    ("Straße des 17. Juni 135", ("Straße des 17. Juni", "135")),
    ("Am Markt 1-3", ("Am Markt", "1-3")),
    ("Hauptstr. 5 b", ("Hauptstr.", "5b")),
    ("Packstation 104", ("Packstation", "104")),
    ("12 Rue de la Paix", ("Rue de la Paix", "12")),
    ("Alter Deich", ("Alter Deich", "")),
])
def test_street_and_house_number_are_split(line, expected):
    assert split_street(line) == expected


def test_address_lines_and_names():
    assert street_lines("c/o Nachbarn", "Musterweg 7a", "") == ("Musterweg 7a", "c/o Nachbarn")
    assert street_lines("Musterweg 7a", "2. OG", "Hinterhaus") == ("Musterweg 7a", "2. OG, Hinterhaus")
    assert split_name("Dr. Erika Beispiel") == ("Dr. Erika", "Beispiel") and split_name("Cher") == ("", "Cher")
    raw = raw_order(ShippingAddress={"Name": "Beispiel GmbH Einkauf", "CompanyName": "Beispiel GmbH",
                                     "AddressLine1": "z. Hd. Einkauf", "AddressLine2": "Rua Augusta",
                                     "City": "Lisboa", "PostalCode": "1100-053", "CountryCode": "pt",
                                     "ExtendedFields": {"StreetName": "Rua Augusta", "StreetNumber": "274"}})
    address = parse(raw, [raw_item()]).shipping_address
    assert (address.street, address.house_number, address.company, address.country_code) == \
        ("Rua Augusta", "274", "Beispiel GmbH", "PT")


def test_every_sandbox_order_maps_as_the_sandbox_says():
    """The adapter over the sandbox's own output (in process): what the sandbox calls the truth."""
    sandbox = AmazonSandbox(SandboxSettings(seed=12, orders=250))
    transport = httpx.WSGITransport(app=sandbox)
    adapter = AmazonAdapter("http://amazon.sandbox", sandbox.credentials, AdapterOptions(transport=transport,
                                                                                         rate_limit=0))
    try:
        pages = list(adapter.fetch_changes(None))
    finally:
        adapter.close()
    orders = {o.marketplace_id: o for page in pages for o in page.orders}
    assert not any(page.quarantined for page in pages)
    truth = {o["id"]: o for o in httpx.Client(transport=transport, base_url="http://amazon.sandbox")
             .get("/_sandbox/orders").json()["orders"]}
    assert set(orders) == set(truth)
    for oid, want in truth.items():
        order = orders[oid]
        assert order.in_backlog is want["held"]
        assert [(ln.external_id, ln.quantity, ln.status is LineStatus.CANCELLED) for ln in order.lines] == \
            [(ln["id"], ln["quantity"], ln["cancelled"]) for ln in want["lines"]]
        if not want["held"]:
            assert order.gross_minor == want["gross_minor"], oid
        if want["paid"]:
            buyer = sandbox.store.renderer.buyers[sandbox.store.orders[oid].addr]
            address = order.shipping_address
            assert address is not None and f"{address.street} {address.house_number}" in buyer.address
            assert f'"{address.first_name} {address.last_name}"'.replace('" ', '"') in buyer.address
    assert any(c.name == "price rounding" for o in orders.values() for c in o.charges)
    assert any(o.hold_reason is HoldReason.MARKETPLACE_PENDING for o in orders.values())


def test_deep_copies_are_not_mutated_by_mapping():
    order, items = raw_order(total="59.98"), [raw_item()]
    before = copy.deepcopy((order, items))
    parse(order, items)
    assert (order, items) == before
