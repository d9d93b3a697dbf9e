"""The ERP web service and several workstations (issue 6).

Part 1, the ERP web service: a fresh database (SQLite, and PostgreSQL when reachable) is filled
with 100,000 orders (lines, addresses) and their payment receipts in bulk; the real service
(`serve_api`: uvicorn on a loopback port) runs in one process; a second process pages through
all receipts with fetchPayments and all orders with fetchOrders, following `next_cursor` until
`has_more` is false, with N concurrent clients (each an ERP reading everything, so N full
passes at once). Every pass is checked: each order and receipt exactly once. Printed: requests/s
and items/s over all clients, latency p50/p99/max per request, and the load average (the
machine is shared).

Part 2, several workstations on PostgreSQL: fetch throughput (orders/s) of 1 workstation process
against 4 at once, fetching 4 different accounts or all the same account, each account from its own
OTTO sandbox process, into one fresh database per run; duplicates are counted (must be 0).

    .venv/bin/python bench/webservice.py [--part 1|2|all] [--orders 100000] [--clients 1,4]
        [--limit 100] [--databases sqlite,postgresql] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--ws-orders 20000] [--workstations 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENV = {"ORDERDESK_KEYRING": "encrypted-file", "ORDERDESK_MASTER_KEY": "bench"}
DEFAULT_PG = os.environ.get("ORDERDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PAGE = 100  # orders per fetch page: rows written together share one updated_at, as a real fetch writes them


# --- the database ---------------------------------------------------------------------------------------
def _context(home: Path, url: str):  # type: ignore[no-untyped-def]
    from app.bootstrap import build
    from app.paths import AppPaths

    return build(paths=AppPaths(home, home, home / "logs"), database=url)


def fill(url: str, home: Path, orders: int, seed: int = 1) -> dict:
    """Schema through the app's bootstrap (migrations); rows in bulk through SQLAlchemy Core."""
    from sqlalchemy import insert

    from app.sandbox.otto import catalog
    from app.store import schema
    from app.store.api_tokens import ApiTokenStore

    ctx = _context(home, url)
    accounts = [ctx.accounts.add("otto", "OTTO Nord", "http://127.0.0.1:9/otto"),
                ctx.accounts.add("kaufland", "Kaufland", "http://127.0.0.1:9/kaufland")]
    token = ApiTokenStore(ctx.engine).create("bench ERP").token
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=60)
    step = timedelta(days=59) / orders
    tables = {t: getattr(schema, m).__table__ for t, m in (("orders", "Order"), ("lines", "OrderLine"),
                                                           ("addresses", "Address"), ("receipts", "PaymentReceipt"))}
    started = time.perf_counter()
    counts = dict.fromkeys(tables, 0)
    chunk = 10_000
    with ctx.engine.begin() as conn:
        for base in range(0, orders, chunk):
            rows: dict[str, list[dict]] = {t: [] for t in tables}
            for i in range(base, min(orders, base + chunk)):
                oid = i + 1
                account = accounts[0] if rng.random() < 0.7 else accounts[1]
                fetched = start + step * (i - i % PAGE)  # one stamp per fetch page
                ordered = fetched - timedelta(minutes=rng.randrange(5, 120))
                fn, ln = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
                mid = str(uuid.UUID(int=rng.getrandbits(128)))
                n_items = 1 + (rng.random() > 0.6) + (rng.random() > 0.8)
                total = 0
                cancelled_line = None
                for pos in range(1, n_items + 1):
                    kind = rng.choice(catalog.PRODUCT_KINDS)
                    price = rng.randrange(kind[3], kind[4])
                    total += price
                    status = "open"
                    if pos == 2 and rng.random() < 0.1:
                        status, cancelled_line = "cancelled", (f"{mid[:24]}{pos:012d}", price)
                    rows["lines"].append(dict(
                        order_id=oid, external_id=f"{mid[:24]}{pos:012d}", position=pos,
                        sku=f"SKU-{rng.randrange(10**6):06d}", title=f"{kind[0]} {rng.choice(catalog.BRANDS)}",
                        ean=f"40{rng.randrange(10**11):011d}", quantity=1, unit_price_minor=price, vat_rate_bp=1900,
                        status=status, recycling=bool(kind[1]) and rng.random() < 0.1,
                        cancellation_reason="CANCELLED_ON_CUSTOMER_WISH" if status == "cancelled" else ""))
                zip_code, city = rng.choice(catalog.CITIES_DE)
                street = rng.choice(catalog.STREETS)
                for kind_name in ("shipping", "billing"):
                    rows["addresses"].append(dict(
                        order_id=oid, kind=kind_name, salutation="", first_name=fn, last_name=ln, company="",
                        street=street, house_number=str(rng.randrange(1, 120)), addition="", zip_code=zip_code,
                        city=city, country_code="DE", email=f"{fn.lower()}@example.de" if kind_name == "billing" else "",
                        phone=""))
                gross = total + 495
                rows["orders"].append(dict(
                    id=oid, account_id=account.id, channel=account.channel, marketplace_id=mid,
                    order_number="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10)),
                    order_date=ordered, modified_at=fetched, status="open", currency="EUR", gross_minor=gross,
                    total_minor=gross - (cancelled_line[1] if cancelled_line else 0), payment_method="PAYPAL",
                    customer_name=f"{fn} {ln}", flags="", charges="[]", hold_reason=None, held_since=None,
                    expected_release=None, released_at=None, fetched_at=fetched, updated_at=fetched))
                system = "OTTO Market" if account.channel == "otto" else "Kaufland"
                rows["receipts"].append(dict(receipt_key=f"{oid}:payment", order_id=oid, kind="payment",
                                             payment_system=system, amount_minor=gross, currency="EUR", line_id="",
                                             created_at=fetched))
                if cancelled_line:
                    rows["receipts"].append(dict(receipt_key=f"{oid}:refund:{cancelled_line[0]}", order_id=oid,
                                                 kind="refund", payment_system=system, amount_minor=cancelled_line[1],
                                                 currency="EUR", line_id=cancelled_line[0], created_at=fetched))
            for name, table in tables.items():
                conn.execute(insert(table), rows[name])
                counts[name] += len(rows[name])
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))")
    if ctx.engine.dialect.name == "postgresql":
        with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    ctx.close()
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    return {"seconds": time.perf_counter() - started, "token": token, **counts}


