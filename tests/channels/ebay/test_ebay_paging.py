"""ChangeWindow against a scripted getOrders: offsets over data that changes while we page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.channels.ebay.client import OrderPage
from app.channels.ebay.mapping import change_stamp
from app.channels.ebay.paging import CUT_MARGIN, ChangeWindow
from app.channels.errors import TransientError

T0 = datetime(2026, 5, 1, tzinfo=UTC)
_FILTER = re.compile(r"^lastmodifieddate:\[(?P<start>[^.]+\.\d{3}Z)\.\.(?P<end>[^\]]*)\]$")


def stamp(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class FakeGetOrders:
    """getOrders over {orderId: lastModifiedDate}, sorted by the date (ties by id)."""

    def __init__(self, count: int, *, descending: bool = False, send_date: bool = True) -> None:
        self.stamps = {f"o{i:03d}": stamp(i) for i in range(count)}
        self.now = stamp(count + 10)
        self.descending = descending
        self.send_date = send_date
        self.calls: list[tuple[str, int]] = []
        self.before_call = lambda call: None  # scripted changes: runs before each call is answered

    def modify(self, oid: str) -> None:
        """An order changes now: it gets a stamp after everything else."""
        self.now += timedelta(seconds=1)
        self.stamps[oid] = self.now

    def __call__(self, filter_text: str, offset: int, limit: int) -> OrderPage:
        self.before_call(len(self.calls))
        self.calls.append((filter_text, offset))
        match = _FILTER.match(filter_text)
        assert match, filter_text
        start = datetime.fromisoformat(match["start"])
        end = datetime.fromisoformat(match["end"]) if match["end"] else None
        hits = sorted((s, oid) for oid, s in self.stamps.items() if s >= start and (end is None or s <= end))
        if self.descending:
            hits.reverse()
        chunk = hits[offset:offset + limit]
        orders = [{"orderId": oid, "lastModifiedDate": s.isoformat().replace("+00:00", "Z")} for s, oid in chunk]
        return OrderPage(orders, len(hits), offset + limit < len(hits), self.now if self.send_date else None)


def read(api: FakeGetOrders, limit: int = 10, since: datetime = T0) -> tuple[list[str], list, ChangeWindow]:
    window = ChangeWindow(api, since, limit=limit, stamp_of=change_stamp)
    seen, marks = [], []
    for page in window.pages():
        seen += [o["orderId"] for o in page.orders]
        marks.append(page.high_water)
    return seen, marks, window


def test_quiet_data_is_read_once_oldest_first_with_a_watermark_per_page():
    api = FakeGetOrders(45)
    seen, marks, window = read(api)
    assert seen == sorted(api.stamps) and len(api.calls) == 5
    assert marks == [stamp(9), stamp(19), stamp(29), stamp(39), stamp(44)]
    assert window.remaining_calls == 0
    assert api.calls[0][0].endswith("..]")  # the first page has an open end: eBay's clock is unknown yet
    upper = (api.now - CUT_MARGIN).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert all(f.endswith(f"..{upper}]") for f, _ in api.calls[1:])  # then a fixed window on eBay's clock


def test_a_single_page_costs_a_single_call():
    api = FakeGetOrders(7)
    seen, marks, _ = read(api)
    assert len(seen) == 7 and len(api.calls) == 1 and marks == [stamp(6)]


def _naive_offsets(api: FakeGetOrders, limit: int) -> list[str]:
    """What plain offset paging would read: the reason ChangeWindow exists."""
    seen, offset = [], 0
    while True:
        page = api("lastmodifieddate:[2026-05-01T00:00:00.000Z..]", offset, limit)
        seen += [o["orderId"] for o in page.orders]
        if not page.has_next:
            return seen
        offset += limit


def _change_early_orders(api: FakeGetOrders) -> None:
    def before(call: int) -> None:
        if call == 2:  # after two pages: five orders we already read change (and leave the window)
            for i in range(0, 10, 2):
                api.modify(f"o{i:03d}")
    api.before_call = before


def test_orders_that_change_while_we_page_make_nobody_slide_past_unseen():
    naive = FakeGetOrders(60)
    _change_early_orders(naive)
    missed = set(naive.stamps) - set(_naive_offsets(naive, 10))
    assert missed  # plain offsets do lose orders in this situation ...

    api = FakeGetOrders(60)
    _change_early_orders(api)
    seen, marks, _ = read(api)
    assert set(seen) == set(api.stamps)  # ... the window does not
    assert marks[2] is None  # the page that revealed the step back keeps the watermark where it was
    assert [m for m in marks if m is not None] == sorted(m for m in marks if m is not None)
    assert max(m for m in marks if m is not None) <= api.now - CUT_MARGIN


def test_newest_first_holds_the_watermark_until_the_window_is_read():
    api = FakeGetOrders(35, descending=True)
    seen, marks, _ = read(api)
    assert set(seen) == set(api.stamps)
    assert marks == [None, None, None, stamp(34)]


def test_without_a_date_header_the_window_ends_at_the_first_pages_newest_change():
    api = FakeGetOrders(25, send_date=False)
    seen, marks, _ = read(api)
    assert set(seen) == set(sorted(api.stamps)[:10])  # a shorter window; the next fetch goes on from its end
    assert marks[-1] == stamp(9) and all(m is None or m <= stamp(9) for m in marks)
    again, _, _ = read(api, since=stamp(9) - timedelta(minutes=5))
    assert set(again) == {f"o{i:03d}" for i in range(4, 14)}  # the overlap, then ten more


def test_a_total_that_keeps_jumping_is_given_up_plainly():
    """A server whose `total` flickers would make us step back for ever; we stop with a plain error."""
    api = FakeGetOrders(100)
    answer = api.__call__

    def flickering(filter_text: str, offset: int, limit: int) -> OrderPage:
        page = answer(filter_text, offset, limit)
        return OrderPage(page.orders, page.total - (15 if len(api.calls) % 2 else 0), page.has_next, page.server_time)

    with pytest.raises(TransientError, match="kept changing"):
        list(ChangeWindow(flickering, T0, limit=10, stamp_of=change_stamp).pages())
