"""`orderdesk serve` and `orderdesk jobs` as real processes: a due fetch job runs, SIGTERM/SIGINT
stop cleanly mid-fetch with nothing half-written, a holder killed with SIGKILL is taken over after
its lease, the web service is wired in, and the jobs CLI answers bad input plainly."""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime

import httpx
import pytest

from app.store import schema
from app.store.queries import iter_orders, iter_payments
from tests.sandbox_access import control, truth
from tests.server.conftest import stop_process


def assert_equals_sandbox(cli, sandbox) -> None:
    remote = truth(sandbox)
    local = {o["marketplace_id"]: o for o in iter_orders(cli.engine)}
    assert set(local) == set(remote)
    for sid, raw in remote.items():
        assert len(local[sid]["lines"]) == len(raw["positionItems"]), sid
    payments = list(iter_payments(cli.engine))
    assert len({p["receipt_key"] for p in payments}) == len(payments)
    paid = [p["order_number"] for p in payments if p["kind"] == "payment"]
    assert len(paid) == len(set(paid))  # one payment per order


def assert_nothing_half_written(cli, sandbox) -> None:
    remote = truth(sandbox)
    for order in iter_orders(cli.engine):  # every stored order has all its lines and addresses
        raw = remote[order["marketplace_id"]]
        assert len(order["lines"]) == len(raw["positionItems"])
        assert (order["shipping_address"] is None) is ("deliveryAddress" not in raw)


def start_serve(cli, tmp_path, *extra: str, name: str = "serve"):
    log = tmp_path / f"{name}.log"
    proc = cli.popen("serve", *extra, log=log)
    line = proc.stdout.readline()
    assert line, log.read_text()
    return proc, json.loads(line), log


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_runs_a_due_fetch_and_stops_cleanly_mid_fetch(cli, sandbox, tmp_path, sig):
    cli.add_account(sandbox)
    cli("jobs", "set", "fetch", "otto-nord", "--on", "--interval", "5")
    control(sandbox, "POST", "/faults", {"kind": "slow", "count": 3, "delay": 1.5})
    proc, started, log = start_serve(cli, tmp_path, "--no-api", "--poll", "0.2")
    try:
        assert started["address"] is None
        assert started["jobs_enabled"] == [{"kind": "fetch", "target": "otto-nord", "interval_minutes": 5.0}]
        cli.wait_for(lambda: cli.count(schema.Order) > 0, what="the first committed page")
        assert proc.poll() is None and cli.held_by().endswith(f":{proc.pid}")  # the fetch is under way
        proc.send_signal(sig)
        assert proc.wait(60) == 0
    finally:
        stop_process(proc)
    text = log.read_text()
    assert f"stopping ({sig.name})" in text and "stopped" in text and "Traceback" not in text
    assert "fetch job for otto-nord interrupted" in text
    partial = cli.count(schema.Order)
    assert 0 < partial < len(truth(sandbox))
    assert_nothing_half_written(cli, sandbox)
    job = cli.job()
    assert job["last_result"] == "interrupted" and not job["running"] and job["held_by"] is None
    log_events = [e["event"] for e in json.loads(cli("log", "--json").stdout)]
    assert "fetch_cancelled" in log_events

    once = cli("serve", "--once")  # due again at once: the next run completes the fetch
    [run] = json.loads(once.stdout.splitlines()[-1])["runs"]
    assert run["result"] == "ok" and run["target"] == "otto-nord"
    assert_equals_sandbox(cli, sandbox)
    assert cli.job()["last_result"] == "ok"