# --- the server process and the client process ----------------------------------------------------------------
def serve(url: str, home: str) -> None:
    """Runs the service until standard input closes; prints its address first."""
    from app.api.server import serve_api

    ctx = _context(Path(home), url)
    server = serve_api(ctx, port=0).start()
    print(json.dumps({"url": server.url}), flush=True)
    sys.stdin.read()
    server.stop()
    ctx.close()


async def _one_pass(client, call: str, key: str, limit: int, latencies: list[float]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    cursor, ids, requests = None, set(), 0
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        started = time.perf_counter()
        response = await client.get(f"/api/v1/{call}", params=params)
        page = response.json()
        latencies.append(time.perf_counter() - started)
        requests += 1
        if response.status_code != 200:
            raise SystemExit(f"{call}: {response.status_code} {response.text[:500]}")
        items = page[key]
        before = len(ids)
        ids.update(item["id"] for item in items)
        if len(ids) != before + len(items):
            raise SystemExit(f"{call}: an item came twice")
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return len(ids), requests


async def _clients(base_url: str, token: str, call: str, key: str, clients: int, limit: int) -> dict:
    import httpx

    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120,
                                 limits=limits) as client:
        started = time.perf_counter()
        passes = await asyncio.gather(*(_one_pass(client, call, key, limit, latencies) for _ in range(clients)))
        seconds = time.perf_counter() - started
    latencies.sort()
    requests = sum(r for _, r in passes)
    return {"call": call, "clients": clients, "limit": limit, "items_per_pass": [n for n, _ in passes],
            "requests": requests, "seconds": seconds, "requests_per_s": requests / seconds,
            "items_per_s": sum(n for n, _ in passes) / seconds,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "max_ms": latencies[-1] * 1000}


