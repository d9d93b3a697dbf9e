"""The status queue: every status protocol with its state; retry or discard the failed ones.

Read through the service on the window's database worker (a slow PostgreSQL server never
freezes the window), refreshed after each transmission and every few seconds while shown.
"""

from __future__ import annotations

import html
import json

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.channels.registry import CHANNELS
from app.domain.statuses import ProtocolState
from app.services.status import StatusService
from app.store.status_store import ProtocolRecord
from app.ui import formatting as fmt
from app.ui.db_worker import DbWorker
from app.ui.icons import icon
from app.ui.status_jobs import StatusJobs, error_text
from app.ui.tracking_dialog import TrackingDialog
from app.ui.status_queue_model import (
    KEYS,
    StatusQueueModel,
    event_label,
    is_mismatch,
    read_back_text,
    state_label,
    type_label,
)
from app.ui.widgets import list_table

WIDTHS = {"order_number": 120, "channel": 120, "account": 125, "event": 140, "status_type": 75, "value": 110,
          "state": 135, "attempts": 60, "last_error": 220, "next_try": 130, "sent_at": 125, "read_back": 110}
# Shown in this order: what the clerk must see (state, read-back) before the details; the last
# error, often long, last and stretched.
VISUAL_ORDER = ("order_number", "channel", "account", "event", "status_type", "value", "state", "read_back",
                "attempts", "next_try", "sent_at", "last_error")

# Filter key -> the states it lists ("" = every state; "mismatch" = sent, not shown by the marketplace).
OPEN = (ProtocolState.PENDING, ProtocolState.WAITING, ProtocolState.SENDING, ProtocolState.FAILED)
FILTER_STATES: dict[str, tuple[str, ...]] = {
    "open": tuple(s.value for s in OPEN),
    "": (),
    "pending": ("pending", "sending"),
    "waiting": ("waiting",),
    "failed": ("failed",),
    "mismatch": ("sent",),
    "sent": ("sent",),
    "discarded": ("discarded",),
}
DISCARDABLE = ("failed", "waiting", "pending")


def needs_tracking(rec: ProtocolRecord) -> bool:
    """A shipment's protocol that waits for its tracking number, or failed for the lack of one."""
    return rec.event == "shipment_completed" and rec.state in ("waiting", "failed") and not rec.status.tracking_number


def retryable(rec: ProtocolRecord) -> bool:
    """Failed, waiting for tracking, or sent but not shown by the marketplace on reading back."""
    return rec.state in ("failed", "waiting") or is_mismatch(rec)


