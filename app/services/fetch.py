"""Fetch orders for accounts: incremental, idempotent, one transaction per page.

Each page's orders, quarantined orders, watermark step and log line commit together, so a
fetch killed at any point leaves the database consistent, and the next fetch resumes from
the last committed page (minus an overlap that catches changes sharing a timestamp).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Callable

from sqlalchemy import Engine

from app.channels.base import AdapterOptions, FetchedPage, QuotaState
from app.channels.errors import ChannelError
from app.channels.registry import channel_info
from app.secrets.store import SecretStore, SecretStoreError
from app.services.prefetch import Prefetcher
from app.store import protocol_log, quarantine, sync_state
from app.store.accounts import AccountRecord, AccountRepository
from app.store.db import write_transaction
from app.store.order_writer import PageOutcome, write_page
from app.store.protocol_log import Level
from app.store.schema import utcnow

OVERLAP = timedelta(minutes=5)
log_file = logging.getLogger(__name__)


@dataclass
class FetchResult:
    account: str
    channel: str
    ok: bool = True
    cancelled: bool = False
    pages: int = 0
    requests: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    error: str | None = None
    counts: PageOutcome = field(default_factory=PageOutcome)
    quota: list[QuotaState] = field(default_factory=list)  # the adapter's buckets after the last page

    def summary(self) -> str:
        c = self.counts
        text = (f"{c.new} new, {c.updated} updated, {c.released} released, {c.cancelled} cancelled, "
                f"{self.quarantined} quarantined, {c.receipts} receipts, {self.pages} pages in {self.seconds:.1f} s")
        if self.cancelled:
            return f"cancelled after {text}"
        return text if self.ok else f"FAILED: {self.error} ({text})"

    def as_json(self) -> dict:
        c = self.counts
        return {"account": self.account, "channel": self.channel, "ok": self.ok, "cancelled": self.cancelled,
                "new": c.new, "updated": c.updated, "unchanged": c.unchanged, "released": c.released,
                "cancelled_orders": c.cancelled, "held": c.held, "receipts": c.receipts,
                "quarantined": self.quarantined, "pages": self.pages, "requests": self.requests,
                "seconds": round(self.seconds, 3), "error": self.error,
                "quota": [q.as_json() for q in self.quota]}


ProgressCallback = Callable[[AccountRecord, FetchResult], None]


class FetchService:
    def __init__(
        self,
        engine: Engine,
        accounts: AccountRepository,
        secrets: Callable[[], SecretStore],
        options: Callable[[], AdapterOptions] = AdapterOptions,
        overlap: timedelta = OVERLAP,
    ) -> None:
        self.engine = engine
        self.accounts = accounts
        self._secrets = secrets
        self._options = options
        self.overlap = overlap

    def fetch(self, channel: str | None = None, account: str | None = None,
              cancel: threading.Event | None = None, progress: ProgressCallback | None = None) -> list[FetchResult]:
        if account:
            targets = [self.accounts.get(account)]
        else:
            targets = self.accounts.list(channel, active_only=True)
        return [self.fetch_account(a, cancel, progress) for a in targets]

    def fetch_account(self, account: AccountRecord, cancel: threading.Event | None = None,
                      progress: ProgressCallback | None = None) -> FetchResult:
        result = FetchResult(account.name, account.channel)
        started = time.monotonic()
        log = _Logger(account)
        with write_transaction(self.engine) as conn:
            sync_state.record_start(conn, account.id, utcnow())
            log(conn, Level.INFO, "fetch_started", "Fetching orders started")
        adapter = None
        try:
            info = channel_info(account.channel)
            if info.create is None:
                raise ChannelError(f"{info.display_name} cannot be fetched yet in this version")
            credentials = self._secrets().get_all(account.secret_ref, info.credential_fields)
            options = replace(self._options(), cancelled=cancel.is_set if cancel else (lambda: False))
            adapter = info.create(account.base_url, credentials, options)
            mark = sync_state.watermark(self.engine, account.id)
            pages = Prefetcher(adapter.fetch_changes(mark - self.overlap if mark else None))
            try:
                for page in pages:
                    result.quota = adapter.quota()
                    self._commit_page(account, page, result, log)
                    result.requests = adapter.requests_sent
                    if progress:
                        progress(account, result)
                    if cancel is not None and cancel.is_set():
                        result.cancelled = True
                        break
            finally:
                pages.close()
        except (ChannelError, SecretStoreError, ValueError) as exc:
            if cancel is not None and cancel.is_set():
                result.cancelled = True
            else:
                result.ok, result.error = False, str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the other accounts
            log_file.exception("fetch of account %s failed unexpectedly", account.name)
            result.ok, result.error = False, f"internal error ({type(exc).__name__}: {str(exc)[:200]})"
        finally:
            if adapter is not None:
                result.requests = adapter.requests_sent
                result.quota = adapter.quota()
                adapter.close()
        result.seconds = time.monotonic() - started
        self._finish(account, result, log)
        return result

    def _commit_page(self, account: AccountRecord, page: FetchedPage, result: FetchResult, log: "_Logger") -> None:
        now = utcnow()
        with write_transaction(self.engine) as conn:
            outcome = write_page(conn, account.id, page.orders, now)
            quarantine.keep(conn, account.id, page.quarantined, now)
            quarantine.clear(conn, account.id, [o.marketplace_id for o in page.orders])
            for broken in page.quarantined:
                log(conn, Level.WARNING, "quarantined",
                    f"Order {broken.marketplace_id} could not be read and was set aside: {broken.reason}",
                    order_number=broken.marketplace_id, details={"reason": broken.reason})
            if page.high_water is not None:
                sync_state.advance_watermark(conn, account.id, page.high_water)
            result.pages += 1
            log(conn, Level.INFO, "page",
                f"Page {result.pages}: {len(page.orders) + len(page.quarantined)} orders, {outcome.new} new, "
                f"{outcome.updated} updated, {outcome.released} released, {outcome.cancelled} cancelled"
                + quota_summary(result.quota),
                details={"page": result.pages, "orders": len(page.orders) + len(page.quarantined),
                         "new": outcome.new, "updated": outcome.updated, "unchanged": outcome.unchanged,
                         "released": outcome.released, "cancelled": outcome.cancelled,
                         "quarantined": len(page.quarantined), "receipts": outcome.receipts,
                         "quota": [q.as_json() for q in result.quota]})
        result.counts.add(outcome)
        result.quarantined += len(page.quarantined)

    def _finish(self, account: AccountRecord, result: FetchResult, log: "_Logger") -> None:
        with write_transaction(self.engine) as conn:
            if result.ok and not result.cancelled:
                log(conn, Level.INFO, "fetch_finished", f"Fetch finished: {result.summary()}", details=result.as_json())
            elif result.cancelled:
                log(conn, Level.WARNING, "fetch_cancelled", f"Fetch cancelled by the user: {result.summary()}. "
                    "Everything fetched so far is kept.", details=result.as_json())
            else:
                log(conn, Level.ERROR, "fetch_failed",
                    f"Fetching failed: {result.error}. Orders fetched before the error are kept; "
                    "the next fetch continues from there.", details=result.as_json())
            sync_state.record_result(conn, account.id, utcnow(), result.ok and not result.cancelled, result.summary())


def tightest(quota: list[QuotaState]) -> QuotaState | None:
    """The bucket that paces this fetch (adapters list the tightest first); None if unpaced."""
    return next((q for q in quota if q.per_second), None)


def quota_summary(quota: list[QuotaState]) -> str:
    """" · quota getOrderItems: 12 of 30 left at 0.5/s, about 40 s to finish", or "" if unpaced."""
    q = tightest(quota)
    if q is None:
        return ""
    text = f" · quota {q.name}: {q.remaining:.0f} of {q.capacity} left at {q.per_second:g}/s"
    if q.eta_seconds:
        text += f", about {q.eta_seconds:.0f} s to finish"
    return text


class _Logger:
    def __init__(self, account: AccountRecord) -> None:
        self.account = account

    def __call__(self, conn, level: Level, event: str, message: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        protocol_log.write(conn, level, event, message, channel=self.account.channel, account_id=self.account.id,
                           account_name=self.account.name, **kwargs)
