"""Runs fetches on network worker threads and reports back through signals only.

The controller belongs to the main window, not to the fetch dialog: closing the dialog does
not stop a fetch, and the window refreshes its lists when a fetch ends.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from app.secrets.store import SecretStoreError
from app.services.fetch import FetchResult, FetchService
from app.store.accounts import AccountRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchProgress:
    """A snapshot; the service's FetchResult keeps changing on the worker thread."""

    account_id: int
    account_name: str
    pages: int
    new: int
    updated: int
    released: int
    requests: int
    quota: tuple[dict, ...] = ()  # QuotaState.as_json() of each bucket, the tightest first


class FetchController(QObject):
    started = Signal(object)  # AccountRecord
    progress = Signal(object)  # FetchProgress
    finished = Signal(object, object)  # AccountRecord, FetchResult
    idle = Signal()  # the last running fetch ended
    # Emitted by worker threads; connected to the slots below, which run on the GUI thread.
    _worker_progress = Signal(object)
    _worker_finished = Signal(object, object)

    def __init__(self, fetch: FetchService, open_secrets, max_parallel: int = 4,  # type: ignore[no-untyped-def]
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fetch = fetch
        self._open_secrets = open_secrets
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_parallel)
        self._running: dict[int, threading.Event] = {}
        # Bound methods of this QObject: queued to the GUI thread whichever thread emits.
        self._worker_progress.connect(self._relay_progress)
        self._worker_finished.connect(self._done)

    def unlock_secrets(self) -> str | None:
        """Opens the credential store on the GUI thread (it may ask for the master password).

        Returns None when ready, otherwise the reason in plain words.
        """
        try:
            self._open_secrets()
        except SecretStoreError as exc:
            return str(exc)
        return None

    def start(self, accounts: list[AccountRecord]) -> list[AccountRecord]:
        """Starts a fetch per account that is not already fetching; returns those started."""
        started = []
        for account in accounts:
            if account.id in self._running:
                continue
            cancel = threading.Event()
            self._running[account.id] = cancel
            self.pool.start(lambda a=account, c=cancel: self._run(a, c))
            started.append(account)
            self.started.emit(account)
        return started

    def _run(self, account: AccountRecord, cancel: threading.Event) -> None:
        """Runs on a pool thread: no widgets, no Qt objects other than signal emission."""

        def progress(acc: AccountRecord, result: FetchResult) -> None:
            c = result.counts
            self._worker_progress.emit(FetchProgress(acc.id, acc.name, result.pages, c.new, c.updated, c.released,
                                                     result.requests, tuple(q.as_json() for q in result.quota)))

        try:
            result = self.fetch.fetch_account(account, cancel, progress)
        except Exception as exc:  # noqa: BLE001 - the service catches channel errors; this is a last guard
            log.exception("fetch of %s crashed", account.name)
            result = FetchResult(account.name, account.channel, ok=False,
                                 error=f"internal error ({type(exc).__name__})")
        self._worker_finished.emit(account, result)

    @Slot(object)
    def _relay_progress(self, progress: FetchProgress) -> None:
        self.progress.emit(progress)

    @Slot(object, object)
    def _done(self, account: AccountRecord, result: FetchResult) -> None:
        self._running.pop(account.id, None)
        self.finished.emit(account, result)
        if not self._running:
            self.idle.emit()

    def cancel(self, account_id: int | None = None) -> None:
        for aid, event in self._running.items():
            if account_id is None or aid == account_id:
                event.set()

    def is_running(self, account_id: int | None = None) -> bool:
        return bool(self._running) if account_id is None else account_id in self._running

    def running_count(self) -> int:
        return len(self._running)

    def shutdown(self, timeout_ms: int = 15_000) -> bool:
        """Cancels every fetch and waits for the threads; what was committed stays committed."""
        self.cancel()
        return self.pool.waitForDone(timeout_ms)
