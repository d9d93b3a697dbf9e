"""Kaufland order units to domain orders: hand-made edge cases and real sandbox output."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.channels.kaufland.mapping import MappingError, change_stamp, parse_order, split_street
from app.channels.kaufland.signing import KauflandSigner
from app.domain.orders import HoldReason, LineStatus, OrderStatus
from app.sandbox.clock import SandboxClock
from app.sandbox.kaufland import KauflandSandbox
from app.sandbox.settings import SandboxSettings
from tests.channels.kaufland.kaufland_units import ADDRESS, unit


def test_units_become_one_order_with_a_line_per_unit_in_cents() -> None:
    units = [unit(11, price=4999, shipping=495), unit(12, "sent", price=4999, shipping=100),
             unit(13, "cancelled", price=1250)]  # fmt: skip
    order = parse_order("MX8ZT2Q", units)
    assert order.marketplace_id == order.order_number == "MX8ZT2Q" and order.currency == "EUR"
    assert [(ln.external_id, ln.quantity, ln.unit_price_minor, ln.status) for ln in order.lines] == [
        ("11", 1, 4999, LineStatus.OPEN), ("12", 1, 4999, LineStatus.SHIPPED), ("13", 1, 1250, LineStatus.CANCELLED)]
    assert order.lines[2].cancellation_reason == "NoInventory" and order.lines[0].cancellation_reason == ""
    assert [(c.amount_minor, c.line_ids) for c in order.charges] == [(495, ("11",)), (100, ("12",))]
    assert order.gross_minor == 4999 + 495 + 4999 + 100 + 1250  # Kaufland's total: prices + shipping rates
    assert order.total_minor == 4999 + 495 + 4999 + 100  # the cancelled unit is not paid for
    assert order.status is OrderStatus.PARTIALLY_SHIPPED and not order.in_backlog
    assert order.lines[0].vat_rate_bp == 1900 and order.lines[0].ean == "4000000000001"
    assert order.lines[0].sku == "SKU-1001" and order.lines[0].title == "Toaster X"
    assert order.order_date == datetime(2026, 5, 2, 8, 14, tzinfo=UTC)
    assert order.shipping_address.first_name == "Erika" and order.billing_address.first_name == "Max"
    assert order.billing_address.email == "pseudo@example.org" and order.shipping_address.email == ""


def test_open_units_hold_the_order_without_an_address() -> None:
    order = parse_order("MX8ZT2Q", [unit(1, "open", shipping_address=None, billing_address=None),
                                    unit(2, "open", shipping_address=None, billing_address=None)])  # fmt: skip
    assert order.hold_reason is HoldReason.NOT_RELEASED and order.in_backlog
    assert {ln.status for ln in order.lines} == {LineStatus.PENDING} and order.shipping_address is None
    partly = parse_order("MX8ZT2Q", [unit(1, "open"), unit(2, "cancelled")])
    assert partly.in_backlog  # still waiting for the rest
    gone = parse_order("MX8ZT2Q", [unit(1, "cancelled", shipping_address=None, billing_address=None)])
    assert not gone.in_backlog and gone.status is OrderStatus.CANCELLED


@pytest.mark.parametrize("status,line", [
    ("open", LineStatus.PENDING), ("need_to_be_sent", LineStatus.OPEN), ("sent", LineStatus.SHIPPED),
    ("received", LineStatus.SHIPPED), ("sent_and_autopaid", LineStatus.SHIPPED), ("returned", LineStatus.RETURNED),
    ("returned_paid", LineStatus.RETURNED), ("cancelled", LineStatus.CANCELLED),
])  # fmt: skip
def test_every_unit_status_maps(status: str, line: LineStatus) -> None:
    assert parse_order("MX8ZT2Q", [unit(1, status)]).lines[0].status is line


@pytest.mark.parametrize("street,number,expected", [
    ("Musterweg", "7a", ("Musterweg", "7a")),
    ("Musterweg 7a", "", ("Musterweg", "7a")),
    ("Am Markt 3-5", "", ("Am Markt", "3-5")),
    ("Straße des 17. Juni 12 b", "", ("Straße des 17. Juni", "12 b")),
    ("Lindenallee 14/2", "", ("Lindenallee", "14/2")),
    ("Packstation", "", ("Packstation", "")),
    ("  Hauptstraße  ", " 1 ", ("Hauptstraße", "1")),
])  # fmt: skip
def test_street_and_house_number(street: str, number: str, expected: tuple[str, str]) -> None:
    assert split_street(street, number) == expected


def test_addresses_split_the_number_and_use_alpha2_countries() -> None:
    raw = unit(1, shipping_address=dict(ADDRESS, street="Bahnhofstraße 12", house_number="", country="DEU",
                                        company_name="Beispiel GmbH", additional_field="2. OG", phone="+49 40 1"))
    address = parse_order("MX8ZT2Q", [raw]).shipping_address
    assert (address.street, address.house_number, address.country_code) == ("Bahnhofstraße", "12", "DE")
    assert (address.company, address.addition, address.phone, address.zip_code) == ("Beispiel GmbH", "2. OG",
                                                                                     "+49 40 1", "22089")


BROKEN = [
    (lambda u: u.pop("price"), "order_units[0].price is missing"),
    (lambda u: u.update(price="49,99"), "order_units[0].price should be a whole number"),
    (lambda u: u.update(price=49.99), "order_units[0].price should be a whole number"),
    (lambda u: u.update(price=True), "order_units[0].price should be a whole number"),
    (lambda u: u.update(price=-1), "order_units[0].price is -1"),
    (lambda u: u.update(status="teleported"), "order_units[0].status has the unknown value 'teleported'"),
    (lambda u: u.update(vat="19%"), "order_units[0].vat should be a percentage"),
    (lambda u: u.update(currency=None), "order_units[0].currency is not a currency code"),
    (lambda u: u.update(shipping_rate=None), "order_units[0].shipping_rate is missing"),
    (lambda u: u.update(ts_updated_iso="yesterday"), "order_units[0].ts_updated_iso is not a date"),
    (lambda u: u.update(id_order_unit="1"), "order_units[0].id_order_unit should be a whole number"),
    (lambda u: u.update(id_order="OTHER"), "order_units[0].id_order is 'OTHER'"),
    (lambda u: u.update(shipping_address=None), "shipping_address is missing although units can be shipped"),
    (lambda u: u["shipping_address"].update(country="Deutschland"), "shipping_address.country"),
    (lambda u: u["shipping_address"].pop("city"), "order_units[0].shipping_address.city is missing"),
    (lambda u: u["product"].update(title="x" * 5000), "product.title is 5000 characters long"),
    (lambda u: u["product"].update(eans="400"), "product.eans should be a list"),
]


@pytest.mark.parametrize("mutate,needle", BROKEN)
def test_broken_units_name_the_field(mutate, needle: str) -> None:
    raw = unit(1)
    mutate(raw)
    with pytest.raises(MappingError, match=re.escape(needle)):
        parse_order("MX8ZT2Q", [raw, unit(2)])


def test_whole_order_problems() -> None:
    with pytest.raises(MappingError, match="repeats an id_order_unit"):
        parse_order("MX8ZT2Q", [unit(1), unit(1)])
    with pytest.raises(MappingError, match="several currencies"):
        parse_order("MX8ZT2Q", [unit(1), unit(2, currency="PLN")])
    with pytest.raises(MappingError, match="order_units is empty"):
        parse_order("MX8ZT2Q", [])


def test_same_second_versions_still_order_by_progress() -> None:
    """Kaufland stamps whole seconds; a later state within the same second must still be newer."""
    second = datetime(2026, 5, 2, 9, tzinfo=UTC)
    opened = parse_order("MX8ZT2Q", [unit(1, "open"), unit(2, "open")]).modified_at
    released = parse_order("MX8ZT2Q", [unit(1), unit(2)]).modified_at
    one_cancelled = parse_order("MX8ZT2Q", [unit(1, "cancelled"), unit(2)]).modified_at
    assert second == opened < released < one_cancelled < second + timedelta(seconds=1)
    assert change_stamp([second], [7] * 999) < second + timedelta(seconds=1)


def test_real_sandbox_orders_map_the_same_from_the_list_and_from_details() -> None:
    sandbox = KauflandSandbox(SandboxSettings(orders=150, seed=8), SandboxClock())
    signer = KauflandSigner(sandbox.credentials["client_key"], sandbox.credentials["secret_key"])
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url="http://sellerapi.test", auth=signer,
                      headers={"User-Agent": "tests"}) as http:  # fmt: skip
        listed: dict[str, list[dict]] = {}
        offset = 0
        while rows := http.get("/v2/order-units", params={"storefront": "de", "limit": 100, "offset": offset}).json()["data"]:
            for row in rows:
                listed.setdefault(row["id_order"], []).append(row)
            offset += len(rows)
        truth = {o["id"]: o for o in http.get("/_sandbox/orders").json()["orders"]}
        assert set(listed) == set(truth)
        for oid, units in listed.items():
            details = http.get(f"/v2/orders/{oid}").json()["data"]
            from_list = parse_order(oid, sorted(units, key=lambda u: u["id_order_unit"]))
            from_details = parse_order(oid, details["order_units"], details)
            assert from_list == from_details
            want = truth[oid]
            assert from_list.gross_minor == want["gross_minor"] and from_list.in_backlog is want["held"]
            assert [(ln.external_id, ln.status is LineStatus.CANCELLED) for ln in from_list.lines] == [
                (ln["id"], ln["cancelled"]) for ln in want["lines"]]


def test_mapping_does_not_mutate_its_input() -> None:
    units = [unit(1, shipping_address=dict(ADDRESS, street="Musterweg 7", house_number=""))]
    before = copy.deepcopy(units)
    parse_order("MX8ZT2Q", units)
    assert units == before
