"""Fetch throughput of every channel: local sandboxes over loopback into a fresh SQLite database.

Unlimited (sandbox limits off, no client pacing):
  end to end   orders/s of the real fetch (FetchService + adapter + store), peak RSS, repeat fetch;
  floor        the very HTTP requests that fetch made, replayed with bare httpx + json.loads, plus the
               very rows it stored (orders, lines, addresses, receipts, events), inserted with raw
               sqlite3 executemany into the same schema (unique keys, indexes, search triggers);
  ratio        end to end / floor (target <= 2).
  CPU          each side's process CPU time (all its threads, not the sandbox's): less disturbed
               than the wall time when other jobs share the machine, so a change shows in it even then.
Limited (the marketplaces' real rate limits, time-scaled; the adapter paces by the documented quotas):
  orders per minute achieved vs the most the quotas allow for the calls the fetch needed
  (target >= 90 %), and the number of 429 answers (target 0). Figures are given in real
  marketplace time, i.e. divided by the time scale.

    .venv/bin/python bench/fetch_throughput.py [--channel all|otto|amazon|ebay|kaufland|shopware]
        [--orders 100000] [--small 20000] [--limited-orders 2000] [--time-scale 100]
        [--skip-unlimited] [--skip-limited]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHANNELS = ("otto", "amazon", "ebay", "kaufland", "shopware")

# The marketplaces' documented quotas (requests/s, burst) by the bucket names the adapters use
# (QuotaState.name). The most a fetch can do is bounded by the slowest bucket for the calls it
# needed; buckets without an entry here (OTTO's token, eBay's daily quota, ...) do not bound it.
MARKETPLACE_QUOTAS: dict[str, dict[str, tuple[float, int]]] = {
    "otto": {"requests": (20.0, 20)},
    "amazon": {"getOrders": (0.0167, 20), "getOrderItems": (0.5, 30), "getOrderAddress": (0.5, 30),
               "getOrder": (0.5, 30), "createRestrictedDataToken": (1.0, 10)},
    "ebay": {},
    "kaufland": {"requests": (111.0, 111)},
    "shopware": {},
}


def start_sandbox(channel: str, orders: int, limited: bool, time_scale: float) -> tuple[subprocess.Popen, dict]:
    args = [sys.executable, "-m", "app.sandbox.server", "--port", "0", "--orders", str(orders), "--seed", "1",
            "--only", channel]
    if limited:
        args += ["--real-limits", "--time-scale", str(time_scale), "--rate-limit", "20"]
    else:
        args += ["--rate-limit", "0"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, cwd=ROOT, text=True)
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())[channel]


# Runs in a fresh process so its peak memory is its own. Records every request it sends (to a
# file, streamed) so the floor can replay exactly the same HTTP conversation.
END_TO_END = """
import base64, json, os, resource, sys, time
from pathlib import Path
os.environ.update(ORDERDESK_KEYRING="encrypted-file", ORDERDESK_MASTER_KEY="bench-master-key")
import httpx
from app.bootstrap import build
from app.paths import AppPaths
from app.channels.base import AdapterOptions

channel, info, home, record, limited, scale = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], sys.argv[5] == "1", float(sys.argv[6])

class Recording(httpx.HTTPTransport):
    def __init__(self, path):
        super().__init__()
        self.out = open(path, "w") if path else None
    def handle_request(self, request):
        if self.out is not None:
            body = request.read()
            self.out.write(json.dumps([request.method, str(request.url), list(request.headers.multi_items()),
                                       base64.b64encode(body).decode()]) + "\\n")
        return super().handle_request(request)
    def close(self):
        if self.out is not None:
            self.out.flush()
        super().close()

transport = Recording(record)
options = (lambda: AdapterOptions(time_scale=scale, transport=transport)) if limited else (
    lambda: AdapterOptions(rate_limit=0, transport=transport))