class StatusQueueView(QWidget):
    """The queue; ``order_requested`` on a double-click, to show the protocol's order."""

    order_requested = Signal(int)
    changed = Signal()  # the clerk retried or discarded something

    def __init__(self, service: StatusService, jobs: StatusJobs, worker: DbWorker | None = None,
                 refresh_ms: int = 5000, limit: int = 2000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusQueueView")
        self.service = service
        self.jobs = jobs
        self.worker = worker
        self.limit = limit
        self.model = StatusQueueModel(self)
        self._loading = False
        self._again = False
        self.loaded_once = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(QLabel(self.tr("Show:"), self))
        self.state_box = QComboBox(self)
        self.state_box.setObjectName("StatusStateBox")
        for key, text in (("open", self.tr("Not yet sent")), ("", self.tr("All protocols")),
                          ("pending", self.tr("Pending")), ("waiting", self.tr("Waiting for tracking")),
                          ("failed", self.tr("Failed")), ("mismatch", self.tr("Sent, not shown by the marketplace")),
                          ("sent", self.tr("Sent")), ("discarded", self.tr("Discarded"))):
            self.state_box.addItem(text, key)
        self.state_box.setCurrentIndex(self.state_box.findData(""))
        self.state_box.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.state_box)
        self.channel_box = QComboBox(self)
        self.channel_box.setObjectName("StatusChannelBox")
        self.channel_box.addItem(self.tr("All channels"), "")
        for info in CHANNELS.values():
            self.channel_box.addItem(icon(f"channel:{info.channel.value}"), info.display_name, info.channel.value)
        self.channel_box.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.channel_box)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("StatusCountLabel")
        self.count_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.count_label, 1)
        self.retry_button = self._button(self.tr("Retry"), "refresh", self.retry_selected,
                                         self.tr("Send the selected failed (or not shown) protocols again with the next "
                                                 "transmission"))
        self.retry_button.setObjectName("StatusRetryButton")
        bar.addWidget(self.retry_button)
        self.discard_button = self._button(self.tr("Discard…"), "cancel", self.discard_selected,
                                           self.tr("Do not send the selected protocols (handled in the marketplace's "
                                                   "seller portal)"))
        self.discard_button.setObjectName("StatusDiscardButton")
        self.tracking_button = self._button(self.tr("Add tracking…"), "shipping", self.add_tracking,
                                            self.tr("Give the selected package, which waits for it, its tracking "
                                                    "number"))
        self.tracking_button.setObjectName("StatusAddTrackingButton")
        bar.addWidget(self.tracking_button)
        bar.addWidget(self.discard_button)
        self.tracking_dialog: TrackingDialog | None = None
        layout.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.table = list_table(self.model, {}, self.splitter, stretch_last=False)
        self.table.setObjectName("StatusQueueTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setToolTip(self.tr("Double-click a protocol to show its order."))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, key in enumerate(KEYS):
            header.resizeSection(col, WIDTHS.get(key, 100))
        for position, key in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(KEYS.index(key)), position)
        header.setStretchLastSection(True)
        scroll = QScrollArea(self.splitter)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(220)
        self.detail = QLabel(scroll)
        self.detail.setObjectName("StatusProtocolDetail")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setStyleSheet("QLabel { padding: 4px 6px; }")
        scroll.setWidget(self.detail)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._open_order)
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self._tick)
        self._update_buttons()
        self._show_detail(None)

    def _button(self, text: str, icon_name: str, slot, tip: str) -> QToolButton:  # type: ignore[no-untyped-def]
        button = QToolButton(self)
        button.setText(text)
        button.setIcon(icon(icon_name))
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.clicked.connect(slot)
        return button

    # --- loading -----------------------------------------------------------------------------
    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.timer.isActive():  # shown again (dock reopened): read what changed meanwhile
            self.refresh()

    def filter_key(self) -> str:
        return str(self.state_box.currentData() or "")

    def set_filter(self, state: str = "", channel: str = "") -> None:
        """Chooses the state and channel filters, reading once."""
        for box, data in ((self.state_box, state), (self.channel_box, channel)):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(data)))
            box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Reads the queue for the chosen filter in the background (at most one read at a time)."""
        if self._loading:
            self._again = True
            return
        key, channel = self.filter_key(), str(self.channel_box.currentData() or "")
        service, limit = self.service, self.limit

        def job() -> list[ProtocolRecord]:
            records = service.queue(states=FILTER_STATES[key] or None, channel=channel or None, limit=limit)
            return [r for r in records if is_mismatch(r)] if key == "mismatch" else records

        self._loading = True
        if self.worker is None:
            try:
                records = job()
            except Exception as exc:  # noqa: BLE001 - shown, the next refresh retries
                self._failed(error_text(exc))
            else:
                self._loaded(records)
            return
        self.worker.submit(job, self._loaded, self._failed, key=f"status-queue-{id(self)}")

    def _loaded(self, records: list[ProtocolRecord]) -> None:
        self._loading = False
        self.loaded_once = True
        self.model.set_records(records)
        self._update_count()
        self._selection_changed()
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, message: str) -> None:
        self._loading = False
        self.count_label.setText(self.tr("Could not read the status queue: %1").replace("%1", message))
        if self._again:
            self._again = False

    def _update_count(self) -> None:
        records = self.model.records()
        text = self.tr("%n protocols", "", len(records))
        failed = sum(1 for r in records if r.state == "failed")
        mismatched = sum(1 for r in records if is_mismatch(r))
        if failed:
            text += " · " + self.tr("%n failed", "", failed)
        if mismatched:
            text += " · " + self.tr("%n not shown by the marketplace", "", mismatched)
        self.count_label.setText(text)
        alarm = failed or mismatched
        self.count_label.setStyleSheet("color: #8e1b12; font-weight: 600;" if alarm else "color: palette(mid);")

    # --- selection ---------------------------------------------------------------------------
    def selected_records(self) -> list[ProtocolRecord]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [rec for rec in (self.model.record(row) for row in rows) if rec is not None]

    def select_protocol(self, protocol_id: int) -> bool:
        row = self.model.row_of(protocol_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self, *_args: QItemSelection) -> None:
        self._update_buttons()
        records = self.selected_records()
        self._show_detail(records[0] if len(records) == 1 else None)

    def _update_buttons(self) -> None:
        records = self.selected_records()
        self.retry_button.setEnabled(any(retryable(r) for r in records))
        self.discard_button.setEnabled(any(r.state in DISCARDABLE for r in records))
        self.tracking_button.setEnabled(len(records) == 1 and needs_tracking(records[0]))

    def _show_detail(self, rec: ProtocolRecord | None) -> None:
        if rec is None:
            empty = self.tr("Select a protocol to see what it sends.")
            self.detail.setText(f"<span style='color: palette(mid)'>{html.escape(empty)}</span>")
            return
        esc = html.escape
        status = rec.status
        state = self.tr("State: %1").replace("%1", state_label(rec.state))
        parts = [f"<b>{esc(rec.order_number)}</b> · {esc(event_label(rec.event))} → "
                 f"{esc(type_label(rec.status_type))} <b>{esc(rec.value)}</b>", esc(state)]
        if status.tracking_number or status.carrier_code:
            parts.append(esc(self.tr("Package %1: %2 %3").replace("%1", str(status.package_no))
                             .replace("%2", status.carrier_code or "–").replace("%3", status.tracking_number or "–")))
        if status.reason:
            parts.append(esc(self.tr("Reason: %1").replace("%1", status.reason)))
        if status.lines:
            lines = ", ".join(f"{ln.sku or ln.line_id} × {ln.quantity}" for ln in status.lines)
            parts.append(esc(self.tr("Lines: %1").replace("%1", lines)))
        if rec.last_error:
            error = self.tr("Last error: %1").replace("%1", rec.last_error)
            parts.append(f"<span style='color: #8e1b12'>{esc(error)}</span>")
        if rec.state == "sent":
            check = read_back_text(rec)
            color = "#8e1b12" if is_mismatch(rec) else "#1e6b34"
            detail = f" – {rec.verify_detail}" if rec.verify_detail else ""
            read_back = self.tr("Read-back: %1").replace("%1", check + detail)
            parts.append(f"<span style='color: {color}'>{esc(read_back)}</span>")
            parts.append(esc(self.tr("Sent at %1").replace("%1", fmt.datetime_text(rec.sent_at))))
        if rec.sent_request:
            try:
                calls = json.loads(rec.sent_request)
            except ValueError:
                calls = []
            for call in calls if isinstance(calls, list) else []:
                parts.append(f"<code>{esc(str(call.get('method', '')))} {esc(str(call.get('path', '')))}</code>")
        self.detail.setText("<br>".join(parts))

    # --- actions -----------------------------------------------------------------------------
    def retry_selected(self) -> None:
        ids = [r.id for r in self.selected_records() if retryable(r)]
        if ids:
            self._apply(self.service.retry, ids)

    def discard_selected(self) -> None:
        ids = [r.id for r in self.selected_records() if r.state in DISCARDABLE]
        if not ids:
            return
        answer = QMessageBox.question(
            self, self.tr("Discard status protocols"),
            self.tr("Discard %n status protocol(s)? They will not be sent to the marketplace.\n\n"
                    "Do this only when the marketplace already shows the right status (set in its seller portal).",
                    "", len(ids)))
        if answer == QMessageBox.StandardButton.Yes:
            self._apply(self.service.discard, ids)

    def _apply(self, action, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
        self.retry_button.setEnabled(False)
        self.discard_button.setEnabled(False)

        def job() -> int:
            return sum(1 for pid in ids if action(pid))

        def done(count: int) -> None:
            self.changed.emit()
            self.refresh()

        def failed(error: BaseException) -> None:
            QMessageBox.warning(self, self.tr("Status queue"), error_text(error))
            self.refresh()

        self.jobs.submit(job, done, failed)

    def add_tracking(self) -> None:
        records = [r for r in self.selected_records() if needs_tracking(r)]
        if len(records) != 1:
            return
        if self.tracking_dialog is not None:
            self.tracking_dialog.deleteLater()
        dialog = self.tracking_dialog = TrackingDialog(records[0], self.service, self.jobs, self)
        dialog.added.connect(lambda _ids: (self.changed.emit(), self.refresh()))
        dialog.open()

    def _open_order(self, index: QModelIndex) -> None:
        rec = self.model.record(index.row())
        if rec is not None:
            self.order_requested.emit(rec.order_id)
