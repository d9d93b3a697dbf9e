"""Administration › Jobs and API tokens, and the desk's automatic status transmission claiming
the same status jobs as `orderdesk serve`."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.domain.orders import Channel
from app.services.status import TransmitResult
from app.store import schema
from app.store.api_tokens import token_hash
from app.store.jobs import FETCH, STATUS, JobResult, JobStore, account_scope, channel_scope
from app.ui.api_tokens_dialog import ApiTokensDialog, ApiTokensModel
from app.ui.db_worker import DbWorker
from app.ui.jobs_dialog import JobsDialog
from app.ui.jobs_model import COL, JobsModel
from app.ui.main_window import MainWindow
from app.ui.status_jobs import AutoTransmitter, StatusJobs


def _dialog(qtbot, ui_ctx, worker: DbWorker | None = None) -> JobsDialog:
    dialog = JobsDialog(JobStore(ui_ctx.engine), worker, refresh_ms=200)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded_once, timeout=5_000)
    return dialog


def test_jobs_model_contract(qtmodeltester, ui_ctx):
    ui_ctx.accounts.add("otto", "OTTO Nord", "http://127.0.0.1:1")
    store = JobStore(ui_ctx.engine)
    store.configure(STATUS, channel_scope("otto"), enabled=True)
    [claim] = store.claim_due("server-1:42", kind=STATUS)
    store.finish(claim, JobResult.FAILED, "", "OTTO: 401 Unauthorized")
    model = JobsModel()
    model.set_jobs(store.list(), store.now())
    assert model.rowCount() == 1 + len(Channel)  # one fetch job for the account, one status job per channel
    qtmodeltester.check(model)
    row = model.row_of(STATUS, channel_scope("otto"))
    assert model.data(model.index(row, COL["kind"])) == "Status transmission"
    assert model.data(model.index(row, COL["target"])) == "OTTO Market"
    assert model.data(model.index(row, COL["last_error"])) == "OTTO: 401 Unauthorized"
    assert model.data(model.index(row, COL["result"])) == "Failed"
    assert model.data(model.index(row, COL["enabled"]), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    fetch_row = model.row_of(FETCH, account_scope(ui_ctx.accounts.list()[0].id))
    assert model.data(model.index(fetch_row, COL["target"])) == "OTTO Nord"
    assert model.data(model.index(fetch_row, COL["target"]), Qt.ItemDataRole.ToolTipRole) == "OTTO Nord (OTTO Market)"
    assert model.data(model.index(fetch_row, COL["next_run"])) == "switched off"
    assert model.data(model.index(fetch_row, COL["interval"])) == "5"
    assert model.flags(model.index(fetch_row, COL["enabled"])) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.flags(model.index(fetch_row, COL["interval"])) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(fetch_row, COL["last_error"])) & Qt.ItemFlag.ItemIsEditable
    # a refresh with the same jobs keeps the rows; out-of-range intervals are refused
    model.set_jobs(store.list(), store.now())
    qtmodeltester.check(model)
    assert not model.setData(model.index(fetch_row, COL["interval"]), 0)
    assert not model.setData(model.index(fetch_row, COL["interval"]), 1441)


def test_toggling_a_job_and_its_interval_persists(qtbot, ui_ctx):
    worker = DbWorker()
    try:
        dialog = _dialog(qtbot, ui_ctx, worker)
        model = dialog.model
        row = model.row_of(STATUS, channel_scope("ebay"))
        assert row >= 0 and not model.record(row).enabled
        assert model.setData(model.index(row, COL["enabled"]), Qt.CheckState.Checked.value,
                             Qt.ItemDataRole.CheckStateRole)
        assert model.setData(model.index(row, COL["interval"]), 7)
        store = JobStore(ui_ctx.engine)
        qtbot.waitUntil(lambda: store.get(STATUS, channel_scope("ebay")).enabled
                        and store.get(STATUS, channel_scope("ebay")).interval_seconds == 7 * 60, timeout=5_000)
        # the next reads show the saved values (no flip back)
        qtbot.wait(500)
        job = model.record(model.row_of(STATUS, channel_scope("ebay")))
        assert job.enabled and job.interval_seconds == 420
        assert model.data(model.index(row, COL["interval"])) == "7"
        assert model.setData(model.index(row, COL["enabled"]), Qt.CheckState.Unchecked.value,
                             Qt.ItemDataRole.CheckStateRole)
        qtbot.waitUntil(lambda: not store.get(STATUS, channel_scope("ebay")).enabled, timeout=5_000)
        # the status settings see the same job
        assert ui_ctx.status.auto_settings()["ebay"] == {"enabled": False, "interval_minutes": 7}
        # a change made elsewhere (the CLI, another desk) shows up with the periodic refresh
        store.configure(STATUS, channel_scope("kaufland"), enabled=True, interval_seconds=3600)
        qtbot.waitUntil(lambda: model.record(model.row_of(STATUS, channel_scope("kaufland"))).enabled, timeout=5_000)
        assert dialog.last_message == ""
    finally:
        dialog.close()
        worker.stop()


def test_the_view_shows_last_error_and_holder(qtbot, ui_ctx):
    store = JobStore(ui_ctx.engine)
    store.configure(STATUS, channel_scope("otto"), enabled=True)
    store.configure(STATUS, channel_scope("amazon"), enabled=True)
    claims = {c.job.channel: c for c in store.claim_due("server-1:42", kind=STATUS, limit=2)}
    store.finish(claims["otto"], JobResult.FAILED, "", "OTTO Market refused the token (401)")
    dialog = _dialog(qtbot, ui_ctx)
    model = dialog.model
    row = model.row_of(STATUS, channel_scope("otto"))
    assert model.data(model.index(row, COL["last_error"])) == "OTTO Market refused the token (401)"
    dialog.table.selectRow(row)
    assert "OTTO Market refused the token (401)" in dialog.detail.text()
    held = model.row_of(STATUS, channel_scope("amazon"))
    assert model.data(model.index(held, COL["held_by"])) == "server-1:42"
    assert model.data(model.index(held, COL["next_run"])) == "running"
    assert "orderdesk serve" in dialog.findChild(type(dialog.detail), "JobsIntro").text()
    dialog.close()


def test_main_window_opens_jobs_and_tokens(qtbot, ui_ctx):
    window = MainWindow(ui_ctx, refresh_ms=60_000, log_poll_ms=60_000, auto_tick_ms=60_000)
    qtbot.addWidget(window)
    try:
        dialog = window.server_admin.open_jobs()
        qtbot.waitUntil(lambda: dialog.loaded_once, timeout=5_000)
        assert dialog.model.rowCount() == len(Channel)
        tokens = window.server_admin.open_tokens()
        assert isinstance(tokens, ApiTokensDialog)
    finally:
        window.shutdown()


def test_token_is_shown_once_and_only_its_hash_is_stored(qtbot, ui_ctx, qtmodeltester, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    dialog = ApiTokensDialog(_tokens(ui_ctx))
    qtbot.addWidget(dialog)
    dialog.create_token("Warenwirtschaft")
    shown = dialog.new_token_dialog
    assert shown is not None
    token = shown.field.text()
    assert token.startswith("odk_") and shown.field.isReadOnly()
    assert "cannot be shown again" in shown.findChild(type(shown.copied_label), "NewTokenWarning").text()
    shown.copy()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == token
    QGuiApplication.clipboard().clear()
    with ui_ctx.engine.connect() as conn:
        rows = conn.execute(select(schema.ApiToken.__table__)).all()
    assert len(rows) == 1
    stored = " ".join(str(v) for v in rows[0])
    assert token not in stored and rows[0].token_hash == token_hash(token)
    assert dialog.model.rowCount() == 1 and dialog.model.record(0).prefix == token[:12]
    qtmodeltester.check(dialog.model)
    shown.reject()  # closed: gone for good
    qtbot.waitUntil(lambda: dialog.new_token_dialog is None, timeout=2_000)
    assert token not in " ".join(str(dialog.model.data(dialog.model.index(0, c))) for c in range(5))
    assert token not in caplog.text
    settings = ui_ctx.paths.config / "orderdesk.ini"
    assert not settings.exists() or token not in settings.read_text()

    # revoke: asks first; "No" keeps it
    dialog.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.revoke_selected()
    assert _tokens(ui_ctx).verify(token) is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.revoke_selected()
    assert _tokens(ui_ctx).verify(token) is None
    assert dialog.model.record(0).revoked_at is not None and not dialog.revoke_button.isEnabled()
    assert "revoked" in dialog.last_message
    # a second token with the same name is refused with a message
    dialog.create_token("Warenwirtschaft")
    assert "exists already" in dialog.last_message


def _tokens(ctx):
    from app.store.api_tokens import ApiTokenStore

    return ApiTokenStore(ctx.engine)


def test_tokens_model_contract(qtmodeltester, ui_ctx):
    store = _tokens(ui_ctx)
    store.create("ERP A")
    store.create("ERP B")
    store.revoke("ERP B")
    model = ApiTokensModel()
    model.set_tokens(store.list())
    qtmodeltester.check(model)
    assert model.data(model.index(1, 4))  # revoked at


class _FakeStatus:
    """Records which channels the desk transmitted; enough of StatusService for AutoTransmitter."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def transmit(self, channel=None, account=None, *, cancelled=None):  # type: ignore[no-untyped-def]
        with self.lock:
            self.sent.append(channel)
        return TransmitResult()


