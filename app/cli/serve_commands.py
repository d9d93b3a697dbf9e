"""`orderdesk serve` (the application server: scheduled jobs plus the ERP web service) and
`orderdesk jobs list|set` (which jobs run, how often). Parsers are in main.py."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from datetime import datetime, timedelta

from app.bootstrap import AppContext, build
from app.cli.prompts import ask_master_key
from app.domain.orders import Channel
from app.services.jobs import JobRun, JobRunner
from app.store.jobs import FETCH, STATUS, JobRecord, JobResult, JobStore, account_scope, channel_scope

log = logging.getLogger("app.server")


def _console_log() -> logging.Handler:
    """The server's log on standard error (systemd's journal), besides the technical log file."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.getLogger("app").addHandler(handler)
    return handler


def _enabled(jobs: list[JobRecord]) -> list[dict]:
    return [{"kind": j.kind, "target": j.target, "interval_minutes": j.interval_seconds / 60}
            for j in jobs if j.enabled and j.account_active]


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise ValueError("--workers must be at least 1")
    if (args.tls_cert is None) != (args.tls_key is None):
        raise ValueError("--tls-cert and --tls-key go together")
    if args.lease < 1 or args.poll <= 0:
        raise ValueError("--lease must be at least 1 second and --poll more than 0")
    stop = threading.Event()
    received: list[str] = []

    def request_stop(signum: int, _frame: object) -> None:
        received.append(signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    console = _console_log()
    ctx = build(ask_master_key=ask_master_key)
    try:
        return _serve(ctx, args, stop, received)
    finally:
        ctx.close()
        logging.getLogger("app").removeHandler(console)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(ctx: AppContext, args: argparse.Namespace, stop: threading.Event, received: list[str]) -> int:
    jobs = JobStore(ctx.engine)
    jobs.ensure_defaults()
    if ctx.accounts.list():
        ctx.secrets()  # a locked keyring is said now, once, not by every job
    runner = JobRunner(jobs, ctx.fetch, ctx.status, workers=args.workers, lease=timedelta(seconds=args.lease),
                       poll=args.poll)
    enabled = _enabled(jobs.list())
    if args.once:
        runs = runner.run(stop, once=True)
        print(json.dumps({"holder": runner.holder, "runs": [_run_json(r) for r in runs]}), flush=True)
        return 0 if all(r.result is JobResult.OK for r in runs) else 1
    api = None
    if not args.no_api:
        from app.api.server import serve_api  # only the server needs uvicorn and the web app

        try:
            api = serve_api(ctx, args.host, args.port, args.tls_cert, args.tls_key).start()
        except OSError as exc:
            raise RuntimeError(str(exc)) from None
    print(json.dumps({"address": api.url if api else None, "holder": runner.holder, "workers": args.workers,
                      "jobs_enabled": enabled}), flush=True)
    if not enabled:
        log.info("no job is switched on yet (orderdesk jobs set fetch ACCOUNT --on); looking every %g s", args.poll)
    failure: list[BaseException] = []

    def run_jobs() -> None:
        try:
            runner.run(stop)
        except BaseException as exc:  # noqa: BLE001 - reported below; the server must not hang
            log.exception("the job runner stopped unexpectedly")
            failure.append(exc)
            stop.set()

    thread = threading.Thread(target=run_jobs, name="job-runner")
    thread.start()
    while not stop.wait(0.5):
        pass
    log.info("stopping (%s): no new jobs; running ones finish their current page or status protocol",
             received[0] if received else "job runner ended")
    stopper = threading.Thread(target=api.stop, name="api-stop") if api else None
    if stopper:
        stopper.start()
    thread.join()
    if stopper:
        stopper.join()
    log.info("stopped")
    return 1 if failure else 0


def _run_json(run: JobRun) -> dict:
    return {"kind": run.job.kind, "target": run.job.target, "result": run.result.value, "summary": run.summary,
            "error": run.error or None, "seconds": round(run.seconds, 3)}


# -- orderdesk jobs ------------------------------------------------------------------------------------

def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "-"


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g} min"


def cmd_jobs(args: argparse.Namespace) -> int:
    ctx = build(ask_master_key=ask_master_key)
    try:
        store = JobStore(ctx.engine)
        if args.action == "set":
            if args.enabled is None and args.interval is None:
                raise ValueError("say what to change: --on, --off and/or --interval MIN")
            scope = _scope(ctx, args.kind, args.scope)
            job = store.configure(args.kind, scope, enabled=args.enabled,
                                  interval_seconds=None if args.interval is None else args.interval * 60)
            state = "on" if job.enabled else "off"
            print(f"{job.kind} job for {job.target}: {state}, every {_minutes(job.interval_seconds)}, "
                  f"next run {_when(job.next_run_at)} UTC")
            return 0
        records = store.list()
        now = store.now()
        if args.json:
            print(json.dumps([j.as_json(now) for j in records], indent=1, ensure_ascii=False))
            return 0
        print(f"{'KIND':6} {'TARGET':24} {'STATE':9} {'EVERY':9} {'LAST RUN (UTC)':19} {'RESULT':11} "
              f"{'NEXT RUN (UTC)':19} HELD BY / LAST ERROR")
        for j in records:
            state = ("on" if j.enabled else "off") if j.account_active else "inactive"
            note = f"running on {j.claimed_by}" if j.running(now) else (j.last_error.splitlines()[0][:80]
                                                                         if j.last_error else "")
            print(f"{j.kind:6} {j.target[:24]:24} {state:9} {_minutes(j.interval_seconds):9} "
                  f"{_when(j.last_started_at):19} {j.last_result or '-':11} "
                  f"{_when(j.next_run_at) if j.enabled else '-':19} {note}")
        return 0
    finally:
        ctx.close()


def _scope(ctx: AppContext, kind: str, target: str) -> str:
    if kind == FETCH:
        return account_scope(ctx.accounts.get(target).id)  # AccountError names a missing account
    if kind == STATUS:
        channels = [c.value for c in Channel]
        if target not in channels:
            raise ValueError(f"status jobs are per sales channel: {target!r} is none of {', '.join(channels)}")
        return channel_scope(target)
    raise ValueError(f"unknown job kind {kind!r}")
