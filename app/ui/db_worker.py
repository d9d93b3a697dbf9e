"""The single database reader thread of the window.

Listing queries (id lists, log polls, counts, the detail of one order) run here so a slow
PostgreSQL server never freezes the window. Results come back only through a queued signal
and callbacks run on the GUI thread. Jobs are deduplicated by key: when the timer asks for a
refresh that is still queued, the old request is replaced instead of piling up.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

_STOP = object()


class DbWorker(QObject):
    """Runs callables one after another on a private thread; answers on the GUI thread."""

    _done = Signal(int, object, object)  # ticket, result, error text (None on success)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[Any] = queue.Queue()
        self._lock = threading.Lock()
        self._ticket = 0
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}
        self._latest_by_key: dict[str, int] = {}
        self._done.connect(self._deliver)
        self._thread = threading.Thread(target=self._run, name="orderdesk-db", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[str], None] | None = None,
               *, key: str | None = None) -> int:
        """Queue ``job``; ``done(result)`` or ``failed(message)`` is later called on the GUI thread.

        With ``key``, only the newest job of that key delivers its result; older ones are skipped.
        """
        with self._lock:
            self._ticket += 1
            ticket = self._ticket
            if key is not None:
                self._latest_by_key[key] = ticket
        self._callbacks[ticket] = (done, failed)
        self._queue.put((ticket, key, job))
        return ticket

    def _current(self, ticket: int, key: str | None) -> bool:
        with self._lock:
            return key is None or self._latest_by_key.get(key) == ticket

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            ticket, key, job = item
            if not self._current(ticket, key):
                self._done.emit(ticket, None, _SKIPPED)
                continue
            try:
                result = job()
            except Exception as exc:  # noqa: BLE001 - reported to the caller, never kills the thread
                log.exception("database job failed")
                self._done.emit(ticket, None, f"{type(exc).__name__}: {str(exc)[:300]}")
            else:
                self._done.emit(ticket, result, None)

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result: object, error: object) -> None:
        done, failed = self._callbacks.pop(ticket, (None, None))
        if done is None or error is _SKIPPED:
            return
        if error is None:
            done(result)
        elif failed is not None:
            failed(str(error))

    def busy(self) -> bool:
        return bool(self._callbacks)

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the running job, drop the rest, and end the thread."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._callbacks.clear()
        self._queue.put(_STOP)
        self._thread.join(timeout)


class _Skipped:
    def __repr__(self) -> str:
        return "<skipped>"


_SKIPPED = _Skipped()