def test_desk_run_respects_a_job_held_by_another_holder(qtbot, ui_ctx):
    store = JobStore(ui_ctx.engine)
    for channel in ("otto", "ebay"):
        store.configure(STATUS, channel_scope(channel), enabled=True, interval_seconds=3600)
    [server] = store.claim_due("server-1:42", kind=STATUS, exclude=[store.get(STATUS, channel_scope("ebay")).id])
    assert server.job.channel == "otto"
    service = _FakeStatus(ui_ctx.engine)
    jobs = StatusJobs(service)  # type: ignore[arg-type]
    auto = AutoTransmitter(jobs, lambda: None, tick_ms=60_000, holder="desk-2:7 (desk)")
    try:
        with qtbot.waitSignal(auto.ran, timeout=10_000) as ran:
            assert auto.tick()
        assert [r.channel for r in ran.args[0]] == ["ebay"] and service.sent == ["ebay"]
        ebay = store.get(STATUS, channel_scope("ebay"))
        assert ebay.last_result == "ok" and not ebay.claimed_by
        assert ebay.next_run_at >= ebay.last_started_at + timedelta(minutes=59)
        otto = store.get(STATUS, channel_scope("otto"))
        assert otto.claimed_by == "server-1:42" and otto.last_result is None
        # nothing due any more: the next round sends nothing (ran is only emitted when a job ran)
        assert auto.tick()
        qtbot.waitUntil(lambda: not auto.is_busy(), timeout=5_000)
        assert service.sent == ["ebay"]
        # the server finishes; otto runs at the server's interval, not again on the desk now
        store.finish(server, JobResult.OK, "0 sent")
        assert auto.tick()
        qtbot.waitUntil(lambda: not auto.is_busy(), timeout=5_000)
        assert service.sent == ["ebay"]
    finally:
        jobs.shutdown()


def test_desk_takes_over_a_job_whose_holder_died(qtbot, ui_ctx):
    store = JobStore(ui_ctx.engine)
    store.configure(STATUS, channel_scope("otto"), enabled=True)
    [dead] = store.claim_due("server-1:42", kind=STATUS, lease=timedelta(seconds=-1))  # its lease ran out
    service = _FakeStatus(ui_ctx.engine)
    jobs = StatusJobs(service)  # type: ignore[arg-type]
    auto = AutoTransmitter(jobs, lambda: None, tick_ms=60_000, holder="desk-2:7 (desk)")
    try:
        with qtbot.waitSignal(auto.ran, timeout=10_000):
            assert auto.tick()
        assert service.sent == ["otto"]
        assert not store.finish(dead, JobResult.OK)  # the dead holder's late finish writes nothing
        assert store.get(STATUS, channel_scope("otto")).last_result == "ok"
    finally:
        jobs.shutdown()
