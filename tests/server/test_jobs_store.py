"""The jobs table: defaults, configuration, claims with leases, takeover after a holder died, and
claims that hold under real concurrency (threads; processes on PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.orders import Channel
from app.store import protocol_log, schema
from app.store.db import write_transaction
from app.store.jobs import (
    FETCH,
    STATUS,
    JobError,
    JobResult,
    JobStore,
    account_scope,
    channel_scope,
)
from app.store.status_store import set_setting

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def jobs(app_ctx, clock) -> JobStore:
    return JobStore(app_ctx.engine, clock)


def add_accounts(ctx, n: int, channel: str = "otto") -> list:
    return [ctx.accounts.add(channel, f"{channel} {i}", "http://127.0.0.1:9") for i in range(n)]


def test_every_account_and_channel_has_a_job_switched_off_with_the_default_interval(app_ctx, jobs):
    a, b = add_accounts(app_ctx, 2)
    listed = jobs.list()
    assert [(j.kind, j.target) for j in listed] == [(FETCH, "otto 0"), (FETCH, "otto 1")] + [
        (STATUS, c) for c in sorted(c.value for c in Channel)]
    assert all(not j.enabled for j in listed)
    assert {j.interval_seconds for j in listed if j.kind == FETCH} == {300}
    assert {j.interval_seconds for j in listed if j.kind == STATUS} == {900}
    assert listed[0].scope == account_scope(a.id) and listed[0].channel == "otto"

    c = app_ctx.accounts.add("amazon", "Amazon DE", "http://127.0.0.1:9")  # new accounts get their job
    assert (FETCH, "Amazon DE", "amazon") in {(j.kind, j.target, j.channel) for j in jobs.list()}
    jobs.configure(FETCH, account_scope(b.id), enabled=True)
    app_ctx.accounts.remove("otto 1")  # ... and removed ones take it with them
    assert account_scope(b.id) not in {j.scope for j in jobs.list()}
    app_ctx.accounts.set_active("Amazon DE", False)
    [amazon] = [j for j in jobs.list() if j.scope == account_scope(c.id)]
    assert not amazon.account_active  # kept with its settings while the account is inactive


def test_orphaned_fetch_jobs_are_removed_and_status_jobs_are_never_duplicated(app_ctx, jobs):
    a, = add_accounts(app_ctx, 1)
    jobs.ensure_defaults()
    with write_transaction(app_ctx.engine) as conn:  # an account removed behind the store's back
        conn.execute(schema.Account.__table__.delete())
    jobs.ensure_defaults()
    jobs.ensure_defaults()
    assert [j.kind for j in jobs.list()] == [STATUS] * len(Channel)


def test_configure_switches_and_checks_the_interval(app_ctx, jobs, clock):
    a, = add_accounts(app_ctx, 1)
    scope = account_scope(a.id)
    job = jobs.configure(FETCH, scope, enabled=True, interval_seconds=600)
    assert job.enabled and job.interval_seconds == 600 and job.next_run_at == T0  # never ran: due now
    for bad in (0, 59, 24 * 3600 + 1):
        with pytest.raises(JobError, match="between 1 and 1440 minutes"):
            jobs.configure(FETCH, scope, interval_seconds=bad)
    with pytest.raises(JobError, match="no fetch job"):
        jobs.configure(FETCH, account_scope(a.id + 100), enabled=True)
    [claim] = jobs.claim_due("desk-1")
    assert jobs.finish(claim, JobResult.OK, "3 new")
    assert jobs.get(FETCH, scope).next_run_at == T0 + timedelta(minutes=10)
    job = jobs.configure(FETCH, scope, interval_seconds=120)  # a new interval counts from the last start
    assert job.next_run_at == T0 + timedelta(minutes=2) and job.enabled
    assert not jobs.configure(FETCH, scope, enabled=False).enabled


def test_a_due_job_is_claimed_once_and_scheduled_from_its_start(app_ctx, jobs, clock):
    a, b = add_accounts(app_ctx, 2)
    jobs.configure(FETCH, account_scope(a.id), enabled=True)
    jobs.configure(STATUS, channel_scope("otto"), enabled=True)
    claims = jobs.claim_due("desk-1", limit=5)
    assert sorted(c.job.target for c in claims) == ["otto", "otto 0"]  # b is off
    assert jobs.claim_due("desk-2", limit=5) == []
    listed = {j.target: j for j in jobs.list()}
    assert listed["otto 0"].running(clock()) and listed["otto 0"].claimed_by == "desk-1"
    assert listed["otto 0"].as_json(clock())["held_by"] == "desk-1"

    fetch = next(c for c in claims if c.job.kind == FETCH)
    status = next(c for c in claims if c.job.kind == STATUS)
    clock.advance(minutes=7)  # a fetch that took longer than its interval: due again at once
    assert jobs.finish(fetch, JobResult.OK, "12 new")
    assert jobs.finish(status, JobResult.OK, "1 sent")
    job = jobs.get(FETCH, account_scope(a.id))
    assert (job.last_result, job.last_summary, job.last_error) == ("ok", "12 new", "")
    assert job.last_started_at == T0 and job.last_finished_at == T0 + timedelta(minutes=7)
    assert job.next_run_at == T0 + timedelta(minutes=5) and not job.running(clock())
    assert jobs.get(STATUS, channel_scope("otto")).next_run_at == T0 + timedelta(minutes=15)
    assert [c.job.target for c in jobs.claim_due("desk-2", limit=5)] == ["otto 0"]
    assert not jobs.finish(fetch, JobResult.OK)  # an old claim cannot finish twice


def test_a_failure_keeps_the_interval_and_never_makes_the_job_due_at_once(app_ctx, jobs, clock):
    a, = add_accounts(app_ctx, 1)
    jobs.configure(FETCH, account_scope(a.id), enabled=True)
    [claim] = jobs.claim_due("desk-1")
    clock.advance(minutes=9)  # failed only after retrying for longer than the interval
    jobs.finish(claim, JobResult.FAILED, "", "the marketplace did not answer in time")
    job = jobs.get(FETCH, account_scope(a.id))
    assert job.last_result == "failed" and "did not answer" in job.last_error
    assert job.next_run_at == clock() + timedelta(minutes=5)
    assert jobs.claim_due("desk-1") == []
    clock.advance(minutes=5)
    [claim] = jobs.claim_due("desk-1")
    jobs.finish(claim, JobResult.FAILED, "", "refused")  # a quick failure: start + interval
    assert jobs.get(FETCH, account_scope(a.id)).next_run_at == clock() + timedelta(minutes=5)


def test_interrupted_and_released_jobs_stay_due(app_ctx, jobs, clock):
    a, b = add_accounts(app_ctx, 2)
    for acc in (a, b):
        jobs.configure(FETCH, account_scope(acc.id), enabled=True)
    first, second = jobs.claim_due("server", limit=2)
    clock.advance(seconds=30)
    jobs.finish(first, JobResult.INTERRUPTED, "cancelled after 2 pages")
    jobs.release(second)
    listed = {j.scope: j for j in jobs.list()}
    assert listed[first.job.scope].last_result == "interrupted"
    assert listed[second.job.scope].last_started_at is None and listed[second.job.scope].last_result is None
    assert sorted(c.job.id for c in jobs.claim_due("desk", limit=5)) == sorted([first.job.id, second.job.id])


def test_inactive_accounts_are_not_fetched(app_ctx, jobs):
    a, = add_accounts(app_ctx, 1)
    jobs.configure(FETCH, account_scope(a.id), enabled=True)
    app_ctx.accounts.set_active(a.name, False)
    assert jobs.claim_due("desk", limit=5) == []
    app_ctx.accounts.set_active(a.name, True)
    assert len(jobs.claim_due("desk", limit=5)) == 1


def test_a_dead_holders_job_is_taken_over_after_its_lease_and_its_late_finish_is_refused(app_ctx, jobs, clock):
    a, = add_accounts(app_ctx, 1)
    jobs.configure(FETCH, account_scope(a.id), enabled=True)
    [dead] = jobs.claim_due("desk-1:111", lease=timedelta(minutes=2))
    clock.advance(minutes=1)
    assert jobs.renew([dead], timedelta(minutes=2)) == []  # alive: lease now ends at +3 min
    clock.advance(minutes=1, seconds=59)
    assert jobs.claim_due("server:222") == []
    clock.advance(seconds=2)  # the holder stopped renewing: its lease ran out
    [taken] = jobs.claim_due("server:222")
    assert taken.took_over_from == "desk-1:111" and taken.token != dead.token
    assert jobs.renew([dead]) == [dead]  # the old holder learns it lost the job ...
    assert not jobs.finish(dead, JobResult.OK, "late")  # ... and cannot overwrite the new run
    assert jobs.get(FETCH, account_scope(a.id)).claimed_by == "server:222"
    [entry] = [e for e in protocol_log.tail(app_ctx.engine) if e.event == "job_taken_over"]
    assert entry.level == "warning" and "desk-1:111" in entry.message and entry.account_name == a.name
    assert jobs.finish(taken, JobResult.OK, "done")


def test_status_service_automatic_settings_live_in_the_status_jobs(app_ctx, jobs):
    status = app_ctx.status
    assert status.auto_settings() == {c.value: {"enabled": False, "interval_minutes": 15} for c in Channel}
    status.set_auto(Channel.OTTO, True, 5)
    status.set_auto(Channel.EBAY, True)
    assert status.auto_settings()["otto"] == {"enabled": True, "interval_minutes": 5}
    assert status.auto_settings()["ebay"] == {"enabled": True, "interval_minutes": 15}
    job = jobs.get(STATUS, channel_scope("otto"))
    assert job.enabled and job.interval_seconds == 300
    jobs.configure(STATUS, channel_scope("otto"), enabled=False)  # the CLI/Administration and the desk agree
    assert status.auto_settings()["otto"] == {"enabled": False, "interval_minutes": 5}
    with pytest.raises(ValueError):
        status.set_auto(Channel.OTTO, True, 0)


def test_the_old_automatic_transmission_setting_seeds_the_status_jobs_once(app_ctx, clock):
    with write_transaction(app_ctx.engine) as conn:
        set_setting(conn, "status.auto", {"kaufland": {"enabled": True, "interval_minutes": 30}})
    assert app_ctx.status.auto_settings()["kaufland"] == {"enabled": True, "interval_minutes": 30}
    assert app_ctx.status.auto_settings()["otto"] == {"enabled": False, "interval_minutes": 15}


def test_without_a_clock_times_come_from_the_database_server(app_ctx):
    store = JobStore(app_ctx.engine)  # no clock given
    now = store.now()
    assert now.tzinfo is not None and abs((now - datetime.now(UTC)).total_seconds()) < 60


# -- real concurrency ------------------------------------------------------------------------------

def _enable_many(ctx, n_accounts: int) -> set[int]:
    store = JobStore(ctx.engine)
    add_accounts(ctx, n_accounts)
    ids = set()
    for job in store.list():
        store.configure(job.kind, job.scope, enabled=True)
        ids.add(job.id)
    return ids


def test_threads_claim_every_due_job_exactly_once(app_ctx):
    expected = _enable_many(app_ctx, 25)  # 25 fetch + 5 status jobs
    store = JobStore(app_ctx.engine)
    barrier = threading.Barrier(6)
    claimed: list[tuple[str, int]] = []
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        try:
            barrier.wait()
            while batch := store.claim_due(name, limit=2):
                claimed.extend((name, c.job.id) for c in batch)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(f"t{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    ids = [jid for _, jid in claimed]
    assert sorted(ids) == sorted(expected)  # every job once, none twice
    assert len({name for name, _ in claimed}) > 1  # the claims really were shared out
    with app_ctx.engine.connect() as conn:
        holders = dict(conn.execute(select(schema.Job.id, schema.Job.claimed_by)).all())
    assert all(holders[jid] == name for name, jid in claimed)


CLAIMER = """
import json, sys
from app.store.db import create_store_engine
from app.store.jobs import JobStore
store = JobStore(create_store_engine(sys.argv[1]))
store.now()  # connected before the start
print("ready", flush=True)
sys.stdin.readline()
got = []
while batch := store.claim_due(sys.argv[2], limit=1):
    got.extend(c.job.id for c in batch)
print(json.dumps(got), flush=True)
"""


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_processes_claim_every_due_job_exactly_once_on_postgres(app_ctx, database_url):
    expected = _enable_many(app_ctx, 40)
    procs = [subprocess.Popen([sys.executable, "-c", CLAIMER, database_url, f"p{i}"], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(4)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        for p in procs:  # all four go at once
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            results.append(json.loads(out))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    ids = [jid for got in results for jid in got]
    assert sorted(ids) == sorted(expected)
    assert sum(1 for got in results if got) > 1  # several processes won some