def client(base_url: str, token: str, call: str, clients: int, limit: int) -> None:
    key = "orders" if call == "fetchOrders" else "payments"
    print(json.dumps(asyncio.run(_clients(base_url, token, call, key, clients, limit))))


# --- part 1 --------------------------------------------------------------------------------------------------
def _pg_database(admin_url: str) -> tuple[str, callable]:  # type: ignore[valid-type]
    from sqlalchemy import create_engine, text

    name = f"orderdesk_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


def part1(args: argparse.Namespace) -> None:
    clients = [int(c) for c in args.clients.split(",")]
    for database in args.databases.split(","):
        home = Path(tempfile.mkdtemp(prefix="orderdesk-bench-ws-"))
        drop = None
        if database == "sqlite":
            url = f"sqlite:///{home / 'orderdesk.db'}"
        else:
            try:
                url, drop = _pg_database(args.pg_url)
            except Exception as exc:  # noqa: BLE001
                print(f"\n{database}: skipped, no server at {args.pg_url} ({type(exc).__name__})")
                continue
        try:
            filled = fill(url, home, args.orders)
            print(f"\n{database}: {filled['orders']} orders, {filled['lines']} lines, {filled['addresses']} "
                  f"addresses, {filled['receipts']} receipts written in {filled['seconds']:.1f} s")
            server = subprocess.Popen([sys.executable, __file__, "--serve", url, str(home)], cwd=ROOT, text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, **ENV})
            try:
                assert server.stdout is not None and server.stdin is not None
                base_url = json.loads(server.stdout.readline())["url"]
                print(f"  service at {base_url} (uvicorn, one process); clients in a second process, "
                      f"{args.limit} per page")
                for call, total in (("fetchPayments", filled["receipts"]), ("fetchOrders", filled["orders"])):
                    for n in clients:
                        load = os.getloadavg()[0]
                        out = subprocess.run([sys.executable, __file__, "--client", base_url, filled["token"], call,
                                              str(n), str(args.limit)], cwd=ROOT, capture_output=True, text=True)
                        if out.returncode:
                            raise SystemExit(out.stderr[-3000:] or out.stdout[-3000:])
                        r = json.loads(out.stdout.strip().splitlines()[-1])
                        complete = all(x == total for x in r["items_per_pass"])
                        print(f"  {call:13s} {n:2d} client(s): {r['requests']:5d} requests in {r['seconds']:6.1f} s  "
                              f"{r['requests_per_s']:6.1f} req/s  {r['items_per_s']:7.0f} items/s  "
                              f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  max {r['max_ms']:6.0f} ms  "
                              f"load {load:.1f}→{os.getloadavg()[0]:.1f}  "
                              f"{'every item once' if complete else 'INCOMPLETE: ' + str(r['items_per_pass'])}")
            finally:
                if server.stdin:
                    server.stdin.close()
                server.wait(60)
        finally:
            if drop is not None:
                drop()


