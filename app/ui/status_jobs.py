"""Status work off the GUI thread: ship, cancel, preview, retry, transmit, and the automatic status jobs.

Transmitting talks to marketplaces and may take a while, so it runs on its own small thread
pool, not on the window's single database reader (DbWorker), whose list refreshes must stay
quick. Results come back only through a queued signal; callbacks run on the GUI thread, and
workers never touch a widget. The service claims what it sends (a lease), so a manual and an
automatic transmission running at once never send the same protocol twice.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.channels.errors import ChannelError
from app.domain.orders import Channel
from app.domain.shipments import LineState, ShipmentError
from app.secrets.store import SecretStoreError
from app.services.jobs import default_holder
from app.services.status import SETTING_SHIP_FROM, StatusService, TransmitResult
from app.store import status_store as store
from app.store.jobs import LEASE, STATUS, Claim, JobResult, JobStore

log = logging.getLogger(__name__)

# Errors a clerk can act on; anything else is a bug and goes to the technical log with its traceback.
EXPECTED_ERRORS = (ShipmentError, store.OrderNotFound, ValueError, LookupError, ChannelError, SecretStoreError)


@dataclass(frozen=True)
class OrderContext:
    """What the ship and cancel dialogs show about one order, read in one go off the GUI thread."""

    order: store.OrderRef
    lines: tuple[LineState, ...]
    packages: int  # packages recorded so far
    ship_from: dict | None  # OTTO's shipFromAddress setting
    tracking_wait_hours: float

    @property
    def channel(self) -> Channel:
        return self.order.channel

    @property
    def held(self) -> bool:
        return bool(self.order.hold_reason) or any(ln.status.value == "pending" for ln in self.lines)

    @property
    def open_pieces(self) -> int:
        return sum(ln.remaining for ln in self.lines)


def load_order_context(service: StatusService, order: int | str) -> OrderContext:
    engine: Engine = service.engine
    with engine.connect() as conn:
        ref = store.find_order(conn, order)
        lines = tuple(store.line_states(conn, ref.id))
        packages = len(store.shipments_of(conn, ref.id))
        ship_from = store.get_setting(conn, SETTING_SHIP_FROM, None)
    wait = service.tracking_wait().total_seconds() / 3600
    return OrderContext(ref, lines, packages, ship_from, wait)


def error_text(error: BaseException) -> str:
    """An exception as the clerk reads it: the message alone for the expected kinds."""
    if isinstance(error, EXPECTED_ERRORS):
        text = str(error)
        if isinstance(error, LookupError) and text.startswith(("'", '"')):  # KeyError quotes its message
            text = text.strip("'\"")
        return text
    return f"{type(error).__name__}: {error}"


class StatusJobs(QObject):
    """Runs callables on a small thread pool; ``done(result)`` or ``failed(exception)`` on the GUI thread."""

    transmission_started = Signal(object, object)  # channel or None, account name or None
    transmission_finished = Signal(object, object, object, object)  # channel, account, TransmitResult | None, error

    _done = Signal(int, object, object)  # ticket, result, exception (None on success)

    def __init__(self, service: StatusService, max_threads: int = 3, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.stopping = threading.Event()
        self._tickets = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None] | None]] = {}
        self._transmitting: set[tuple[str | None, str | None]] = set()
        self._done.connect(self._deliver)

    # --- generic jobs --------------------------------------------------------------------------
    def submit(self, job: Callable[[], Any], done: Callable[[Any], None],
               failed: Callable[[BaseException], None] | None = None) -> int:
        ticket = next(self._tickets)
        self._callbacks[ticket] = (done, failed)
        self.pool.start(lambda: self._run(ticket, job))
        return ticket

    def _run(self, ticket: int, job: Callable[[], Any]) -> None:
        """Pool thread: no widgets, only the signal."""
        try:
            result = job()
        except Exception as exc:  # noqa: BLE001 - handed to the caller, never kills the pool
            if not isinstance(exc, EXPECTED_ERRORS):
                log.exception("status job failed")
            outcome: tuple[Any, BaseException | None] = (None, exc)
        else:
            outcome = (result, None)
        try:
            self._done.emit(ticket, *outcome)
        except RuntimeError:
            pass  # the window is closing: nobody waits for this answer

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result: object, error: object) -> None:
        done, failed = self._callbacks.pop(ticket, (None, None))
        if done is None or self.stopping.is_set():
            return
        if error is None:
            done(result)
        elif failed is not None:
            failed(error)  # type: ignore[arg-type]
        else:
            log.warning("status job failed: %s", error)

    def busy(self) -> bool:
        return bool(self._callbacks)

    # --- transmission --------------------------------------------------------------------------
    def is_transmitting(self) -> bool:
        return bool(self._transmitting)

    def transmit(self, channel: str | None = None, account: str | None = None) -> bool:
        """Transmits what is due for the channel/account (None = all); False when that very
        transmission is already running. The outcome arrives as ``transmission_finished``."""
        scope = (channel or None, account or None)
        if scope in self._transmitting or self.stopping.is_set():
            return False
        self._transmitting.add(scope)
        self.transmission_started.emit(*scope)
        service, stopping = self.service, self.stopping

        def job() -> TransmitResult:
            return service.transmit(scope[0], scope[1], cancelled=stopping.is_set)

        def finished(result: TransmitResult) -> None:
            self._transmitting.discard(scope)
            self.transmission_finished.emit(scope[0], scope[1], result, None)

        def failed(error: BaseException) -> None:
            self._transmitting.discard(scope)
            self.transmission_finished.emit(scope[0], scope[1], None, error)

        self.submit(job, finished, failed)
        return True

    def shutdown(self, timeout_ms: int = 15_000) -> bool:
        """Asks running transmissions to stop after the protocol in hand and waits for the threads."""
        self.stopping.set()
        done = self.pool.waitForDone(timeout_ms)
        self._callbacks.clear()
        return done


@dataclass(frozen=True)
class AutoRun:
    channel: str
    result: TransmitResult | None
    error: str = ""


def desk_holder() -> str:
    """How a desk names itself in the jobs table ("held by desk-3:4711 (desk)")."""
    return f"{default_holder()} (desk)"


def run_status_job(jobs: JobStore, service: StatusService, claim: Claim, stopping: threading.Event,
                   lease: timedelta = LEASE) -> AutoRun:
    """Worker thread: transmit the claimed channel's due protocols, renewing the lease while it
    runs, and record the outcome on the job as `orderdesk serve` does (app/services/jobs.py)."""
    channel = claim.job.channel
    cancel = threading.Event()
    done = threading.Event()

    def heartbeat() -> None:
        while not done.wait(max(0.2, lease.total_seconds() / 3)):
            if stopping.is_set():
                cancel.set()
            try:
                if jobs.renew([claim], lease):
                    log.warning("lost the lease of the status job for %s; stopping it", channel)
                    cancel.set()
                    return
            except SQLAlchemyError as exc:
                log.warning("cannot renew the status job lease: %s", str(exc).splitlines()[0][:300])

    beat = threading.Thread(target=heartbeat, name=f"orderdesk-lease-{channel}", daemon=True)
    beat.start()
    result: TransmitResult | None = None
    error = ""
    try:
        result = service.transmit(channel, cancelled=lambda: cancel.is_set() or stopping.is_set())
    except Exception as exc:  # noqa: BLE001 - one channel's problem must not stop the others
        if not isinstance(exc, EXPECTED_ERRORS):
            log.exception("automatic transmission of %s failed", channel)
        error = error_text(exc)
    finally:
        done.set()
        beat.join()
    interrupted = cancel.is_set() or stopping.is_set()
    if result is not None:
        outcome = (JobResult.INTERRUPTED if interrupted
                   else JobResult.FAILED if result.errors and not result.sent else JobResult.OK)
        summary, job_error = result.summary(), "; ".join(result.errors[:3])
    else:
        outcome = JobResult.INTERRUPTED if interrupted else JobResult.FAILED
        summary, job_error = "", error
    try:
        if not jobs.finish(claim, outcome, summary, job_error):
            log.warning("the status job for %s finished after its lease was lost; its outcome is not recorded",
                        channel)
    except SQLAlchemyError as exc:
        log.warning("cannot record the outcome of the status job for %s: %s", channel,
                    str(exc).splitlines()[0][:300])
    return AutoRun(channel, result, error)


class AutoTransmitter(QObject):
    """Automatic transmission on the desk: every ``tick_ms`` it claims the due "channel:<ch>"
    status jobs (app/store/jobs.py) on a worker thread, transmits each and records the outcome
    on the job. The jobs table decides what is due (enabled, interval since the last start) and
    the claim's lease keeps a desk and `orderdesk serve` (or another desk) from running the same
    job at once. Switching a channel on sends what queued up while it was off, at the next tick."""

    ran = Signal(list)  # list[AutoRun], only when at least one channel ran

    SECRETS_PAUSE = 600.0  # seconds without a new attempt after the credential store refused to open

    def __init__(self, jobs: StatusJobs, open_secrets: Callable[[], object], tick_ms: int = 30_000,
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None, *,
                 store: JobStore | None = None, holder: str | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.open_secrets = open_secrets
        self.clock = clock
        self.store = store or JobStore(jobs.service.engine)
        self.holder = holder or desk_holder()
        self.last_run: dict[str, float] = {}  # channel -> clock() when this desk last ran it
        self._busy = False
        self._paused_until = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> bool:
        """Starts a round in the background; False when one is still running or paused."""
        now = self.clock()
        if self._busy or self.jobs.stopping.is_set() or now < self._paused_until:
            return False
        try:
            self.open_secrets()  # on the GUI thread: it may have to ask for the master password
        except SecretStoreError as exc:
            log.warning("automatic status transmission paused: %s", exc)
            self._paused_until = now + self.SECRETS_PAUSE
            return False
        service, stopping, store, holder = self.jobs.service, self.jobs.stopping, self.store, self.holder

        def job() -> list[AutoRun]:
            runs: list[AutoRun] = []
            tried: list[int] = []
            while not stopping.is_set():  # one job at a time: a claim is held only while it runs
                claims = store.claim_due(holder, kind=STATUS, exclude=tried)
                if not claims:
                    break
                tried.append(claims[0].job.id)
                runs.append(run_status_job(store, service, claims[0], stopping))
            return runs

        self._busy = True
        self.jobs.submit(job, lambda runs: self._finished(now, runs), self._failed)
        return True

    def _finished(self, started: float, runs: list[AutoRun]) -> None:
        self._busy = False
        for run in runs:
            self.last_run[run.channel] = started
        if runs:
            self.ran.emit(runs)

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        log.warning("automatic status transmission could not claim its jobs: %s", error)

    def is_busy(self) -> bool:
        return self._busy
