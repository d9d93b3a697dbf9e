"""Status & Shipping settings: how long a shipment waits for its tracking number, automatic
transmission per channel, and the address OTTO wants parcels shipped from."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.channels.registry import CHANNELS
from app.domain.orders import Channel
from app.services.status import SETTING_SHIP_FROM, SETTING_TRACKING_WAIT, StatusService
from app.ui.icons import icon
from app.ui.ship_dialog import ERROR_STYLE, NOTE_STYLE
from app.ui.status_jobs import StatusJobs, error_text


@dataclass(frozen=True)
class StatusSettings:
    tracking_wait_hours: float
    auto: dict[str, dict]  # channel -> {"enabled", "interval_minutes"}
    ship_from: dict  # {"city", "zipCode", "countryCode"}


def load_settings(service: StatusService) -> StatusSettings:
    return StatusSettings(service.tracking_wait().total_seconds() / 3600, service.auto_settings(),
                          dict(service.setting(SETTING_SHIP_FROM, None) or {}))


def save_settings(service: StatusService, settings: StatusSettings) -> None:
    service.set_setting(SETTING_TRACKING_WAIT, round(settings.tracking_wait_hours * 60, 2))
    for channel, entry in settings.auto.items():
        service.set_auto(Channel(channel), bool(entry["enabled"]), int(entry["interval_minutes"]))
    service.set_setting(SETTING_SHIP_FROM, settings.ship_from or None)


class StatusSettingsDialog(QDialog):
    saved = Signal(object)  # StatusSettings

    def __init__(self, settings: StatusSettings, service: StatusService, jobs: StatusJobs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatusSettingsDialog")
        self.service = service
        self.jobs = jobs
        self._busy = False
        self.setWindowTitle(self.tr("Status & Shipping settings"))
        self.setWindowIcon(icon("settings"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)

        waiting = QGroupBox(self.tr("Waiting for the tracking number"), self)
        form = QFormLayout(waiting)
        self.wait_spin = QDoubleSpinBox(waiting)
        self.wait_spin.setObjectName("TrackingWaitSpin")
        self.wait_spin.setRange(0.25, 72.0)
        self.wait_spin.setSingleStep(0.5)
        self.wait_spin.setDecimals(2)
        self.wait_spin.setSuffix(" h")
        self.wait_spin.setValue(settings.tracking_wait_hours)
        form.addRow(self.tr("A shipment without tracking number waits up to:"), self.wait_spin)
        note = QLabel(self.tr("Then its status is sent without a tracking number where the marketplace allows it, "
                              "otherwise it is handed to you in the status queue."), waiting)
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        form.addRow(note)
        layout.addWidget(waiting)

        auto = QGroupBox(self.tr("Automatic transmission"), self)
        grid = QGridLayout(auto)
        grid.addWidget(QLabel(self.tr("Channel"), auto), 0, 0)
        grid.addWidget(QLabel(self.tr("Every"), auto), 0, 1)
        self.auto_checks: dict[str, QCheckBox] = {}
        self.interval_spins: dict[str, QSpinBox] = {}
        for row, info in enumerate(CHANNELS.values(), start=1):
            key = info.channel.value
            entry = settings.auto.get(key, {"enabled": False, "interval_minutes": 15})
            check = QCheckBox(info.display_name, auto)
            check.setObjectName(f"AutoCheck:{key}")
            check.setIcon(icon(f"channel:{key}"))
            check.setChecked(bool(entry["enabled"]))
            spin = QSpinBox(auto)
            spin.setObjectName(f"IntervalSpin:{key}")
            spin.setRange(1, 24 * 60)
            spin.setSuffix(self.tr(" min"))
            spin.setValue(int(entry["interval_minutes"]))
            spin.setEnabled(check.isChecked())
            check.toggled.connect(spin.setEnabled)
            grid.addWidget(check, row, 0)
            grid.addWidget(spin, row, 1)
            self.auto_checks[key] = check
            self.interval_spins[key] = spin
        grid.setColumnStretch(2, 1)
        hint = QLabel(self.tr("While the desk is open it transmits each switched-on channel at its interval; what "
                              "queued up while a channel was off is sent when it is switched on."), auto)
        hint.setWordWrap(True)
        hint.setStyleSheet(NOTE_STYLE)
        grid.addWidget(hint, len(CHANNELS) + 1, 0, 1, 3)
        layout.addWidget(auto)

        ship_from = QGroupBox(self.tr("OTTO: parcels are shipped from"), self)
        form = QFormLayout(ship_from)
        self.city_edit = QLineEdit(settings.ship_from.get("city", ""), ship_from)
        self.city_edit.setObjectName("ShipFromCity")
        self.city_edit.setMaxLength(100)
        self.zip_edit = QLineEdit(settings.ship_from.get("zipCode", ""), ship_from)
        self.zip_edit.setObjectName("ShipFromZip")
        self.zip_edit.setMaxLength(16)
        self.country_edit = QLineEdit(settings.ship_from.get("countryCode", ""), ship_from)
        self.country_edit.setObjectName("ShipFromCountry")
        self.country_edit.setMaxLength(3)
        self.country_edit.setMaximumWidth(80)
        self.country_edit.setPlaceholderText("DEU")
        self.country_edit.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self))
        form.addRow(self.tr("City:"), self.city_edit)
        form.addRow(self.tr("Postcode:"), self.zip_edit)
        form.addRow(self.tr("Country (3 letters, e.g. DEU):"), self.country_edit)
        layout.addWidget(ship_from)

        self.error = QLabel(self)
        self.error.setObjectName("SettingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton(icon("check"), self.tr("&Save"), self)
        self.ok_button.setObjectName("SaveSettingsButton")
        self.ok_button.setDefault(True)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def settings(self) -> StatusSettings:
        auto = {key: {"enabled": check.isChecked(), "interval_minutes": self.interval_spins[key].value()}
                for key, check in self.auto_checks.items()}
        city, zip_code = self.city_edit.text().strip(), self.zip_edit.text().strip()
        country = self.country_edit.text().strip().upper()
        ship_from = {"city": city, "zipCode": zip_code, "countryCode": country} if (city or zip_code or country) else {}
        return StatusSettings(self.wait_spin.value(), auto, ship_from)

    def problem(self, settings: StatusSettings) -> str:
        address = settings.ship_from
        if address and not all(address.get(k) for k in ("city", "zipCode", "countryCode")):
            return self.tr("Fill in city, postcode and country of the ship-from address, or leave all three empty.")
        if address and len(address["countryCode"]) != 3:
            return self.tr("The country needs its three-letter code (ISO 3166 alpha-3), e.g. DEU for Germany.")
        return ""

    def submit(self) -> None:
        if self._busy:
            return
        settings = self.settings()
        problem = self.problem(settings)
        if problem:
            self._show_error(problem)
            return
        self._busy = True
        self.ok_button.setEnabled(False)
        service = self.service
        self.jobs.submit(lambda: save_settings(service, settings), lambda _r: self._done(settings), self._failed)

    def _done(self, settings: StatusSettings) -> None:
        self._busy = False
        self.saved.emit(settings)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.ok_button.setEnabled(True)
        self._show_error(self.tr("The settings were not saved: %1").replace("%1", error_text(error)))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft)
