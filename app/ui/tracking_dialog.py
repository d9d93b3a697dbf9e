"""Add the tracking number to a package that waits for one (or failed without one): its status
protocols become pending with it and go out with the next transmission."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.carriers import CARRIER_NAMES, Carrier, check_digit, detect
from app.domain.orders import Channel
from app.services.status import StatusService
from app.store import status_store as store
from app.store.status_store import ProtocolRecord
from app.ui.icons import icon
from app.ui.ship_dialog import ERROR_STYLE, NOTE_STYLE, channel_carriers
from app.ui.status_jobs import StatusJobs, error_text


def add_tracking(service: StatusService, rec: ProtocolRecord, tracking: str, carrier: str | None,
                 skip_check_digit: bool, return_tracking: str = "", return_carrier: str | None = None) -> list[int]:
    """The package of ``rec`` (by order and package number) gets its tracking number."""
    with service.engine.connect() as conn:
        package_no = rec.status.package_no
        shipment = next((s for s in store.shipments_of(conn, rec.order_id) if s.package_no == package_no), None)
    if shipment is None:
        raise LookupError(f"package {package_no} of order {rec.order_number} is not recorded")
    return service.add_tracking(shipment.id, tracking, carrier, skip_check_digit=skip_check_digit,
                                return_tracking_number=return_tracking, return_carrier=return_carrier)


class TrackingDialog(QDialog):
    added = Signal(list)  # the protocol ids that are now pending

    def __init__(self, rec: ProtocolRecord, service: StatusService, jobs: StatusJobs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TrackingDialog")
        self.rec = rec
        self.service = service
        self.jobs = jobs
        self._user_carrier = False
        self.channel = Channel(rec.channel)
        status = rec.status
        self.setWindowTitle(self.tr("Add tracking number"))
        self.setWindowIcon(icon("shipping"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        head = QLabel(self)
        head.setTextFormat(Qt.TextFormat.RichText)
        title = self.tr("Package %1 of order %2").replace("%1", str(status.package_no)).replace("%2", rec.order_number)
        head.setText(f"<b>{html.escape(title)}</b>")
        layout.addWidget(head)
        form = QFormLayout()
        self.tracking_edit = QLineEdit(self)
        self.tracking_edit.setObjectName("AddTrackingEdit")
        self.tracking_edit.setMaxLength(64)
        form.addRow(self.tr("&Tracking number:"), self.tracking_edit)
        self.carrier_box = QComboBox(self)
        self.carrier_box.setObjectName("AddTrackingCarrierBox")
        self.carrier_box.addItem(self.tr("As recorded, or proposed from the number"), "")
        for carrier in channel_carriers(self.channel):
            self.carrier_box.addItem(CARRIER_NAMES[carrier], carrier.value)
        if status.carrier:
            self.carrier_box.setCurrentIndex(max(0, self.carrier_box.findData(status.carrier)))
        self.carrier_box.setEnabled(self.channel is not Channel.SHOPWARE)
        form.addRow(self.tr("&Carrier:"), self.carrier_box)
        # OTTO wants the return label with a parcel shipment; a package recorded without a
        # tracking number usually has none yet either.
        self.return_edit = QLineEdit(self)
        self.return_edit.setObjectName("AddTrackingReturnEdit")
        self.return_edit.setMaxLength(64)
        self.return_edit.setText(status.return_tracking_number)
        self.return_carrier_box = QComboBox(self)
        self.return_carrier_box.setObjectName("AddTrackingReturnCarrierBox")
        for carrier in (Carrier.DHL_PAKET, Carrier.GLS, Carrier.HERMES):  # OTTO's return carriers
            self.return_carrier_box.addItem(CARRIER_NAMES[carrier], carrier.value)
        if self.channel is Channel.OTTO:
            form.addRow(self.tr("&Return tracking:"), self.return_edit)
            form.addRow(self.tr("Return ca&rrier:"), self.return_carrier_box)
        else:
            self.return_edit.hide()
            self.return_carrier_box.hide()
        layout.addLayout(form)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.note)
        self.skip_check = QCheckBox(self.tr("The number is right: send it although its check digit does not fit"),
                                    self)
        self.skip_check.hide()
        layout.addWidget(self.skip_check)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton(icon("check"), self.tr("&Add"), self)
        self.ok_button.setDefault(True)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.tracking_edit.textChanged.connect(self._changed)
        self.carrier_box.activated.connect(self._chosen)
        self._changed("")

    def _chosen(self, _index: int) -> None:
        self._user_carrier = bool(self.carrier_box.currentData())
        self._changed(self.tracking_edit.text())

    def _changed(self, text: str) -> None:
        candidates = [c for c in detect(text, include_failed=True) if c.carrier in channel_carriers(self.channel)]
        if candidates and not self._user_carrier and self.carrier_box.isEnabled():
            self.carrier_box.setCurrentIndex(max(0, self.carrier_box.findData(candidates[0].carrier.value)))
        value = self.carrier_box.currentData()
        failed = bool(value and text.strip() and check_digit(Carrier(value), text)[0] is False)
        self.skip_check.setVisible(failed)
        if failed:
            self.note.setText(self.tr("The check digit does not fit the carrier's format: probably mistyped."))
        elif candidates:
            self.note.setText(self.tr("Proposed from the tracking number: %1").replace(
                "%1", ", ".join(CARRIER_NAMES[c.carrier] for c in candidates)))
        else:
            self.note.setText("")
        self.ok_button.setEnabled(bool(text.strip()))

    def submit(self) -> None:
        tracking, carrier = self.tracking_edit.text(), self.carrier_box.currentData() or None
        skip, rec, service = self.skip_check.isVisible() and self.skip_check.isChecked(), self.rec, self.service
        otto = self.channel is Channel.OTTO and self.return_edit.text().strip()
        back = self.return_edit.text() if otto else ""
        back_carrier = self.return_carrier_box.currentData() if otto else None
        self.ok_button.setEnabled(False)
        self.jobs.submit(lambda: add_tracking(service, rec, tracking, carrier, skip, back, back_carrier),
                         self._done, self._failed)

    def _done(self, moved: list[int]) -> None:
        self.added.emit(moved)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(self.tr("The tracking number was not added: %1").replace("%1", error_text(error)))
        self.error.show()