def test_a_holder_killed_mid_fetch_is_taken_over_after_its_lease_without_duplicates(cli, sandbox, tmp_path):
    cli.add_account(sandbox)
    cli("jobs", "set", "fetch", "otto-nord", "--on")
    control(sandbox, "POST", "/faults", {"kind": "slow", "count": 4, "delay": 1.5})
    first, _, _ = start_serve(cli, tmp_path, "--no-api", "--poll", "0.2", "--lease", "6", name="first")
    second = None
    try:
        cli.wait_for(lambda: cli.count(schema.Order) > 0, what="the first committed page")
        assert cli.held_by().endswith(f":{first.pid}")
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        killed_at = datetime.now(UTC)
        held = cli.job()
        assert held["running"] and held["held_by"].endswith(f":{first.pid}")
        lease_end = datetime.fromisoformat(held["held_until"])
        assert 0 < cli.count(schema.Order) < len(truth(sandbox))

        second, _, log = start_serve(cli, tmp_path, "--no-api", "--poll", "0.2", "--lease", "6", name="second")
        while datetime.now(UTC) < lease_end - (lease_end - killed_at) / 3:  # the lease still holds ...
            assert cli.held_by().endswith(f":{first.pid}")
            time.sleep(0.1)
        cli.wait_for(lambda: cli.job()["last_result"] == "ok", what="the second runner to finish the job")
        job = cli.job()
        assert datetime.fromisoformat(job["last_started_at"]) >= lease_end  # ... and was waited out
        second.send_signal(signal.SIGTERM)
        assert second.wait(60) == 0
    finally:
        stop_process(first)
        if second is not None:
            stop_process(second)
    text = log.read_text()
    assert "took over the fetch job for otto-nord" in text and f":{first.pid}" in text
    taken = [e for e in json.loads(cli("log", "--json").stdout) if e["event"] == "job_taken_over"]
    assert len(taken) == 1 and f":{first.pid}" in taken[0]["message"]
    assert_equals_sandbox(cli, sandbox)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_starts_the_web_service_and_stops_it_on_sigterm(cli, sandbox, tmp_path):
    token = cli("api-token", "create", "ERP").stdout.strip()
    proc, started, log = start_serve(cli, tmp_path, "--port", "0", "--poll", "0.2")
    try:
        base = started["address"]
        assert base.startswith("http://127.0.0.1:") and started["jobs_enabled"] == []
        assert httpx.get(f"{base}/api/v1/fetchPayments", timeout=10).status_code == 401
        ok = httpx.get(f"{base}/api/v1/fetchPayments", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert ok.status_code == 200, ok.text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        stop_process(proc)
    text = log.read_text()
    assert "stopping (SIGTERM)" in text and "ERP web service stopped" in text and token not in text
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/api/v1/openapi.json", timeout=5)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_refuses_bad_options_and_a_port_in_use(cli, tmp_path):
    both = cli("serve", "--tls-cert", str(tmp_path / "cert.pem"), check=False)
    assert both.returncode == 2 and "--tls-cert and --tls-key go together" in both.stderr
    missing = cli("serve", "--tls-cert", str(tmp_path / "c.pem"), "--tls-key", str(tmp_path / "k.pem"), check=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    proc, started, _ = start_serve(cli, tmp_path, "--port", "0", name="holder")
    try:
        port = started["address"].rsplit(":", 1)[1]
        taken = cli("serve", "--port", port, check=False)
        assert taken.returncode == 2 and "cannot listen" in taken.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        stop_process(proc)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_jobs_cli_lists_and_configures(cli, sandbox):
    cli.add_account(sandbox, "OTTO Nord")
    listed = json.loads(cli("jobs", "list", "--json").stdout)
    assert [(j["kind"], j["target"], j["enabled"]) for j in listed] == [("fetch", "OTTO Nord", False)] + [
        ("status", c, False) for c in ("amazon", "ebay", "kaufland", "otto", "shopware")]
    assert {"next_run_at", "last_started_at", "last_result", "last_error", "held_by",
            "interval_minutes"} <= set(listed[0])
    out = cli("jobs", "set", "fetch", "OTTO Nord", "--on", "--interval", "10").stdout
    assert "fetch job for OTTO Nord: on, every 10 min" in out
    cli("jobs", "set", "status", "otto", "--on")
    text = cli("jobs", "list").stdout
    assert "OTTO Nord" in text and "10 min" in text and "15 min" in text
    assert "otto      on  every 15 min" in cli("status", "auto", "--channel", "otto").stdout  # the same setting
    assert cli.job("fetch", "OTTO Nord")["interval_minutes"] == 10
    cli("jobs", "set", "fetch", "OTTO Nord", "--off")
    assert cli.job("fetch", "OTTO Nord")["enabled"] is False

    for args, message in [(("fetch", "nobody", "--on"), "no account named 'nobody'"),
                          (("status", "ottto", "--on"), "none of otto, amazon, ebay, kaufland, shopware"),
                          (("fetch", "OTTO Nord"), "--on, --off and/or --interval"),
                          (("fetch", "OTTO Nord", "--interval", "0"), "between 1 and 1440 minutes"),
                          (("status", "otto", "--interval", "1441"), "between 1 and 1440 minutes")]:
        proc = cli("jobs", "set", *args, check=False)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)
    bad_kind = cli("jobs", "set", "backlog", "otto", "--on", check=False)
    assert bad_kind.returncode == 2 and "invalid choice" in bad_kind.stderr
    cli("accounts", "remove", "OTTO Nord")
    assert [j["kind"] for j in json.loads(cli("jobs", "list", "--json").stdout)] == ["status"] * 5
