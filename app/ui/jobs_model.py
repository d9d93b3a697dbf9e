"""The application server's jobs as a table model: one row per job (fetch one account, transmit
one channel's status protocols), with its switch, interval, last and next run, last error and the
workstation holding it now.

The rows come from JobStore.list() read off the GUI thread (app/ui/jobs_dialog.py). The switch
(check box) and the interval (minutes) are editable: ``setData`` shows the new value at once and
asks for it to be saved with ``change_requested``; the dialog saves it through JobStore.configure
and reads the jobs again.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from app.store.jobs import FETCH, MAX_INTERVAL, MIN_INTERVAL, STATUS, JobRecord
from app.ui import formatting as fmt
from app.ui.icons import icon
from app.ui.list_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex

JOB_COLUMNS = (
    ("kind", QT_TRANSLATE_NOOP("JobsModel", "Job")),
    ("target", QT_TRANSLATE_NOOP("JobsModel", "For")),
    ("enabled", QT_TRANSLATE_NOOP("JobsModel", "On")),
    ("interval", QT_TRANSLATE_NOOP("JobsModel", "Every (min)")),
    ("last_run", QT_TRANSLATE_NOOP("JobsModel", "Last run")),
    ("result", QT_TRANSLATE_NOOP("JobsModel", "Result")),
    ("next_run", QT_TRANSLATE_NOOP("JobsModel", "Next run")),
    ("last_error", QT_TRANSLATE_NOOP("JobsModel", "Last error")),
    ("held_by", QT_TRANSLATE_NOOP("JobsModel", "Running on")),
)
KEYS = tuple(key for key, _ in JOB_COLUMNS)
COL = {key: i for i, key in enumerate(KEYS)}

_CTX = "JobLabels"
KINDS = {
    FETCH: QT_TRANSLATE_NOOP("JobLabels", "Order fetch"),
    STATUS: QT_TRANSLATE_NOOP("JobLabels", "Status transmission"),
}
RESULTS = {
    "ok": QT_TRANSLATE_NOOP("JobLabels", "OK"),
    "failed": QT_TRANSLATE_NOOP("JobLabels", "Failed"),
    "interrupted": QT_TRANSLATE_NOOP("JobLabels", "Interrupted"),
}
_NEVER = QT_TRANSLATE_NOOP("JobLabels", "never")
_OFF = QT_TRANSLATE_NOOP("JobLabels", "switched off")
_DUE = QT_TRANSLATE_NOOP("JobLabels", "due now")
_RUNNING = QT_TRANSLATE_NOOP("JobLabels", "running")
_INACTIVE = QT_TRANSLATE_NOOP("JobLabels", "account inactive")
_ACCOUNT_OF = QT_TRANSLATE_NOOP("JobLabels", "%1 (%2)")
_HELD_UNTIL = QT_TRANSLATE_NOOP("JobLabels", "%1, lease until %2")

FAILED_FOREGROUND = QColor("#8e1b12")
FAILED_BACKGROUND = QColor("#fde2e0")
RUNNING_BACKGROUND = QColor("#e3f0fb")
OK_FOREGROUND = QColor("#1e6b34")
OFF_FOREGROUND = QColor("#8a8a8a")


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def kind_text(kind: str) -> str:
    return tr(KINDS[kind]) if kind in KINDS else kind


def result_text(result: str | None) -> str:
    if not result:
        return ""
    return tr(RESULTS[result]) if result in RESULTS else result


def job_key(job: JobRecord) -> tuple[str, str]:
    return job.kind, job.scope


class JobsModel(ListTableModel):
    COLUMNS = JOB_COLUMNS

    change_requested = Signal(str, str, object, object)  # kind, scope, enabled or None, interval seconds or None

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.now = datetime.now(UTC)  # the database's time of the last read (leases are judged by it)

    # --- rows ----------------------------------------------------------------------------------
    def records(self) -> list[JobRecord]:
        return list(self._items)

    def record(self, row: int) -> JobRecord | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, kind: str, scope: str) -> int:
        return next((i for i, job in enumerate(self._items) if job_key(job) == (kind, scope)), -1)

    def set_jobs(self, jobs: Sequence[JobRecord], now: datetime) -> bool:
        """Shows ``jobs`` as read at the database time ``now``; keeps the rows (and so the
        selection) when the set of jobs is the same, else resets. True when anything changed."""
        self.now = now
        jobs = list(jobs)
        if [job_key(j) for j in jobs] != [job_key(j) for j in self._items]:
            self.beginResetModel()
            self._items = jobs
            self.endResetModel()
            return True
        changed = False
        for row, job in enumerate(jobs):
            differs = job != self._items[row]
            if differs or self._time_dependent(job):  # "due now", "running" change with the time alone
                self._items[row] = job
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(KEYS) - 1))
                changed = changed or differs
        return changed

    @staticmethod
    def _time_dependent(job: JobRecord) -> bool:
        return job.claimed_until is not None or job.enabled

    # --- reading -------------------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        cell = self.cell(index)
        if cell is None:
            return flags
        if cell[1] == "enabled":
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif cell[1] == "interval":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        job, key = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(job, key)
        if role == Qt.ItemDataRole.EditRole:
            if key == "interval":
                return job.interval_seconds // 60
            if key == "enabled":
                return job.enabled
            return self._text(job, key)
        if role == Qt.ItemDataRole.CheckStateRole and key == "enabled":
            return Qt.CheckState.Checked if job.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(job, key)
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "target":
                return icon(f"channel:{job.channel}") if job.channel else None
            if key == "kind":
                return icon("fetch" if job.kind == FETCH else "transmit")
            if key == "result" and job.last_result == "failed":
                return icon("cancel")
            if key == "result" and job.last_result == "ok":
                return icon("check")
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if job.running(self.now):
                return QBrush(RUNNING_BACKGROUND)
            if job.enabled and job.last_result == "failed":
                return QBrush(FAILED_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key in ("result", "last_error") and job.last_result == "failed":
                return QBrush(FAILED_FOREGROUND)
            if key == "result" and job.last_result == "ok":
                return QBrush(OK_FOREGROUND)
            if not job.enabled or not job.account_active:
                return QBrush(OFF_FOREGROUND)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "interval":
            return int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
        if role == Qt.ItemDataRole.UserRole:
            return f"{job.kind}|{job.scope}"
        return None

    def _text(self, job: JobRecord, key: str) -> str:
        if key == "kind":
            return kind_text(job.kind)
        if key == "target":  # the account (its channel shows as the icon) or the channel
            return (job.account_name or job.scope) if job.kind == FETCH else fmt.channel_text(job.channel)
        if key == "enabled":
            return ""
        if key == "interval":
            return str(job.interval_seconds // 60)
        if key == "last_run":
            return fmt.datetime_text(job.last_started_at) if job.last_started_at else tr(_NEVER)
        if key == "result":
            return result_text(job.last_result)
        if key == "next_run":
            if job.running(self.now):
                return tr(_RUNNING)
            if not job.enabled:
                return tr(_OFF)
            if not job.account_active:
                return tr(_INACTIVE)
            if job.next_run_at <= self.now:
                return tr(_DUE)
            return fmt.datetime_text(job.next_run_at)
        if key == "last_error":
            return " ".join(job.last_error.split())
        if key == "held_by":
            return job.claimed_by if job.running(self.now) else ""
        return ""

    def _tooltip(self, job: JobRecord, key: str) -> str | None:
        if key == "last_error":
            return job.last_error or None
        if key == "result":
            return job.last_summary or None
        if key == "target" and job.kind == FETCH:
            return tr(_ACCOUNT_OF).replace("%1", job.account_name or job.scope).replace(
                "%2", fmt.channel_text(job.channel))
        if key == "held_by" and job.running(self.now):
            return tr(_HELD_UNTIL).replace("%1", job.claimed_by).replace("%2", fmt.datetime_text(job.claimed_until))
        text = self._text(job, key)
        return text or None

    # --- editing -------------------------------------------------------------------------------
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        cell = self.cell(index)
        if cell is None:
            return False
        job, key = cell
        if key == "enabled" and role == Qt.ItemDataRole.CheckStateRole:
            enabled = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            if enabled == job.enabled:
                return True
            self._replace(index.row(), dataclasses.replace(job, enabled=enabled))
            self.change_requested.emit(job.kind, job.scope, enabled, None)
            return True
        if key == "interval" and role == Qt.ItemDataRole.EditRole:
            try:
                seconds = int(value) * 60
            except (TypeError, ValueError):
                return False
            if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
                return False
            if seconds == job.interval_seconds:
                return True
            self._replace(index.row(), dataclasses.replace(job, interval_seconds=seconds))
            self.change_requested.emit(job.kind, job.scope, None, seconds)
            return True
        return False

    def _replace(self, row: int, job: JobRecord) -> None:
        self._items[row] = job
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(KEYS) - 1))