# --- part 2 --------------------------------------------------------------------------------------------------
# Several workstations on one PostgreSQL database: each workstation is a process running the real fetch
# (bootstrap + FetchService, as `orderdesk fetch` does) with client pacing off; each account has its own
# OTTO sandbox process (limits off, warmed), so the marketplace side is never the shared bottleneck. The
# workstations open their credentials first, then start together on a signal; the time runs from the first
# fetch's start to the last one's end.
WS_WORKER = r"""
import json, sys, time
from pathlib import Path
from app.bootstrap import build
from app.channels.base import AdapterOptions
from app.paths import AppPaths
url, home, account = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
ctx = build(paths=AppPaths(home, home, home / "logs"), database=url,
            adapter_options=lambda: AdapterOptions(rate_limit=0))
ctx.secrets()
ctx.accounts.get(account)
print("ready", flush=True)
sys.stdin.readline()
start, cpu = time.time(), time.process_time()
[r] = ctx.fetch.fetch(account=account)
end, cpu = time.time(), time.process_time() - cpu
print(json.dumps({"start": start, "end": end, "cpu": cpu, "ok": r.ok, "error": r.error, "new": r.counts.new,
                  "unchanged": r.counts.unchanged, "pages": r.pages, "requests": r.requests}), flush=True)
sys.stdin.readline()  # connected until the parent has read the database server's CPU time
ctx.close()
"""


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds the whole machine was busy so far (every process, also other people's)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def _pg_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving ``database`` (their title names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                found.append(int(entry.name))
    return found


def _ws_sandbox(orders: int, seed: int) -> tuple[subprocess.Popen, dict]:
    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "app.sandbox.server", "--port", "0", "--orders", str(orders),
                             "--seed", str(seed), "--only", "otto", "--rate-limit", "0"],
                            stdout=subprocess.PIPE, cwd=ROOT, text=True)
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())["otto"]
    # One full pass renders every order once (the sandbox then serves cached bytes), so every run meets
    # the same warm server.
    with httpx.Client(base_url=info["base_url"], timeout=120) as client:
        token = client.post("/v1/token", data={"grant_type": "client_credentials", **info["credentials"]}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        params: dict = {"limit": 128, "fromDate": "2000-01-01T00:00:00.000+00:00"}
        while True:
            page = client.get("/v4/orders", params=params, headers=headers).json()
            nxt = [link["href"] for link in page.get("links", []) if link.get("rel") == "next"]
            if not nxt:
                break
            params = {"limit": 128, "nextcursor": httpx.URL(nxt[0]).params["nextcursor"]}
    return proc, info


def _ws_round(admin_url: str, sandboxes: list[dict], fetchers: list[int], sandbox_pids: list[int]) -> dict:
    """One run on a fresh database: len(sandboxes) accounts; ``fetchers`` names the account (index) each
    workstation fetches, e.g. [0] (one), [0, 1, 2, 3] (four accounts), [0, 0, 0, 0] (one account, four desks)."""
    from sqlalchemy import create_engine, func, select

    from app.store import schema

    url, drop = _pg_database(admin_url)
    home = Path(tempfile.mkdtemp(prefix="orderdesk-bench-desks-"))
    procs: list[subprocess.Popen] = []
    try:
        ctx = _context(home, url)
        names = []
        for i, info in enumerate(sandboxes[:max(fetchers) + 1]):
            account = ctx.accounts.add("otto", f"OTTO {i + 1}", info["base_url"])
            ctx.secrets().save(account.secret_ref, info["credentials"])
            names.append(account.name)
        ctx.close()
        procs = [subprocess.Popen([sys.executable, "-c", WS_WORKER, url, str(home), names[i]], cwd=ROOT, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE) for i in fetchers]
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready", "a workstation did not start"
        load = os.getloadavg()[0]
        database = url.rsplit("/", 1)[1]
        backends = _pg_backends(database)
        cpu_before = (_cpu_seconds(backends), _cpu_seconds(sandbox_pids), _machine_busy(), time.time())
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [json.loads(p.stdout.readline()) for p in procs]  # type: ignore[union-attr]
        span = time.time() - cpu_before[3]
        cpu = {"database": (_cpu_seconds(backends) - cpu_before[0]) / span,
               "sandboxes": (_cpu_seconds(sandbox_pids) - cpu_before[1]) / span,
               "machine": (_machine_busy() - cpu_before[2]) / span}
        for p in procs:
            p.stdin.write("bye\n")  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
            p.wait(60)
        bad = [r["error"] for r in results if not r["ok"]]
        if bad:
            raise SystemExit(f"a workstation's fetch failed: {bad}")
        engine = create_engine(url)
        with engine.connect() as conn:
            stored = conn.scalar(select(func.count()).select_from(schema.Order.__table__))
            distinct = conn.scalar(select(func.count()).select_from(
                select(schema.Order.account_id, schema.Order.marketplace_id).distinct().subquery()))
            receipts = conn.execute(select(schema.PaymentReceipt.receipt_key)).scalars().all()
        engine.dispose()
        wall = max(r["end"] for r in results) - min(r["start"] for r in results)
        return {"workstations": len(fetchers), "accounts": len(set(fetchers)), "stored": stored,
                "duplicates": stored - distinct + len(receipts) - len(set(receipts)), "seconds": wall,
                "orders_per_s": stored / wall, "per_desk": [r["new"] / (r["end"] - r["start"]) for r in results],
                "new": [r["new"] for r in results], "cores": sum(r["cpu"] for r in results) / wall, **cpu,
                "load_before": load, "load_after": os.getloadavg()[0]}
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        drop()


def part2(args: argparse.Namespace) -> None:
    """Fetch throughput with 4 workstations at once on PostgreSQL against 1 (issue 6)."""
    orders, desks = args.ws_orders, args.workstations
    try:
        _pg_database(args.pg_url)[1]()
    except Exception as exc:  # noqa: BLE001
        print(f"\nseveral workstations: skipped, no PostgreSQL server at {args.pg_url} ({type(exc).__name__})")
        return
    print(f"\nseveral workstations on PostgreSQL: {orders} OTTO orders per account, one sandbox process per "
          f"account (limits off, warmed), one process per workstation, pacing off")
    started = [_ws_sandbox(orders, seed=10 + i) for i in range(desks)]
    try:
        sandboxes = [info for _, info in started]
        runs = [("1 workstation, 1 account", [0]),
                (f"{desks} workstations, {desks} accounts", list(range(desks))),
                (f"{desks} workstations, the same account", [0] * desks)]
        base = None
        for label, fetchers in runs:
            r = _ws_round(args.pg_url, sandboxes, fetchers, [proc.pid for proc, _ in started])
            base = base or r["orders_per_s"]
            desks_text = ", ".join(f"{x:.0f}" for x in r["per_desk"])
            print(f"  {label:38s} {r['stored']:7d} orders in {r['seconds']:6.1f} s = {r['orders_per_s']:6.0f} orders/s "
                  f"({r['orders_per_s'] / base:.2f}x)  per workstation {desks_text} orders/s  new {r['new']}  "
                  f"duplicates {r['duplicates']}")
            print(f"  {'':38s} cores busy: workstations {r['cores']:.2f}, PostgreSQL {r['database']:.2f}, "
                  f"sandboxes {r['sandboxes']:.2f}, whole machine {r['machine']:.2f} of {os.cpu_count()}; "
                  f"load {r['load_before']:.1f}→{r['load_after']:.1f}")
    finally:
        for proc, _ in started:
            proc.terminate()
            proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["1", "2", "all"], default="all")
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--clients", default="1,4", help="concurrent clients, comma-separated runs")
    ap.add_argument("--limit", type=int, default=100, help="items per page")
    ap.add_argument("--databases", default="sqlite,postgresql")
    ap.add_argument("--pg-url", default=DEFAULT_PG, help="a server where the bench may create a database")
    ap.add_argument("--ws-orders", type=int, default=20_000, help="part 2: orders per account")
    ap.add_argument("--workstations", type=int, default=4, help="part 2: workstations at once (against 1)")
    ap.add_argument("--serve", nargs=2, metavar=("URL", "HOME"), help=argparse.SUPPRESS)
    ap.add_argument("--client", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.update(ENV)
    if args.serve:
        return serve(*args.serve)
    if args.client:
        url, token, call, n, limit = args.client
        return client(url, token, call, int(n), int(limit))
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; load average {os.getloadavg()[0]:.1f}")
    if args.part in ("1", "all"):
        part1(args)
    if args.part in ("2", "all"):
        part2(args)


if __name__ == "__main__":
    main()
