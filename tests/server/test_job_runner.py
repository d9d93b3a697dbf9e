"""The job runner against the OTTO sandbox: due jobs run, failures are recorded without a busy
loop, a stop request ends a running fetch at a page boundary, jobs of different accounts run in
parallel, status jobs transmit."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.orders import Channel
from app.services.jobs import JobRunner
from app.services.status import SETTING_SHIP_FROM, ShipRequest
from app.store import protocol_log, schema
from app.store.jobs import FETCH, STATUS, JobResult, JobStore, account_scope, channel_scope
from app.store.queries import iter_orders, iter_payments
from tests.sandbox_access import control, truth

DHL = "00340434161234567896"
DHL_RETURN = "00340434169999999990"


@pytest.fixture
def jobs(app_ctx) -> JobStore:
    return JobStore(app_ctx.engine)


def make_runner(ctx, jobs: JobStore, **kw) -> JobRunner:
    kw = {"holder": "test-runner", "workers": 2, "lease": timedelta(seconds=30), "poll": 0.1, **kw}
    return JobRunner(jobs, ctx.fetch, ctx.status, **kw)


def count(ctx, model) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def assert_equals_sandbox(ctx, sandbox) -> None:
    remote = truth(sandbox)
    local = {o["marketplace_id"]: o for o in iter_orders(ctx.engine)}
    assert set(local) == set(remote)
    for sid, raw in remote.items():
        assert len(local[sid]["lines"]) == len(raw["positionItems"]), sid
        assert local[sid]["backlog"] is any(i["fulfillmentStatus"] == "ANNOUNCED" for i in raw["positionItems"])
    keys = [p["receipt_key"] for p in iter_payments(ctx.engine)]
    assert len(keys) == len(set(keys))


def assert_orders_complete(ctx, sandbox) -> None:
    """Whatever was stored is whole: every order has all its lines (nothing half-written)."""
    remote = truth(sandbox)
    for order in iter_orders(ctx.engine):
        assert len(order["lines"]) == len(remote[order["marketplace_id"]]["positionItems"])


def run_in_thread(runner: JobRunner, stop: threading.Event) -> tuple[threading.Thread, list]:
    runs: list = []
    thread = threading.Thread(target=lambda: runs.extend(runner.run(stop)))
    thread.start()
    return thread, runs


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_due_fetch_job_runs_and_is_scheduled_from_its_start(app_ctx, sandbox, otto_account, jobs):
    jobs.configure(FETCH, account_scope(otto_account.id), enabled=True)
    [run] = make_runner(app_ctx, jobs).run(threading.Event(), once=True)
    assert run.result is JobResult.OK and run.job.target == "OTTO Nord" and "new" in run.summary
    assert_equals_sandbox(app_ctx, sandbox)
    job = jobs.get(FETCH, account_scope(otto_account.id))
    assert job.last_result == "ok" and job.last_error == "" and job.claimed_by == "" and job.claimed_until is None
    assert job.next_run_at == job.last_started_at + timedelta(minutes=5)
    assert make_runner(app_ctx, jobs).run(threading.Event(), once=True) == []  # not due again yet


def test_a_failing_job_records_its_error_and_does_not_busy_loop(app_ctx, sandbox, otto_account, jobs):
    app_ctx.secrets().set(otto_account.secret_ref, "client_secret", "wrong-secret")
    jobs.configure(FETCH, account_scope(otto_account.id), enabled=True)
    stop = threading.Event()
    thread, runs = run_in_thread(make_runner(app_ctx, jobs, poll=0.05), stop)
    wait_for(lambda: jobs.get(FETCH, account_scope(otto_account.id)).last_result is not None)
    time.sleep(2.0)  # dozens of looks for due jobs
    stop.set()
    thread.join(30)
    assert [r.result for r in runs] == [JobResult.FAILED]
    job = jobs.get(FETCH, account_scope(otto_account.id))
    assert job.last_result == "failed" and "client id or secret" in job.last_error
    assert "wrong-secret" not in job.last_error
    assert job.next_run_at >= job.last_started_at + timedelta(minutes=5)
    started = [e for e in protocol_log.tail(app_ctx.engine, 500) if e.event == "fetch_started"]
    assert len(started) == 1


def test_stop_ends_a_running_fetch_at_a_page_boundary_and_the_next_run_completes(app_ctx, sandbox, otto_account,
                                                                                  jobs):
    jobs.configure(FETCH, account_scope(otto_account.id), enabled=True)
    control(sandbox, "POST", "/faults", {"kind": "slow", "count": 3, "delay": 1.5})
    stop = threading.Event()
    thread, runs = run_in_thread(make_runner(app_ctx, jobs), stop)
    wait_for(lambda: count(app_ctx, schema.Order) > 0)  # the first page is committed
    stop.set()
    thread.join(60)
    assert not thread.is_alive()
    [run] = runs
    assert run.result is JobResult.INTERRUPTED
    partial = count(app_ctx, schema.Order)
    assert 0 < partial < len(truth(sandbox))
    assert_orders_complete(app_ctx, sandbox)
    job = jobs.get(FETCH, account_scope(otto_account.id))
    assert job.last_result == "interrupted" and job.claimed_until is None  # given back, due again at once
    assert job.next_run_at <= job.last_started_at
    [run] = make_runner(app_ctx, jobs).run(threading.Event(), once=True)
    assert run.result is JobResult.OK
    assert_equals_sandbox(app_ctx, sandbox)


def test_jobs_of_different_accounts_run_in_parallel(app_ctx, sandbox, otto_account, jobs):
    info = sandbox.describe()["otto"]
    second = app_ctx.accounts.add("otto", "OTTO Süd", info["base_url"])
    for field, value in info["credentials"].items():
        app_ctx.secrets().set(second.secret_ref, field, value)
    for account in (otto_account, second):
        jobs.configure(FETCH, account_scope(account.id), enabled=True)
    control(sandbox, "POST", "/faults", {"kind": "slow", "count": 4, "delay": 1.0})
    runs = make_runner(app_ctx, jobs, workers=2).run(threading.Event(), once=True)
    assert sorted(r.job.target for r in runs) == ["OTTO Nord", "OTTO Süd"]
    assert all(r.result is JobResult.OK for r in runs)
    a, b = (jobs.get(FETCH, account_scope(acc.id)) for acc in (otto_account, second))
    assert a.last_started_at < b.last_finished_at and b.last_started_at < a.last_finished_at  # overlapped
    assert count(app_ctx, schema.Order) == 2 * len(truth(sandbox))


def test_a_status_job_transmits_the_channels_due_protocols(app_ctx, sandbox, otto_account, jobs):
    assert app_ctx.fetch.fetch(channel="otto")[0].ok
    app_ctx.status.set_setting(SETTING_SHIP_FROM, {"city": "Hamburg", "zipCode": "22089", "countryCode": "DEU"})
    with app_ctx.engine.connect() as conn:
        order_id = conn.scalar(select(schema.Order.id).order_by(schema.Order.id).where(
            schema.Order.status == "open", schema.Order.hold_reason.is_(None)))
    outcome = app_ctx.status.ship(ShipRequest(order_id, tracking_number=DHL, return_tracking_number=DHL_RETURN,
                                              return_carrier="dhl_paket"))
    assert outcome.protocols
    assert make_runner(app_ctx, jobs).run(threading.Event(), once=True) == []  # switched off: nothing runs
    app_ctx.status.set_auto(Channel.OTTO, True)
    [run] = make_runner(app_ctx, jobs).run(threading.Event(), once=True)
    assert run.job.kind == STATUS and run.job.scope == channel_scope("otto")
    assert run.result is JobResult.OK and run.summary.startswith("1 sent"), run.summary
    assert app_ctx.status.queue()[0].state == "sent"
