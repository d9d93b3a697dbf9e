"""The fetch plan of changes.py against a scripted client: which orders are emitted whole
from the unit list, which are read with details, what is deferred, and the high-water mark."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.channels.kaufland import changes
from app.channels.kaufland.changes import ChangeWindow, Progress
from app.channels.kaufland.client import ListPage
from tests.channels.kaufland.kaufland_units import unit

T0 = datetime(2026, 5, 2, 9, tzinfo=UTC)


def at(seconds: int) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def u(oid: str, uid: int, seconds: int, status: str = "need_to_be_sent") -> dict:
    return unit(uid, status, id_order=oid, ts_updated_iso=at(seconds), shipping=100)


class ScriptedClient:
    """Serves fixed pages of units (newest first, as Kaufland does), counts and details."""

    def __init__(self, unit_pages: list[list[dict]], counts: list[dict], details: dict[str, dict | None]) -> None:
        self.unit_pages, self.counts, self.details = unit_pages, counts, details
        self.detail_calls: list[str] = []

    def changed_units(self, since: str) -> Iterator[ListPage]:
        offset = 0
        for rows in self.unit_pages:
            yield ListPage(rows, offset, sum(map(len, self.unit_pages)))
            offset += len(rows)

    def changed_orders(self, since: str) -> Iterator[ListPage]:
        yield ListPage(self.counts, 0, len(self.counts))

    def order(self, oid: str) -> dict | None:
        self.detail_calls.append(oid)
        return self.details.get(oid)


def count(oid: str, units: int, seconds: int) -> dict:
    return {"id_order": oid, "order_units_count": units, "ts_units_updated_iso": at(seconds)}


def details(oid: str, *units: dict) -> dict:
    return {"id_order": oid, "ts_created_iso": at(-3600), "storefront": "de", "order_units": list(units),
            "billing_address": units[0]["billing_address"], "shipping_address": units[0]["shipping_address"],
            "buyer": units[0]["buyer"]}  # fmt: skip


def run(client: ScriptedClient) -> tuple[list[Any], ChangeWindow]:
    window = ChangeWindow(client, T0 - timedelta(days=1), Progress())  # type: ignore[arg-type]
    return list(window.pages()), window


def test_orders_are_emitted_whole_when_their_last_unit_arrives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(changes, "ORDERS_PER_PAGE", 1)  # a page as soon as an order is complete
    # A's units lie on two list pages; B is complete on the first page.
    pages = [[u("A", 1, 50), u("B", 3, 40), u("B", 4, 40)], [u("A", 2, 10)]]
    client = ScriptedClient(pages, [count("A", 2, 50), count("B", 2, 40)], {})
    fetched, window = run(client)
    assert [[o.marketplace_id for o in p.orders] for p in fetched] == [["B"], ["A"]]
    assert [len(o.lines) for p in fetched for o in p.orders] == [2, 2]
    assert [p.high_water for p in fetched] == [None, T0 + timedelta(seconds=50)]  # only the last page moves it
    assert client.detail_calls == [] and window.upper == T0 + timedelta(seconds=50)
    monkeypatch.setattr(changes, "ORDERS_PER_PAGE", 128)
    fetched, _ = run(client)
    assert [[o.marketplace_id for o in p.orders] for p in fetched] == [["B", "A"]]  # gathered into one page


def test_orders_with_units_outside_the_window_are_read_whole() -> None:
    # C has 3 units but only one changed since `since`; D is named by the counts only.
    c_units = [u("C", 5, 30), u("C", 6, -7200, "sent"), u("C", 7, -7200, "sent")]
    d_units = [u("D", 8, 20)]
    client = ScriptedClient([[c_units[0]]], [count("C", 3, 30), count("D", 1, 20)],
                            {"C": details("C", *c_units), "D": details("D", *d_units)})  # fmt: skip
    fetched, _ = run(client)
    orders = {o.marketplace_id: o for p in fetched for o in p.orders}
    assert sorted(client.detail_calls) == ["C", "D"]
    assert [ln.status.value for ln in orders["C"].lines] == ["open", "shipped", "shipped"]
    assert orders["C"].gross_minor == 3 * (4999 + 100)
    assert fetched[-1].high_water == T0 + timedelta(seconds=30)


def test_changes_beyond_the_window_are_left_to_the_next_fetch() -> None:
    # The first unit fixes upper = +100 s. E changed again after that (its count says +200 s):
    # deferred. F's unit at +150 s appeared while we paged: ignored, F is not emitted half.
    pages = [[u("G", 9, 100)], [u("F", 10, 150), u("E", 11, 90), u("F", 12, 80)]]
    counts = [count("G", 1, 100), count("E", 1, 200), count("F", 2, 80)]
    client = ScriptedClient(pages, counts, {"F": details("F", u("F", 10, 150), u("F", 12, 80))})
    fetched, window = run(client)
    emitted = [o.marketplace_id for p in fetched for o in p.orders]
    assert sorted(emitted) == ["F", "G"] and "E" not in emitted
    assert client.detail_calls == ["F"]  # one of F's units was beyond upper: read F whole
    assert fetched[-1].high_water == T0 + timedelta(seconds=100) == window.upper


def test_uncounted_orders_and_unreadable_rows() -> None:
    # H is missing from the counts (a list shift there): read whole. A row without id_order
    # cannot be grouped: quarantined. I is counted and complete from the list.
    broken_row = u("X", 13, 60)
    del broken_row["id_order"]
    pages = [[u("H", 14, 60), broken_row, u("I", 15, 50)]]
    client = ScriptedClient(pages, [count("I", 1, 50)], {"H": details("H", u("H", 14, 60))})
    fetched, _ = run(client)
    assert [o.marketplace_id for p in fetched for o in p.orders] == ["I", "H"] and client.detail_calls == ["H"]
    [(ident, reason)] = [(q.marketplace_id, q.reason) for p in fetched for q in p.quarantined]
    assert ident == "(order unit without id_order)" and "id_order" in reason


def test_an_order_kaufland_no_longer_returns_is_quarantined() -> None:
    client = ScriptedClient([[u("L", 18, 60)]], [count("L", 2, 60)], {"L": None})
    [page], _ = run(client)
    assert page.orders == [] and client.detail_calls == ["L"]
    assert [(q.marketplace_id, q.reason) for q in page.quarantined] == [
        ("L", "Kaufland listed the order but does not return it (HTTP 404)")]
    assert page.high_water == T0 + timedelta(seconds=60)  # passed: it must not block the watermark


def test_a_broken_order_is_quarantined_and_the_rest_goes_on() -> None:
    bad = u("J", 16, 70)
    bad["status"] = "teleported"
    client = ScriptedClient([[bad, u("K", 17, 60)]], [count("J", 1, 70), count("K", 1, 60)], {})
    [page], _ = run(client)
    assert [o.marketplace_id for o in page.orders] == ["K"]
    assert [(q.marketplace_id, q.reason) for q in page.quarantined] == [
        ("J", "order_units[0].status has the unknown value 'teleported'")]
    assert '"teleported"' in page.quarantined[0].raw and page.high_water == T0 + timedelta(seconds=70)


def test_nothing_changed_yields_nothing() -> None:
    fetched, window = run(ScriptedClient([[]], [], {}))
    assert fetched == [] and window.high_water is None


def test_details_come_in_pages_and_progress_counts_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(changes, "DETAILS_PER_PAGE", 2)
    oids = [f"O{i}" for i in range(5)]
    every = {oid: details(oid, u(oid, 100 + i, 10 + i), u(oid, 200 + i, 0)) for i, oid in enumerate(oids)}
    client = ScriptedClient([[u(oid, 100 + i, 10 + i) for i, oid in enumerate(oids)]],
                            [count(oid, 2, 10 + i) for i, oid in enumerate(oids)], every)  # fmt: skip
    progress = Progress()
    window = ChangeWindow(client, T0, progress)  # type: ignore[arg-type]
    seen = [(len(page.orders), progress.pending_calls()) for page in window.pages()]
    # pages() holds one page back (only the last carries high_water), so the calls for the
    # next page are already made when a page arrives
    assert seen == [(2, 1), (2, 0), (1, 0)] and len(client.detail_calls) == 5
