"""Fetch throughput: OTTO orders from the sandbox over loopback into a fresh SQLite database.

Prints orders/s end to end, the floor (same pages with bare httpx + the same rows with raw
sqlite3 executemany), their ratio, the time of a repeat fetch with nothing new, and the peak
resident memory of the fetching process at two order counts (it must stay flat: pages stream).

    .venv/bin/python bench/fetch_throughput.py [--orders 100000] [--small 20000]
"""

from __future__ import annotations

import argparse
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


def start_sandbox(orders: int) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen([sys.executable, "-m", "app.sandbox.server", "--port", "0", "--orders", str(orders),
                             "--seed", "1", "--rate-limit", "0"], stdout=subprocess.PIPE, cwd=ROOT, text=True)
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())["otto"]


def end_to_end(info: dict, orders: int) -> dict:
    """Runs in a fresh process so its peak memory is its own."""
    code = """
import json, os, resource, sys, time, tempfile
from pathlib import Path
os.environ.update(ORDERDESK_KEYRING="encrypted-file", ORDERDESK_MASTER_KEY="bench-master-key")
from app.bootstrap import build
from app.paths import AppPaths
from app.channels.base import AdapterOptions
home = Path(tempfile.mkdtemp())
ctx = build(paths=AppPaths(home, home, home), adapter_options=lambda: AdapterOptions(rate_limit=0))
info = json.loads(sys.argv[1])
acc = ctx.accounts.add("otto", "bench", info["base_url"])
for k, v in info["credentials"].items():
    ctx.secrets().set(acc.secret_ref, k, v)
t = time.perf_counter(); [r] = ctx.fetch.fetch(); first = time.perf_counter() - t
assert r.ok, r.error
t = time.perf_counter(); [again] = ctx.fetch.fetch(); repeat = time.perf_counter() - t
print(json.dumps(dict(seconds=first, new=r.counts.new, pages=r.pages, repeat=repeat, repeat_requests=again.requests,
      maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
"""
    out = subprocess.run([sys.executable, "-c", code, json.dumps(info)], cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def floor(info: dict) -> dict:
    """Bare httpx paging + json + raw sqlite3 executemany of the same order and line rows."""
    db = Path(tempfile.mkdtemp()) / "floor.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE o(id INTEGER PRIMARY KEY, sid TEXT UNIQUE, num TEXT, odate TEXT, mdate TEXT, pay TEXT)")
    con.execute("CREATE TABLE l(id INTEGER PRIMARY KEY, sid TEXT, pid TEXT, sku TEXT, title TEXT, price REAL, st TEXT)")
    started = time.perf_counter()
    n = 0
    with httpx.Client(base_url=info["base_url"]) as client:
        token = client.post("/v1/token", data={"grant_type": "client_credentials", **info["credentials"]}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        params: dict = {"limit": 128, "fromDate": "2000-01-01T00:00:00.000+00:00"}
        while True:
            page = json.loads(client.get("/v4/orders", params=params, headers=headers).content)
            res = page["resources"]
            with con:
                con.executemany("INSERT INTO o(sid,num,odate,mdate,pay) VALUES (?,?,?,?,?)",
                                [(o["salesOrderId"], o["orderNumber"], o["orderDate"], o.get("lastModifiedDate"),
                                  o.get("payment", {}).get("paymentMethod")) for o in res])
                con.executemany("INSERT INTO l(sid,pid,sku,title,price,st) VALUES (?,?,?,?,?,?)",
                                [(o["salesOrderId"], i["positionItemId"], i["product"]["sku"],
                                  i["product"]["productTitle"], i["itemValueGrossPrice"]["amount"],
                                  i["fulfillmentStatus"]) for o in res for i in o["positionItems"]])
            n += len(res)
            nxt = [x["href"] for x in page.get("links", []) if x.get("rel") == "next"]
            if not nxt:
                break
            params = {"limit": 128, "nextcursor": httpx.URL(nxt[0]).params["nextcursor"]}
    con.close()
    return {"seconds": time.perf_counter() - started, "orders": n}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=20_000)
    args = ap.parse_args()
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    results = {}
    for size in (args.small, args.orders):
        proc, info = start_sandbox(size)
        try:
            fl = floor(info)
            e2e = end_to_end(info, size)
        finally:
            proc.terminate()
            proc.wait()
        results[size] = (fl, e2e)
        print(f"\n{size} orders ({e2e['pages']} pages):")
        print(f"  end to end : {e2e['seconds']:7.2f} s  {e2e['new'] / e2e['seconds']:8.0f} orders/s")
        print(f"  floor      : {fl['seconds']:7.2f} s  {fl['orders'] / fl['seconds']:8.0f} orders/s")
        print(f"  ratio      : {e2e['seconds'] / fl['seconds']:7.2f} x (target <= 2)")
        print(f"  repeat     : {e2e['repeat']:7.3f} s with {e2e['repeat_requests']} requests (target < 1 s)")
        print(f"  peak RSS   : {e2e['maxrss_mb']:7.0f} MB")
    small, big = results[args.small][1], results[args.orders][1]
    print(f"\npeak RSS {args.small} -> {args.orders} orders: {small['maxrss_mb']:.0f} -> {big['maxrss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
