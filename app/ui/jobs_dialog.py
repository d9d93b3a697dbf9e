"""Administration › Jobs: every job of the application server with its switch and interval, last
and next run, last error and the workstation running it now.

The jobs are read on the window's database worker (a slow PostgreSQL server never freezes the
window) every few seconds while the dialog is shown; a change of the switch or the interval is
saved there too, through JobStore.configure, and the jobs are read again afterwards. A read that
started before a change was saved is dropped, so the table never flips back for a moment.

Also home of ServerAdministration, which adds the "Application server" group (Jobs…, API
tokens…) to the Administration ribbon page, so main_window.py only has to call it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.store.jobs import MAX_INTERVAL, MIN_INTERVAL, JobRecord, JobStore
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.jobs_model import COL, JobsModel, kind_text, result_text
from app.ui.ship_dialog import ERROR_STYLE, NOTE_STYLE

Index = QModelIndex | QPersistentModelIndex


class IntervalDelegate(QStyledItemDelegate):
    """Minutes, within what JobStore accepts (1 to 1440)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        spin = QSpinBox(parent)
        spin.setObjectName("JobIntervalSpin")
        spin.setRange(MIN_INTERVAL // 60, MAX_INTERVAL // 60)
        spin.setSuffix(" min")
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return spin


class JobsDialog(QDialog):
    def __init__(self, store: JobStore, worker: DbWorker | None = None, refresh_ms: int = 3000,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("JobsDialog")
        self.store = store
        self.worker = worker
        self._loading = False
        self._again = False
        self._generation = 0  # bumped by every change, so an older read does not show old values
        self.loaded_once = False
        self.last_message = ""
        self.setWindowTitle(self.tr("Jobs of the application server"))
        self.setWindowIcon(icon("queue"))
        self.resize(1180, 440)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        intro = QLabel(self.tr("<b>orderdesk serve</b> on the application server runs the jobs switched on here; "
                               "while a desk is open it also sends the due status transmissions itself."), self)
        intro.setObjectName("JobsIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.model = JobsModel(self)
        self.model.change_requested.connect(self._save)
        self.table = QTableView(self)
        self.table.setObjectName("JobsTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL["interval"], IntervalDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.SelectedClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for key, width in (("kind", 150), ("target", 190), ("enabled", 36), ("interval", 84), ("last_run", 120),
                           ("result", 96), ("next_run", 120), ("last_error", 220), ("held_by", 150)):
            self.table.setColumnWidth(COL[key], width)
        header.setSectionResizeMode(COL["last_error"], QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_detail())
        layout.addWidget(self.table, 1)

        self.detail = QLabel(self)
        self.detail.setObjectName("JobDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(36)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.detail)

        self.message = QLabel(self)
        self.message.setObjectName("JobsMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        bottom = QHBoxLayout()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("JobsStatus")
        self.status_label.setStyleSheet(NOTE_STYLE)
        bottom.addWidget(self.status_label, 1)
        refresh = QPushButton(icon("refresh"), self.tr("Refresh"), self)
        refresh.setObjectName("JobsRefresh")
        refresh.clicked.connect(self.refresh)
        bottom.addWidget(refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.finished.connect(lambda _r: self.timer.stop())

    # --- reading -------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Reads the jobs in the background (at most one read at a time)."""
        if self._loading:
            self._again = True
            return
        store, generation = self.store, self._generation

        def job() -> tuple[list[JobRecord], datetime]:
            jobs = store.list()
            return jobs, store.now()

        self._loading = True
        self._run(job, lambda result: self._loaded(generation, result), self._failed, key=f"jobs-{id(self)}")

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[str], None],
             key: str | None = None) -> None:
        if self.worker is None:
            try:
                result = job()
            except Exception as exc:  # noqa: BLE001 - shown; the next refresh retries
                failed(f"{type(exc).__name__}: {str(exc)[:300]}" if not isinstance(exc, ValueError) else str(exc))
            else:
                done(result)
            return
        self.worker.submit(job, done, failed, key=key)

    def _loaded(self, generation: int, result: tuple[list[JobRecord], datetime]) -> None:
        self._loading = False
        if generation == self._generation:
            jobs, now = result
            self.model.set_jobs(jobs, now)
            self.loaded_once = True
            running = sum(1 for j in jobs if j.running(now))
            enabled = sum(1 for j in jobs if j.enabled)
            self.status_label.setText(
                self.tr("%1 jobs, %2 switched on, %3 running · read at %4")
                .replace("%1", str(len(jobs))).replace("%2", str(enabled)).replace("%3", str(running))
                .replace("%4", fmt.time_text(now)))
            self._show_detail()
        else:
            self._again = True  # a change was saved meanwhile: read again
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, message: str) -> None:
        self._loading = False
        self._again = False
        self.status_label.setText(self.tr("Could not read the jobs: %1").replace("%1", message))

    def _show_detail(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        job = self.model.record(rows[0].row()) if rows else None
        if job is None:
            self.detail.setText(self.tr("Select a job to see its last outcome. Tick “On” to switch a job on; "
                                        "double-click the interval to change it."))
            self.detail.setStyleSheet(NOTE_STYLE)
            return
        title = f"{kind_text(job.kind)} · {self.model.data(self.model.index(rows[0].row(), COL['target']))}"
        lines = [f"<b>{_escape(title)}</b>"]
        if job.last_result:
            outcome = result_text(job.last_result) + (f": {job.last_summary}" if job.last_summary else "")
            lines.append(self.tr("Last run %1: %2").replace("%1", fmt.datetime_text(job.last_started_at))
                         .replace("%2", _escape(outcome)))
        if job.last_error:
            lines.append(self.tr("Last error: %1").replace("%1", _escape(job.last_error)))
        self.detail.setText("<br>".join(lines))
        self.detail.setStyleSheet("")

    # --- saving --------------------------------------------------------------------------------
    def _save(self, kind: str, scope: str, enabled: object, interval_seconds: object) -> None:
        self._generation += 1
        store = self.store

        def job() -> JobRecord:
            return store.configure(kind, scope, enabled=enabled,  # type: ignore[arg-type]
                                   interval_seconds=interval_seconds)  # type: ignore[arg-type]

        def done(_job: JobRecord) -> None:
            self._say("")
            self.refresh()

        def failed(message: str) -> None:
            self._say(self.tr("Could not save the job: %1").replace("%1", message))
            self._generation += 1
            self.refresh()

        self._run(job, done, failed)

    def _say(self, text: str) -> None:
        self.last_message = text
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if text else "")
        self.message.setVisible(bool(text))

    def row_of(self, kind: str, scope: str) -> int:
        return self.model.row_of(kind, scope)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ServerAdministration(QObject):
    """The "Application server" group of the Administration page: Jobs… and API tokens…"""

    def __init__(self, window: QWidget, engine, worker: DbWorker | None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(window)
        self.window = window
        self.engine = engine
        self.worker = worker
        self.jobs_dialog: JobsDialog | None = None
        self.tokens_dialog: QDialog | None = None
        self.jobs_action = QAction(icon("queue"), self.tr("Jobs…"), window)
        self.jobs_action.setObjectName("jobs")
        tip = self.tr("Automatic order fetching and status transmission on the application server "
                      "(orderdesk serve): switch on, interval, last and next run")
        self.jobs_action.setToolTip(tip)
        self.jobs_action.setStatusTip(tip)
        self.jobs_action.triggered.connect(self.open_jobs)
        self.tokens_action = QAction(icon("accounts"), self.tr("API\ntokens…"), window)
        self.tokens_action.setObjectName("api_tokens")
        tip = self.tr("Create and revoke the tokens with which ERP systems use the web service")
        self.tokens_action.setToolTip(tip)
        self.tokens_action.setStatusTip(tip)
        self.tokens_action.triggered.connect(self.open_tokens)

    def fill(self, page) -> None:  # type: ignore[no-untyped-def]
        group = page.add_group(self.tr("Application server"))
        group.add_large(self.jobs_action)
        group.add_large(self.tokens_action)

    def open_jobs(self) -> JobsDialog:
        if self.jobs_dialog is None:
            self.jobs_dialog = JobsDialog(JobStore(self.engine), self.worker, parent=self.window)
        self.jobs_dialog.show()
        self.jobs_dialog.raise_()
        self.jobs_dialog.activateWindow()
        return self.jobs_dialog

    def open_tokens(self) -> QDialog:
        from app.store.api_tokens import ApiTokenStore
        from app.ui.api_tokens_dialog import ApiTokensDialog

        if self.tokens_dialog is None:
            self.tokens_dialog = ApiTokensDialog(ApiTokenStore(self.engine), self.worker, parent=self.window)
        self.tokens_dialog.show()
        self.tokens_dialog.raise_()
        self.tokens_dialog.activateWindow()
        return self.tokens_dialog

    def shutdown(self) -> None:
        for dialog in (self.jobs_dialog, self.tokens_dialog):
            if dialog is not None:
                dialog.reject()
