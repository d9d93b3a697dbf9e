"""The application server's routine: claim due jobs and run them, several at once, never one twice.

A fetch job is an ordinary fetch of one account (FetchService paces itself by the marketplace's
quotas, commits page by page and is idempotent). That fetch is also the backlog re-check: it asks
for every order changed since the watermark, and an order the marketplace releases from the backlog
is such a change, so it arrives with its address and leaves the backlog. A status job transmits one
channel's due status protocols.

Stopping (``stop`` set, e.g. on SIGTERM) is clean: no new job is claimed, running fetches end at the
next page boundary (each page commits whole), a transmission ends after the protocol it is sending,
and each job's outcome is recorded before ``run`` returns.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from app.channels.errors import ChannelError
from app.secrets.store import SecretStoreError
from app.services.fetch import FetchService
from app.services.status import StatusService
from app.store.jobs import FETCH, LEASE, STATUS, Claim, JobRecord, JobResult, JobStore

log = logging.getLogger(__name__)

EXPECTED_ERRORS = (ChannelError, SecretStoreError, ValueError, SQLAlchemyError)


def default_holder() -> str:
    """Names this runner for the clerk ("held by desk-3:4711") and in the jobs table."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class JobRun:
    job: JobRecord
    result: JobResult
    summary: str
    error: str
    seconds: float

    def describe(self) -> str:
        what = f"{self.job.kind} job for {self.job.target}"
        if self.result is JobResult.OK:
            return f"{what} finished in {self.seconds:.1f} s: {self.summary}"
        if self.result is JobResult.INTERRUPTED:
            return f"{what} interrupted after {self.seconds:.1f} s (what it committed is kept): {self.summary}"
        return f"{what} FAILED after {self.seconds:.1f} s: {self.error}"


@dataclass
class _Running:
    claim: Claim
    cancel: threading.Event
    future: Future