ctx = build(paths=AppPaths(home, home, home), adapter_options=options)
acc = ctx.accounts.add(channel, "bench", info["base_url"])
ctx.secrets().save(acc.secret_ref, info["credentials"])
t, c = time.perf_counter(), time.process_time(); [r] = ctx.fetch.fetch(); first = time.perf_counter() - t
cpu = time.process_time() - c
assert r.ok, r.error
transport.out and transport.out.flush()
transport.out = None  # the repeat fetch is not part of the floor
t = time.perf_counter(); [again] = ctx.fetch.fetch(); repeat = time.perf_counter() - t
print(json.dumps(dict(seconds=first, cpu=cpu, new=r.counts.new, pages=r.pages, requests=r.requests, repeat=repeat,
      repeat_requests=again.requests, quota=[q.as_json() for q in r.quota],
      maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
"""


def end_to_end(channel: str, info: dict, home: Path, record: Path | None, limited: bool, scale: float) -> dict:
    out = subprocess.run([sys.executable, "-c", END_TO_END, channel, json.dumps(info), str(home),
                          str(record or ""), "1" if limited else "0", str(scale)],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{channel}: end-to-end run failed\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


STORED_TABLES = ("orders", "order_lines", "addresses", "payment_receipts", "order_events")


def stored_rows(db: Path) -> tuple[list[str], dict[str, list[tuple]]]:
    """The fetch's database schema (tables, indexes, the search table and its triggers) and every
    row the fetch stored in the tables an import writes."""
    con = sqlite3.connect(db)
    try:
        shadow = {name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")}
        ddl = [sql for kind, name, sql in con.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid")
               if not (kind == "table" and any(name.startswith(v + "_") for v in shadow))]
        rows = {table: con.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in STORED_TABLES}
    finally:
        con.close()
    return ddl, rows


def floor(record: Path, db: Path, pages: int) -> dict:
    """Replays the recorded requests with bare httpx + json.loads, and inserts the very rows the
    fetch stored with raw sqlite3 executemany into the same schema (its unique keys, indexes and
    search triggers are what makes an import idempotent and searchable, so they belong to the
    floor), one transaction per page."""
    requests = [json.loads(line) for line in record.read_text().splitlines()]
    ddl, rows = stored_rows(db)
    target = Path(tempfile.mkdtemp()) / "floor.db"
    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    for sql in ddl:
        con.execute(sql)
    inserts = {t: f"INSERT INTO {t} VALUES ({', '.join('?' * len(r[0]))})" for t, r in rows.items() if r}
    batches = max(1, pages)
    steps = {t: -(-len(r) // batches) for t, r in rows.items()}
    every = max(1, len(requests) // batches)

    def insert(batch: int | None) -> None:
        with con:
            for table, sql in inserts.items():
                chunk = rows[table][batch * steps[table]:(batch + 1) * steps[table]] if batch is not None \
                    else rows[table][done * steps[table]:]
                if chunk:
                    con.executemany(sql, chunk)

    done = 0
    started, cpu = time.perf_counter(), time.process_time()
    with httpx.Client(timeout=60) as client:
        for n, (method, url, headers, body) in enumerate(requests, start=1):
            response = client.request(method, url, headers=headers, content=base64.b64decode(body))
            if response.status_code >= 300:
                raise SystemExit(f"floor replay: {method} {url} answered {response.status_code}")
            if response.content:
                json.loads(response.content.decode("utf-8", "surrogateescape"))
            if n % every == 0 and done < batches:
                insert(done)
                done += 1
        insert(None)
    con.close()
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "requests": len(requests)}


def quota_bound(channel: str, quota: list[dict], scale: float) -> float | None:
    """Shortest possible time for the calls made, under the marketplace's documented quotas."""
    documented = MARKETPLACE_QUOTAS.get(channel, {})
    bounds = []
    for q in quota:
        if q["name"] in documented:
            rate, burst = documented[q["name"]]
            bounds.append(max(0, q["calls"] - burst) / (rate * scale))
    return max(bounds) if bounds else None


def run_unlimited(channel: str, sizes: list[int]) -> None:
    for size in sizes:
        proc, info = start_sandbox(channel, size, limited=False, time_scale=1)
        home = Path(tempfile.mkdtemp())
        record = home / "requests.jsonl"
        load_before = os.getloadavg()[0]
        try:
            # A first fetch into a throwaway database warms the sandbox (it renders an order's JSON
            # once and then serves cached bytes), so the measured fetch and the floor's replay
            # meet the same server; neither pays for the marketplace's own rendering.
            end_to_end(channel, info, Path(tempfile.mkdtemp()), None, limited=False, scale=1)
            e2e = end_to_end(channel, info, home, record, limited=False, scale=1)
            fl = floor(record, home / "orderdesk.db", e2e["pages"])
        finally:
            proc.terminate()
            proc.wait()
        print(f"\n{channel}: {size} orders, unlimited ({e2e['pages']} pages, {e2e['requests']} requests):")
        print(f"  end to end : {e2e['seconds']:7.2f} s  {e2e['new'] / e2e['seconds']:8.0f} orders/s  "
              f"(CPU {e2e['cpu']:.2f} s)")
        print(f"  floor      : {fl['seconds']:7.2f} s  {e2e['new'] / fl['seconds']:8.0f} orders/s  "
              f"(CPU {fl['cpu']:.2f} s; {fl['requests']} requests replayed)")
        print(f"  ratio      : {e2e['seconds'] / fl['seconds']:7.2f} x (target <= 2; CPU time "
              f"{e2e['cpu'] / fl['cpu']:.2f} x)")
        print(f"  repeat     : {e2e['repeat']:7.3f} s with {e2e['repeat_requests']} requests")
        print(f"  peak RSS   : {e2e['maxrss_mb']:7.0f} MB")
        print(f"  load avg   : {load_before:7.2f} before, {os.getloadavg()[0]:.2f} after (1 min; {os.cpu_count()} cores)")


def run_limited(channel: str, orders: int, scale: float) -> None:
    proc, info = start_sandbox(channel, orders, limited=True, time_scale=scale)
    home = Path(tempfile.mkdtemp())
    try:
        e2e = end_to_end(channel, info, home, None, limited=True, scale=scale)
        state = httpx.get(f"{info['base_url']}/_sandbox/state", timeout=30).json()
    finally:
        proc.terminate()
        proc.wait()
    real_seconds = e2e["seconds"] * scale  # the same fetch at the marketplace's real pace
    achieved = e2e["new"] / real_seconds * 60
    bound = quota_bound(channel, e2e["quota"], scale)
    print(f"\n{channel}: {orders} orders, real limits x{scale:g} ({e2e['requests']} requests):")
    print(f"  took       : {e2e['seconds']:7.2f} s (= {real_seconds / 60:.1f} min at real limits)")
    print(f"  achieved   : {achieved:9.1f} orders/min")
    if bound:
        best = e2e["new"] / (bound * scale) * 60
        print(f"  quota max  : {best:9.1f} orders/min -> {achieved / best:6.1%} of the maximum (target >= 90 %)")
    else:
        print("  quota max  : not bounded by a per-second quota for these calls")
    print(f"  429s       : {state.get('rate_limited')} (target 0)")
    for q in e2e["quota"]:
        print(f"  bucket     : {q['name']}: {q['calls']} calls, paced at {q['per_second']}/s (scaled), burst {q['capacity']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--channel", default="all", choices=("all",) + CHANNELS)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=20_000)
    ap.add_argument("--limited-orders", type=int, default=2_000)
    ap.add_argument("--time-scale", type=float, default=100.0)
    ap.add_argument("--skip-unlimited", action="store_true")
    ap.add_argument("--skip-limited", action="store_true")
    args = ap.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    channels = CHANNELS if args.channel == "all" else (args.channel,)
    for channel in channels:
        if not args.skip_unlimited:
            run_unlimited(channel, [n for n in (args.small, args.orders) if n])
        if not args.skip_limited:
            run_limited(channel, args.limited_orders, args.time_scale)


if __name__ == "__main__":
    main()
