"""Scheduled jobs: one row per routine (fetch one account, transmit one channel's status
protocols), claimed with a lease so a job never runs twice at once, on any workstation.

A runner claims a due job with a conditional UPDATE (on PostgreSQL after selecting the candidates
``FOR UPDATE SKIP LOCKED``, so runners never queue behind each other), renews the lease while the
job runs and clears the claim when it finishes. A runner that dies leaves its lease to run out;
then any runner takes the job over. On PostgreSQL every time here comes from the database server's
clock, so workstations whose clocks disagree still agree on leases and due times.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Callable, Iterable

from sqlalchemy import Connection, Engine, and_, delete, or_, select, text, update

from app.domain.orders import Channel
from app.store import protocol_log, schema
from app.store.db import is_postgres, write_transaction
from app.store.protocol_log import Level
from app.store.upsert import insert_for

JOBS = schema.Job.__table__
ACCOUNTS = schema.Account.__table__
SETTINGS = schema.Setting.__table__

FETCH = "fetch"
STATUS = "status"
KINDS = (FETCH, STATUS)
DEFAULT_INTERVALS = {FETCH: 5 * 60, STATUS: 15 * 60}  # seconds: orders every 5 minutes, status every 15
MIN_INTERVAL, MAX_INTERVAL = 60, 24 * 3600
LEASE = timedelta(minutes=2)  # renewed every third of it while the job runs
# Before the jobs table, automatic status transmission was a JSON setting (issue 5); its values
# seed the status jobs once, so an upgraded installation keeps what the seller had chosen.
LEGACY_STATUS_SETTING = "status.auto"


class JobResult(StrEnum):
    OK = "ok"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # stopped at a safe point (server stopping, lease lost); due again at once


class JobError(ValueError):
    """No such job, or a setting out of range; the message says which."""


def account_scope(account_id: int) -> str:
    return f"account:{account_id}"


def channel_scope(channel: str) -> str:
    return f"channel:{channel}"


@dataclass(frozen=True)
class JobRecord:
    id: int
    kind: str
    scope: str
    enabled: bool
    interval_seconds: int
    next_run_at: datetime
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_result: str | None
    last_summary: str
    last_error: str
    claimed_by: str
    claimed_until: datetime | None
    channel: str  # the account's channel for fetch jobs
    account_id: int | None = None
    account_name: str = ""
    account_active: bool = True

    @property
    def target(self) -> str:
        """What the job works on, as the clerk names it: the account's name or the channel."""
        return self.account_name if self.kind == FETCH else self.channel

    def running(self, now: datetime) -> bool:
        return self.claimed_until is not None and self.claimed_until >= now

    def as_json(self, now: datetime) -> dict:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        running = self.running(now)
        return {"id": self.id, "kind": self.kind, "scope": self.scope, "target": self.target,
                "channel": self.channel, "account": self.account_name or None, "enabled": self.enabled,
                "account_active": self.account_active, "interval_minutes": self.interval_seconds / 60,
                "next_run_at": iso(self.next_run_at), "last_started_at": iso(self.last_started_at),
                "last_finished_at": iso(self.last_finished_at), "last_result": self.last_result,
                "last_summary": self.last_summary, "last_error": self.last_error or None, "running": running,
                "held_by": self.claimed_by if running else None,
                "held_until": iso(self.claimed_until) if running else None}


@dataclass(frozen=True)
class Claim:
    """A job this runner holds until ``finish``/``release``, or until its lease runs out."""

    job: JobRecord
    token: str
    holder: str
    started_at: datetime
    took_over_from: str = ""  # the holder whose lease ran out (it died or lost the database)


def _account_map(conn: Connection) -> dict[int, tuple[str, str, bool]]:
    return {r.id: (r.name, r.channel, r.active)
            for r in conn.execute(select(ACCOUNTS.c.id, ACCOUNTS.c.name, ACCOUNTS.c.channel, ACCOUNTS.c.active))}