class JobRunner:
    def __init__(self, jobs: JobStore, fetch: FetchService, status: StatusService, *, holder: str | None = None,
                 workers: int = 4, lease: timedelta = LEASE, poll: float = 5.0) -> None:
        if workers < 1:
            raise ValueError("a job runner needs at least one worker")
        self.jobs = jobs
        self.fetch = fetch
        self.status = status
        self.holder = holder or default_holder()
        self.workers = workers
        self.lease = lease
        self.poll = poll
        self._wake = threading.Event()
        self._running: dict[int, _Running] = {}
        self._lock = threading.Lock()

    def run(self, stop: threading.Event, *, once: bool = False) -> list[JobRun]:
        """Run due jobs until ``stop`` is set; with ``once``, run what is due now and return.
        Returns the runs that finished (for --once and the tests)."""
        runs: list[JobRun] = []
        done_ids: set[int] = set()  # --once: each job at most once
        heartbeat_stop = threading.Event()
        heartbeat = threading.Thread(target=self._heartbeat, args=(heartbeat_stop,), name="job-lease", daemon=True)
        heartbeat.start()
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="job")
        try:
            while not stop.is_set():
                runs.extend(self._reap())
                claims = self._claim(exclude=done_ids if once else ())
                for claim in claims:
                    if stop.is_set():
                        self._release(claim)
                        continue
                    done_ids.add(claim.job.id)
                    self._start(pool, claim)
                with self._lock:
                    busy = len(self._running)
                if once and not claims and not busy:
                    break
                self._pause(stop, self._sleep_time(busy, bool(claims)))
        finally:
            with self._lock:
                running = list(self._running.values())
            if running:
                log.info("stopping: %d running job(s) end at their next safe point: %s", len(running),
                         ", ".join(f"{r.claim.job.kind} {r.claim.job.target}" for r in running))
            for r in running:
                r.cancel.set()
            pool.shutdown(wait=True)
            runs.extend(self._reap())
            heartbeat_stop.set()
            heartbeat.join()
        return runs

    def wake(self) -> None:
        """Look for due jobs now (e.g. after the clerk switched one on)."""
        self._wake.set()

    # -- internals ---------------------------------------------------------------------------------
    def _pause(self, stop: threading.Event, seconds: float) -> None:
        """Wait until a job finishes, ``seconds`` pass or ``stop`` is set (checked often: a signal
        handler sets it and cannot wake us otherwise)."""
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._wake.wait(min(left, 0.2)):
                break
        self._wake.clear()

    def _sleep_time(self, busy: int, claimed: bool) -> float:
        """Until the next job falls due, at most ``poll`` (a job switched on elsewhere shows up then)."""
        if claimed:
            return 0.0  # free workers may take more right away
        if busy >= self.workers:
            return self.poll
        try:
            due = self.jobs.next_due()
            wait = (due - self.jobs.now()).total_seconds() if due is not None else self.poll
        except SQLAlchemyError:
            return self.poll
        # Due already but nothing was claimed: another runner holds it, or --once ran it already.
        return self.poll if wait <= 0 else min(self.poll, wait + 0.05)

    def _claim(self, exclude) -> list[Claim]:  # type: ignore[no-untyped-def]
        with self._lock:
            free = self.workers - len(self._running)
        if free <= 0:
            return []
        try:
            self.jobs.ensure_defaults()
            return self.jobs.claim_due(self.holder, limit=free, lease=self.lease, exclude=exclude)
        except SQLAlchemyError as exc:  # the database is away: try again at the next look
            log.warning("cannot look for due jobs: %s", str(exc).splitlines()[0][:300])
            return []

    def _start(self, pool: ThreadPoolExecutor, claim: Claim) -> None:
        if claim.took_over_from:
            log.warning("took over the %s job for %s from %s, whose lease ran out", claim.job.kind,
                        claim.job.target, claim.took_over_from)
        cancel = threading.Event()
        with self._lock:
            future = pool.submit(self._execute, claim, cancel)
            self._running[claim.job.id] = _Running(claim, cancel, future)
        future.add_done_callback(lambda _f: self._wake.set())

    def _reap(self) -> list[JobRun]:
        with self._lock:
            done = [jid for jid, r in self._running.items() if r.future.done()]
            finished = [self._running.pop(jid) for jid in done]
        return [r.future.result() for r in finished]

    def _release(self, claim: Claim) -> None:
        try:
            self.jobs.release(claim)
        except SQLAlchemyError:
            pass  # its lease runs out instead

    def _heartbeat(self, stop: threading.Event) -> None:
        """Renew the leases of running jobs every third of the lease; a job whose lease was lost
        (the database was unreachable too long and another runner took it) is stopped."""
        interval = max(0.2, self.lease.total_seconds() / 3)
        while not stop.wait(interval):
            with self._lock:
                running = {r.claim.token + str(r.claim.job.id): r for r in self._running.values()}
            if not running:
                continue
            try:
                lost = self.jobs.renew([r.claim for r in running.values()], self.lease)
            except SQLAlchemyError as exc:
                log.warning("cannot renew the job leases: %s", str(exc).splitlines()[0][:300])
                continue
            for claim in lost:
                log.warning("lost the lease of the %s job for %s; stopping it", claim.job.kind, claim.job.target)
                running[claim.token + str(claim.job.id)].cancel.set()

    def _execute(self, claim: Claim, cancel: threading.Event) -> JobRun:
        job = claim.job
        started = time.monotonic()
        log.info("%s job for %s started", job.kind, job.target)
        result, summary, error = JobResult.FAILED, "", ""
        try:
            if job.kind == FETCH:
                [fetched] = self.fetch.fetch(account=job.account_name, cancel=cancel)
                summary, error = fetched.summary(), fetched.error or ""
                result = (JobResult.INTERRUPTED if fetched.cancelled
                          else JobResult.OK if fetched.ok else JobResult.FAILED)
            elif job.kind == STATUS:
                sent = self.status.transmit(channel=job.channel, cancelled=cancel.is_set)
                summary = sent.summary()
                # One protocol's failure is that protocol's state (retried with backoff, shown in the
                # queue); the job failed when nothing got through and something went wrong.
                error = "; ".join(sent.errors[:3])
                result = (JobResult.INTERRUPTED if cancel.is_set()
                          else JobResult.FAILED if sent.errors and not sent.sent else JobResult.OK)
            else:
                error = f"unknown job kind {job.kind!r}"
        except Exception as exc:  # noqa: BLE001 - one job's problem must not stop the others
            if not isinstance(exc, EXPECTED_ERRORS):
                log.exception("%s job for %s failed unexpectedly", job.kind, job.target)
            error = str(exc) or type(exc).__name__
            result = JobResult.INTERRUPTED if cancel.is_set() else JobResult.FAILED
        run = JobRun(job, result, summary, error, time.monotonic() - started)
        try:
            if not self.jobs.finish(claim, result, summary, error):
                log.warning("the %s job for %s finished after its lease was lost; its outcome is not recorded",
                            job.kind, job.target)
        except SQLAlchemyError as exc:
            log.warning("cannot record the outcome of the %s job for %s: %s", job.kind, job.target,
                        str(exc).splitlines()[0][:300])
        (log.info if result is JobResult.OK else log.warning)("%s", run.describe())
        return run
