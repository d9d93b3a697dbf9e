"""Several workstations on one PostgreSQL database: three `orderdesk fetch` processes fetching the
same account at the same moment (held at a real barrier: a table lock they all queue behind) never
duplicate orders, lines, receipts or events, and leave the database equal to the sandbox; the
views' change poll sees what another process wrote."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine, func, select, text

from app.sandbox.server import SandboxServer
from app.store import schema
from app.store.queries import iter_orders, iter_payments
from tests.sandbox_access import truth
from tests.server.conftest import ROOT

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def big_sandbox():
    server = SandboxServer(port=0, seed=11, orders=1500, rate_limit=None, release_delay=1800.0,
                           seeded=["otto"]).start()
    yield server
    server.stop()


def fetch_at_once(cli, n: int = 3) -> list[dict]:
    """Start ``n`` fetch processes, hold them all at their first write, then let them go together."""
    admin = create_engine(cli.database_url, isolation_level="AUTOCOMMIT")
    procs: list[subprocess.Popen] = []
    try:
        with admin.connect() as barrier:
            barrier.execute(text("BEGIN"))
            barrier.execute(text("LOCK TABLE sync_state IN ACCESS EXCLUSIVE MODE"))
            procs = [subprocess.Popen([sys.executable, "-m", "app.cli.main", "fetch", "--account", "otto-nord",
                                       "--json"], env=cli.env, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(n)]
            deadline = time.monotonic() + 120
            while True:  # every process waits on the lock: they start their fetches at the same moment
                with admin.connect() as conn:
                    waiting = conn.scalar(text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE c.relname = 'sync_state' AND NOT l.granted"))
                if waiting >= n:
                    break
                assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
                assert time.monotonic() < deadline, "the fetch processes never reached the barrier"
                time.sleep(0.05)
            barrier.execute(text("COMMIT"))
        results = []
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
            results.extend(json.loads(out))
        return results
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
        admin.dispose()


def fetch_windows(cli) -> list[tuple]:
    with cli.engine.connect() as conn:
        rows = conn.execute(select(schema.LogEntry.event, schema.LogEntry.at)
                            .where(schema.LogEntry.event.in_(["fetch_started", "fetch_finished"]))
                            .order_by(schema.LogEntry.id)).all()
    return rows


def assert_equals_sandbox(cli, sandbox) -> dict[str, dict]:
    remote = truth(sandbox)
    local = {o["marketplace_id"]: o for o in iter_orders(cli.engine)}
    assert set(local) == set(remote) and len(local) == cli.count(schema.Order)
    for sid, raw in remote.items():
        mine = local[sid]
        items = raw["positionItems"]
        assert len(mine["lines"]) == len(items), sid
        assert mine["backlog"] is any(i["fulfillmentStatus"] == "ANNOUNCED" for i in items), sid
        assert (mine["shipping_address"] is None) is ("deliveryAddress" not in raw), sid
    assert cli.count(schema.OrderLine) == sum(len(o["positionItems"]) for o in remote.values())
    payments = list(iter_payments(cli.engine))
    assert len({p["receipt_key"] for p in payments}) == len(payments)
    paid = Counter(p["order_number"] for p in payments if p["kind"] == "payment")
    assert paid and max(paid.values()) == 1  # one payment per order, never two
    for raw in remote.values():
        live = {i["fulfillmentStatus"] for i in raw["positionItems"]} - {"CANCELLED_BY_MARKETPLACE",
                                                                         "CANCELLED_BY_PARTNER"}
        assert (raw["orderNumber"] in paid) is (bool(live) and "ANNOUNCED" not in live), raw["orderNumber"]
    return local


def test_three_processes_fetching_one_account_at_once_duplicate_nothing(cli, big_sandbox):
    cli.add_account(big_sandbox)
    results = fetch_at_once(cli)
    assert len(results) == 3 and all(r["ok"] for r in results), [r["error"] for r in results]
    remote = truth(big_sandbox)
    assert sum(r["new"] for r in results) == len(remote)  # each order inserted by exactly one of them
    assert sum(r["unchanged"] for r in results) > 0  # ... after racing for it: the losers found it stored
    events = fetch_windows(cli)
    starts = [at for event, at in events if event == "fetch_started"]
    ends = [at for event, at in events if event == "fetch_finished"]
    assert len(starts) == len(ends) == 3 and max(starts) < min(ends)  # the three really overlapped
    before = assert_equals_sandbox(cli, big_sandbox)
    held = {sid for sid, o in before.items() if o["backlog"]}
    assert held

    big_sandbox.clock.advance(1801)  # OTTO releases the held orders: updates and receipts race now
    results = fetch_at_once(cli)
    assert all(r["ok"] for r in results), [r["error"] for r in results]
    after = assert_equals_sandbox(cli, big_sandbox)
    released = {sid for sid in held if not after[sid]["backlog"] and after[sid]["status"] != "cancelled"}
    assert released
    assert sum(r["released"] for r in results) == len(released)  # each release applied by one process
    with cli.engine.connect() as conn:
        events = conn.execute(select(schema.OrderEvent.order_id, schema.OrderEvent.kind)).all()
    assert max(Counter(events).values()) == 1  # no event recorded twice
    ids = {o["id"]: sid for sid, o in after.items()}
    assert {ids[oid] for oid, kind in events if kind == "released"} == released


def test_the_views_change_poll_sees_another_workstations_fetch(cli, sandbox):
    """The order list re-reads its ids every refresh and reloads cached rows when
    (max(updated_at), count) changes (app/ui/orders_model.py): the query a desk polls with."""
    from app.ui.orders_model import OrdersModel  # the desk's own query, without a window

    cli.add_account(sandbox)
    version_stmt = OrdersModel.version_query(None)  # type: ignore[arg-type]
    with cli.engine.connect() as conn:
        empty = tuple(conn.execute(version_stmt).one())
    cli("fetch")
    with cli.engine.connect() as conn:
        fetched = tuple(conn.execute(version_stmt).one())
    assert fetched != empty and fetched[1] == len(truth(sandbox))
    sandbox.clock.advance(1801)  # releases change rows in place: the count stays, updated_at moves
    cli("fetch")
    with cli.engine.connect() as conn:
        released = tuple(conn.execute(version_stmt).one())
        assert conn.scalar(select(func.count()).select_from(schema.OrderEvent.__table__).where(
            schema.OrderEvent.kind == "released")) > 0
    assert released[1] == fetched[1] and released[0] > fetched[0]