def _record(row, accounts: dict[int, tuple[str, str, bool]]) -> JobRecord:  # type: ignore[no-untyped-def]
    what, _, value = row.scope.partition(":")
    account_id, name, channel, active = None, "", value, True
    if what == "account":
        account_id = int(value)
        name, channel, active = accounts.get(account_id, ("", "", False))
    return JobRecord(row.id, row.kind, row.scope, row.enabled, row.interval_seconds, row.next_run_at,
                     row.last_started_at, row.last_finished_at, row.last_result, row.last_summary or "",
                     row.last_error or "", row.claimed_by or "", row.claimed_until, channel, account_id, name, active)


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    return and_(JOBS.c.enabled.is_(True), JOBS.c.next_run_at <= now,
                or_(JOBS.c.claimed_until.is_(None), JOBS.c.claimed_until < now))


class JobStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self._clock = clock  # None: the database server's clock (PostgreSQL) or this machine's (SQLite)

    def now(self, conn: Connection | None = None) -> datetime:
        if self._clock is not None:
            return self._clock()
        if not is_postgres(self.engine):
            return datetime.now(UTC)
        if conn is None:
            with self.engine.connect() as own:
                return self.now(own)
        return conn.scalar(text("SELECT statement_timestamp()")).astimezone(UTC)

    # -- the set of jobs ---------------------------------------------------------------------------
    def ensure_defaults(self) -> None:
        """A fetch job per account and a status job per channel (switched off until the seller
        switches them on); jobs of removed accounts go. Writes only when something is missing."""
        with self.engine.connect() as conn:
            have = {(r.kind, r.scope) for r in conn.execute(select(JOBS.c.kind, JOBS.c.scope))}
            account_ids = set(conn.scalars(select(ACCOUNTS.c.id)))
        wanted = {(FETCH, account_scope(i)) for i in account_ids} | {(STATUS, channel_scope(c.value)) for c in Channel}
        orphans = [scope for kind, scope in have if kind == FETCH and (kind, scope) not in wanted]
        if wanted <= have and not orphans:
            return
        with write_transaction(self.engine) as conn:
            now = self.now(conn)
            legacy = self._legacy_status(conn)
            rows = []
            for kind, scope in sorted(wanted - have):
                enabled, interval = False, DEFAULT_INTERVALS[kind]
                if kind == STATUS:
                    old = legacy.get(scope.partition(":")[2], {})
                    enabled = bool(old.get("enabled", False))
                    interval = _clamp(int(old.get("interval_minutes", interval // 60)) * 60)
                rows.append({"kind": kind, "scope": scope, "enabled": enabled, "interval_seconds": interval,
                             "next_run_at": now, "last_summary": "", "last_error": "", "claimed_by": ""})
            if rows:
                conn.execute(insert_for(conn, JOBS).on_conflict_do_nothing(index_elements=["kind", "scope"]), rows)
            if orphans:
                conn.execute(delete(JOBS).where(JOBS.c.kind == FETCH, JOBS.c.scope.in_(orphans)))

    @staticmethod
    def _legacy_status(conn: Connection) -> dict:
        value = conn.scalar(select(SETTINGS.c.value).where(SETTINGS.c.key == LEGACY_STATUS_SETTING))
        try:
            stored = json.loads(value) if value else {}
        except ValueError:
            return {}
        return stored if isinstance(stored, dict) else {}

    def list(self, kind: str | None = None) -> list[JobRecord]:
        """Every job, fetch jobs first (by channel and account name), then status jobs by channel."""
        self.ensure_defaults()
        stmt = select(JOBS)
        if kind:
            stmt = stmt.where(JOBS.c.kind == kind)
        with self.engine.connect() as conn:
            accounts = _account_map(conn)
            records = [_record(r, accounts) for r in conn.execute(stmt)]
        return sorted(records, key=lambda j: (KINDS.index(j.kind) if j.kind in KINDS else 9, j.channel,
                                              j.account_name.lower()))

    def get(self, kind: str, scope: str) -> JobRecord:
        self.ensure_defaults()
        with self.engine.connect() as conn:
            row = conn.execute(select(JOBS).where(JOBS.c.kind == kind, JOBS.c.scope == scope)).first()
            if row is None:
                raise JobError(f"there is no {kind} job for {scope}")
            return _record(row, _account_map(conn))

    def configure(self, kind: str, scope: str, *, enabled: bool | None = None,
                  interval_seconds: int | None = None) -> JobRecord:
        """Switch a job on or off and/or change its interval. A new interval counts from the last
        start; a job switched on that has never run (or is overdue) runs at the next look."""
        if interval_seconds is not None and not MIN_INTERVAL <= interval_seconds <= MAX_INTERVAL:
            raise JobError("the interval must be between 1 and 1440 minutes")
        self.ensure_defaults()
        with write_transaction(self.engine) as conn:
            row = conn.execute(select(JOBS).where(JOBS.c.kind == kind, JOBS.c.scope == scope)).first()
            if row is None:
                raise JobError(f"there is no {kind} job for {scope}")
            values: dict[str, object] = {}
            if enabled is not None:
                values["enabled"] = enabled
            if interval_seconds is not None and interval_seconds != row.interval_seconds:
                values["interval_seconds"] = interval_seconds
                if row.last_started_at is not None:
                    values["next_run_at"] = row.last_started_at + timedelta(seconds=interval_seconds)
            if values:
                conn.execute(update(JOBS).where(JOBS.c.id == row.id).values(**values))
        return self.get(kind, scope)

    # -- running them ------------------------------------------------------------------------------
    def _eligible(self, conn: Connection):  # type: ignore[no-untyped-def]
        """Fetch jobs of inactive accounts wait (the account keeps its job settings)."""
        active = [account_scope(i) for i in conn.scalars(select(ACCOUNTS.c.id).where(ACCOUNTS.c.active.is_(True)))]
        return or_(JOBS.c.kind != FETCH, JOBS.c.scope.in_(active)) if active else JOBS.c.kind != FETCH

    def next_due(self) -> datetime | None:
        """When the next enabled job falls due (or its holder's lease runs out), for sleeping."""
        with self.engine.connect() as conn:
            due = conn.scalar(select(JOBS.c.next_run_at).where(JOBS.c.enabled.is_(True), self._eligible(conn),
                                                               JOBS.c.claimed_until.is_(None))
                              .order_by(JOBS.c.next_run_at).limit(1))
            lease_end = conn.scalar(select(JOBS.c.claimed_until).where(JOBS.c.enabled.is_(True),
                                                                      JOBS.c.claimed_until.is_not(None))
                                    .order_by(JOBS.c.claimed_until).limit(1))
        times = [t for t in (due, lease_end) if t is not None]
        return min(times) if times else None

    def claim_due(self, holder: str, *, limit: int = 1, lease: timedelta = LEASE,
                  exclude: Iterable[int] = (), kind: str | None = None) -> list[Claim]:
        """Claim up to ``limit`` due jobs, oldest due first (only jobs of ``kind`` when given: a desk
        claims status jobs only). A job whose holder's lease ran out is taken over (and the
        takeover logged for the clerk)."""
        if limit <= 0:
            return []
        exclude = list(exclude)
        with self.engine.connect() as conn:  # a cheap look first: no write transaction when nothing is due
            now = self.now(conn)
            probe = select(JOBS.c.id).where(_claimable(now), self._eligible(conn)).limit(1)
            if exclude:
                probe = probe.where(JOBS.c.id.not_in(exclude))
            if kind:
                probe = probe.where(JOBS.c.kind == kind)
            if conn.scalar(probe) is None:
                return []
        token = uuid.uuid4().hex
        claims: list[Claim] = []
        with write_transaction(self.engine) as conn:
            now = self.now(conn)
            stmt = (select(JOBS).where(_claimable(now), self._eligible(conn))
                    .order_by(JOBS.c.next_run_at, JOBS.c.id).limit(limit))
            if exclude:
                stmt = stmt.where(JOBS.c.id.not_in(exclude))
            if kind:
                stmt = stmt.where(JOBS.c.kind == kind)
            if is_postgres(self.engine):
                stmt = stmt.with_for_update(skip_locked=True)
            candidates = conn.execute(stmt).all()
            accounts = _account_map(conn) if candidates else {}
            for row in candidates:
                taken = conn.execute(update(JOBS).where(JOBS.c.id == row.id, _claimable(now)).values(
                    claim_token=token, claimed_by=holder[:200], claimed_until=now + lease, last_started_at=now))
                if taken.rowcount != 1:
                    continue  # another runner was quicker (SQLite; on PostgreSQL the row is locked)
                record = _record(row, accounts)
                previous = row.claimed_by if row.claim_token else ""
                claims.append(Claim(record, token, holder, now, previous))
                if row.claim_token:
                    protocol_log.write(
                        conn, Level.WARNING, "job_taken_over",
                        f"The {record.kind} job for {record.target} was taken over by {holder}: "
                        f"{previous or 'its previous runner'} stopped while running it (its lease ran out). "
                        "What that run had committed is kept; the job continues from there.",
                        channel=record.channel, account_id=record.account_id, account_name=record.account_name,
                        at=now)
        return claims

    def renew(self, claims: Iterable[Claim], lease: timedelta = LEASE) -> list[Claim]:
        """Extend the leases of running jobs; returns the claims this runner has lost."""
        claims = list(claims)
        if not claims:
            return []
        lost = []
        with write_transaction(self.engine) as conn:
            now = self.now(conn)
            for claim in claims:
                done = conn.execute(update(JOBS).where(JOBS.c.id == claim.job.id, JOBS.c.claim_token == claim.token)
                                    .values(claimed_until=now + lease))
                if done.rowcount != 1:
                    lost.append(claim)
        return lost

    def finish(self, claim: Claim, result: JobResult, summary: str = "", error: str = "") -> bool:
        """Record the outcome and clear the claim. The next run is the start plus the interval; a
        failure never makes the job due at once (no busy loop), an interrupted run is due at once.
        False when the claim had been lost meanwhile (nothing is written then)."""
        with write_transaction(self.engine) as conn:
            now = self.now(conn)
            row = conn.execute(select(JOBS.c.interval_seconds, JOBS.c.next_run_at)
                               .where(JOBS.c.id == claim.job.id, JOBS.c.claim_token == claim.token)).first()
            if row is None:
                return False
            interval = timedelta(seconds=row.interval_seconds)
            if result is JobResult.INTERRUPTED:
                next_run = row.next_run_at
            else:
                next_run = claim.started_at + interval
                if result is JobResult.FAILED and next_run <= now:
                    next_run = now + interval
            conn.execute(update(JOBS).where(JOBS.c.id == claim.job.id, JOBS.c.claim_token == claim.token).values(
                next_run_at=next_run, last_finished_at=now, last_result=result.value, last_summary=summary[:2000],
                last_error=error[:2000], claim_token=None, claimed_by="", claimed_until=None))
        return True

    def release(self, claim: Claim) -> None:
        """Give a claimed job back without running it (the runner is stopping)."""
        with write_transaction(self.engine) as conn:
            conn.execute(update(JOBS).where(JOBS.c.id == claim.job.id, JOBS.c.claim_token == claim.token).values(
                claim_token=None, claimed_by="", claimed_until=None, last_started_at=claim.job.last_started_at))


def _clamp(seconds: int) -> int:
    return max(MIN_INTERVAL, min(MAX_INTERVAL, seconds))
