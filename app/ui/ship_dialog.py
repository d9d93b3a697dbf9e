"""The ship dialog: which lines and how many pieces go into this package, its tracking number
and carrier (proposed from the number as the clerk types, always overridable), OTTO's return
tracking, the ship date. OK records the package off the GUI thread; a refusal is shown in the
dialog, which stays open so the clerk can correct it.
"""

from __future__ import annotations

import html
from datetime import UTC

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.channels.registry import CHANNELS
from app.domain.carriers import (
    CARRIER_NAMES,
    Candidate,
    Carrier,
    Problem,
    ProblemCode,
    TrackingKey,
    channel_carrier,
    detect,
    normalise,
    shipment_problems,
)
from app.domain.carriers.channels import OTTO_PARCEL_CODES, OTTO_RETURN_CODES
from app.domain.orders import Channel
from app.domain.shipments import LineState
from app.services.status import ShipOutcome, ShipRequest, StatusService
from app.ui.icons import icon
from app.ui.status_jobs import OrderContext, StatusJobs, error_text

_BOX = "QLabel {{ color: {}; background: {}; border: 1px solid {}; border-radius: 3px; padding: 6px; }}"
ERROR_STYLE = _BOX.format("#8c1d18", "#fce8e6", "#f0a8a0")
HINT_STYLE = _BOX.format("#6b4a00", "#fff6df", "#ecc979")
OK_STYLE = _BOX.format("#1e6b34", "#e6f4ea", "#9fd3ae")
NOTE_STYLE = "color: #5c6670;"


def channel_carriers(channel: Channel) -> list[Carrier]:
    """The carriers the channel has a value for, in OrderDesk's order (Shopware: none, no field)."""
    if channel is Channel.SHOPWARE:
        return []
    return [c for c in Carrier if channel_carrier(channel, c) is not None]


def return_carriers(channel: Channel) -> list[Carrier]:
    """OTTO's return carriers (returnTrackingKey.carrier); no other channel takes one."""
    if channel is not Channel.OTTO:
        return []
    return [c for c in (Carrier.DHL_PAKET, Carrier.GLS, Carrier.HERMES)
            if (found := channel_carrier(channel, c)) is not None and found.code in OTTO_RETURN_CODES]


class LinesTable(QTableWidget):
    """The order's lines with a spin box each: how many pieces this package (or cancellation) takes.

    An order has a handful of lines, so cell widgets are fine here (big lists use models)."""

    changed = Signal()

    def __init__(self, lines: tuple[LineState, ...], action_title: str, parent: QWidget | None = None) -> None:
        super().__init__(len(lines), 5, parent)
        self.setObjectName("LinesTable")
        self.lines = lines
        self.setHorizontalHeaderLabels([self.tr("SKU"), self.tr("Article"), self.tr("Ordered"), self.tr("Open"),
                                        action_title])
        self.verticalHeader().hide()
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.spins: list[QSpinBox] = []
        for row, line in enumerate(lines):
            for col, text in enumerate((line.sku, line.title, str(line.quantity), str(line.remaining))):
                item = QTableWidgetItem(text)
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 1:
                    item.setToolTip(line.title)
                self.setItem(row, col, item)
            spin = QSpinBox(self)
            spin.setObjectName(f"Quantity:{line.line_id}")
            spin.setRange(0, max(0, line.remaining))
            spin.setValue(line.remaining)
            spin.setEnabled(line.remaining > 0)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.valueChanged.connect(lambda _v: self.changed.emit())
            self.setCellWidget(row, 4, spin)
            self.spins.append(spin)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(4, 84)
        self.verticalHeader().setDefaultSectionSize(max(self.fontMetrics().height() + 12, 30))
        shown = min(max(len(lines), 1), 6)  # up to six lines without scrolling, then a scroll bar
        height = (self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
                  + self.verticalHeader().defaultSectionSize() * shown + 2)
        self.setMinimumHeight(height)
        if len(lines) <= 6:
            self.setMaximumHeight(height)

    def requested(self) -> list[tuple[str, int]]:
        """(line id, pieces) of every line with at least one piece chosen."""
        return [(line.line_id, spin.value()) for line, spin in zip(self.lines, self.spins) if spin.value() > 0]

    def pieces(self) -> int:
        return sum(spin.value() for spin in self.spins)

    def set_quantity(self, line_id: str, quantity: int) -> None:
        for line, spin in zip(self.lines, self.spins):
            if line.line_id == line_id:
                spin.setValue(quantity)

    def lock_all(self) -> None:
        """Whole orders only (Shopware cancels): every open piece, not editable."""
        for line, spin in zip(self.lines, self.spins):
            spin.setValue(line.remaining)
            spin.setEnabled(False)


class ShipDialog(QDialog):
    shipped = Signal(object)  # ShipOutcome

    def __init__(self, context: OrderContext, service: StatusService, jobs: StatusJobs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShipDialog")
        self.context = context
        self.service = service
        self.jobs = jobs
        self.channel = context.channel
        self.outcome: ShipOutcome | None = None
        self._busy = False
        self._user_carrier = False  # the clerk picked a carrier: proposals no longer change it
        self._user_return_carrier = False
        self._candidates: list[Candidate] = []
        self.allowed = channel_carriers(self.channel)
        self.allowed_returns = return_carriers(self.channel)
        info = CHANNELS[self.channel]
        order = context.order

        self.setWindowTitle(self.tr("Ship order %1").replace("%1", order.order_number))
        self.setWindowIcon(icon("shipping"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)

        head = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(icon(f"channel:{self.channel.value}").pixmap(36, 36))
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(self)
        title.setTextFormat(Qt.TextFormat.RichText)
        package = self.tr("Package %1 of this order").replace("%1", str(context.packages + 1))
        heading = self.tr("Ship order %1").replace("%1", order.order_number)
        title.setText(f"<span style='font-size: 12pt; font-weight: 600'>{html.escape(heading)}</span><br>"
                      f"{html.escape(info.display_name)} · {html.escape(order.account_name)} · {html.escape(package)}")
        head.addWidget(title, 1)
        layout.addLayout(head)

        layout.addWidget(QLabel(self.tr("Lines and pieces in this package:"), self))
        self.lines = LinesTable(context.lines, self.tr("Ship"), self)
        self.lines.changed.connect(self._validate)
        layout.addWidget(self.lines)

        form = self.form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.tracking_edit = QLineEdit(self)
        self.tracking_edit.setObjectName("TrackingEdit")
        self.tracking_edit.setPlaceholderText(self.tr("Scan or type the parcel's tracking number"))
        self.tracking_edit.setMaxLength(64)
        form.addRow(self.tr("&Tracking number:"), self.tracking_edit)
        self.carrier_box = QComboBox(self)
        self.carrier_box.setObjectName("CarrierBox")
        self.carrier_box.setMinimumContentsLength(28)
        form.addRow(self.tr("&Carrier:"), self.carrier_box)
        self.carrier_note = QLabel(self)
        self.carrier_note.setObjectName("CarrierNote")
        self.carrier_note.setWordWrap(True)
        self.carrier_note.setStyleSheet(NOTE_STYLE)
        form.addRow("", self.carrier_note)
        self.carrier_name_edit = QLineEdit(self)
        self.carrier_name_edit.setObjectName("CarrierNameEdit")
        self.carrier_name_edit.setPlaceholderText(self.tr("e.g. Österreichische Post"))
        form.addRow(self.tr("Carrier &name:"), self.carrier_name_edit)
        self.return_tracking_edit = QLineEdit(self)
        self.return_tracking_edit.setObjectName("ReturnTrackingEdit")
        self.return_tracking_edit.setPlaceholderText(self.tr("The return label's tracking number"))
        self.return_tracking_edit.setMaxLength(64)
        self.return_carrier_box = QComboBox(self)
        self.return_carrier_box.setObjectName("ReturnCarrierBox")
        self.return_carrier_box.addItem(self.tr("No return label"), "")
        for carrier in self.allowed_returns:
            self.return_carrier_box.addItem(CARRIER_NAMES[carrier], carrier.value)
        if self.channel is Channel.OTTO:
            form.addRow(self.tr("&Return tracking:"), self.return_tracking_edit)
            form.addRow(self.tr("Return c&arrier:"), self.return_carrier_box)
        else:
            self.return_tracking_edit.hide()
            self.return_carrier_box.hide()
        self.date_edit = QDateTimeEdit(QDateTime.currentDateTime(), self)
        self.date_edit.setObjectName("ShipDateEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.date_edit.setMaximumDateTime(QDateTime.currentDateTime().addDays(7))
        form.addRow(self.tr("Ship &date:"), self.date_edit)
        layout.addLayout(form)

        self.hint = QLabel(self)
        self.hint.setObjectName("ShipHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.hint)
        self.skip_check = QCheckBox(self.tr("The number is right: send it although its check digit does not fit"), self)
        self.skip_check.setObjectName("SkipCheckDigit")
        self.skip_check.toggled.connect(self._validate)
        layout.addWidget(self.skip_check)
        self.error = QLabel(self)
        self.error.setObjectName("ShipError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton(icon("shipping"), self.tr("&Ship"), self)
        self.ok_button.setObjectName("ShipButton")
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.tracking_edit.textChanged.connect(self._tracking_changed)
        self.carrier_box.activated.connect(self._carrier_chosen)
        self.carrier_name_edit.textChanged.connect(self._validate)
        self.return_tracking_edit.textChanged.connect(self._return_tracking_changed)
        self.return_carrier_box.activated.connect(self._return_carrier_chosen)
        self._fill_carriers([])
        if self.channel is Channel.SHOPWARE:
            self.carrier_box.setEnabled(False)
            self.carrier_note.setText(self.tr("Shopware has no carrier field: the delivery's shipping method names "
                                              "the carrier. The tracking number goes to the delivery."))
        self._show_carrier_name()
        self._validate()
        self.tracking_edit.setFocus()

    # --- carriers ------------------------------------------------------------------------------
    def _fill_carriers(self, candidates: list[Candidate]) -> None:
        """Proposals first (ranked, best first), then every other carrier the channel knows."""
        current = self.carrier_box.currentData() or ""
        ranked: list[Candidate] = []
        for cand in candidates:
            if cand.carrier in self.allowed and all(c.carrier != cand.carrier for c in ranked):
                ranked.append(cand)
        self._candidates = ranked
        box = self.carrier_box
        box.blockSignals(True)
        box.clear()
        box.addItem(self.tr("Choose the carrier…"), "")
        for rank, cand in enumerate(ranked):
            name = cand.carrier_name if cand.carrier is Carrier.OTHER and cand.carrier_name else CARRIER_NAMES[
                cand.carrier]
            if cand.checksum_valid is False:
                text = self.tr("%1 – check digit does not fit").replace("%1", name)
            elif rank == 0:
                text = self.tr("%1 – proposed").replace("%1", name)
            else:
                text = self.tr("%1 – also possible").replace("%1", name)
            box.addItem(icon("check") if rank == 0 and cand.checksum_valid is not False else icon("shipping"), text,
                        cand.carrier.value)
            box.setItemData(box.count() - 1, cand.reason, Qt.ItemDataRole.ToolTipRole)
        if ranked:
            box.insertSeparator(box.count())
        for carrier in self.allowed:
            if all(c.carrier is not carrier for c in ranked):
                box.addItem(CARRIER_NAMES[carrier], carrier.value)
        if self._user_carrier and current:
            box.setCurrentIndex(max(0, box.findData(current)))
        else:  # the best proposal; one whose check digit fails too, so its hint and the checkbox show
            box.setCurrentIndex(1 if ranked else 0)
        box.blockSignals(False)

    def carrier(self) -> Carrier | None:
        value = self.carrier_box.currentData()
        return Carrier(value) if value else None

    def return_carrier(self) -> Carrier | None:
        value = self.return_carrier_box.currentData()
        return Carrier(value) if value else None

    def select_carrier(self, carrier: Carrier | str | None) -> None:
        """As if the clerk chose it in the combo (tests, and the checkbox flow)."""
        value = Carrier(carrier).value if carrier else ""
        self.carrier_box.setCurrentIndex(max(0, self.carrier_box.findData(value)))
        self._carrier_chosen(self.carrier_box.currentIndex())

    def select_return_carrier(self, carrier: Carrier | str | None) -> None:
        value = Carrier(carrier).value if carrier else ""
        self.return_carrier_box.setCurrentIndex(max(0, self.return_carrier_box.findData(value)))
        self._return_carrier_chosen(self.return_carrier_box.currentIndex())

    def _tracking_changed(self, text: str) -> None:
        candidates = detect(text, include_failed=True) if self.allowed else []
        if [(c.carrier, c.checksum_valid) for c in candidates] != [(c.carrier, c.checksum_valid)
                                                                   for c in self._candidates]:
            self._fill_carriers(candidates)
        self._propose_return_carrier()
        if (self.carrier() is Carrier.OTHER and not self.carrier_name_edit.text() and self._candidates
                and self._candidates[0].carrier_name):
            self.carrier_name_edit.setText(self._candidates[0].carrier_name)
        self._show_carrier_name()
        self._validate()

    def _carrier_chosen(self, _index: int) -> None:
        self._user_carrier = bool(self.carrier_box.currentData())
        self._propose_return_carrier()
        self._show_carrier_name()
        self._validate()

    def _return_tracking_changed(self, _text: str) -> None:
        self._propose_return_carrier()
        self._validate()

    def _return_carrier_chosen(self, _index: int) -> None:
        self._user_return_carrier = True
        self._validate()

    def _propose_return_carrier(self) -> None:
        """The return label's own carrier if its number tells it, else the outbound carrier."""
        if self._user_return_carrier or not self.allowed_returns:
            return
        wanted: Carrier | None = None
        number = self.return_tracking_edit.text()
        for cand in detect(number) if number.strip() else []:
            if cand.carrier in self.allowed_returns:
                wanted = cand.carrier
                break
        if wanted is None and self.carrier() in self.allowed_returns and number.strip():
            wanted = self.carrier()
        self.return_carrier_box.setCurrentIndex(max(0, self.return_carrier_box.findData(wanted.value if wanted else "")))

    def _show_carrier_name(self) -> None:
        self.form.setRowVisible(self.carrier_name_edit, self.carrier() is Carrier.OTHER)

    # --- checking while typing -----------------------------------------------------------------
    def problems(self) -> list[Problem]:
        """What the channel would refuse, as the service checks it before recording the package."""
        tracking = normalise(self.tracking_edit.text())
        carrier = self.carrier()
        if carrier is None and tracking and self._candidates and self.channel is not Channel.SHOPWARE:
            carrier = self._candidates[0].carrier  # what the service would take
        return_number = self.return_tracking_edit.text() if self.channel is Channel.OTTO else ""
        return_carrier = self.return_carrier() if self.channel is Channel.OTTO else None
        key = TrackingKey(return_carrier, return_number) if return_carrier or return_number.strip() else None
        mapped = channel_carrier(self.channel, carrier) if carrier else None
        needs_return = self.channel is Channel.OTTO and mapped is not None and mapped.code in OTTO_PARCEL_CODES
        found = shipment_problems(self.channel, carrier, tracking or None, return_tracking=key,
                                  require_return_tracking=needs_return, carrier_name=self.carrier_name_edit.text(),
                                  skip_check_digit=self.skip_check.isChecked())
        if not tracking:
            found = [p for p in found if p.code not in (ProblemCode.TRACKING_MISSING, ProblemCode.CARRIER_MISSING)]
        return found

    def check_digit_failed(self) -> bool:
        """Some number fails its check digit (whether or not the clerk confirmed it)."""
        tracking = normalise(self.tracking_edit.text())
        carrier = self.carrier()
        probe = shipment_problems(self.channel, carrier, tracking or None,
                                  return_tracking=TrackingKey(self.return_carrier(), self.return_tracking_edit.text())
                                  if self.channel is Channel.OTTO and self.return_tracking_edit.text().strip()
                                  else None)
        return any(p.code is ProblemCode.CHECK_DIGIT for p in probe)

    def problem_text(self, problem: Problem) -> str:
        name = CHANNELS[self.channel].display_name
        code = problem.code
        returns = problem.field.startswith("return")
        if code is ProblemCode.CHECK_DIGIT:
            which = self.tr("return tracking number") if returns else self.tr("tracking number")
            return self.tr("The check digit of the %1 does not fit the carrier's format: probably mistyped. Correct "
                           "it, choose another carrier, or confirm below that the number is right.").replace("%1", which)
        if code is ProblemCode.CARRIER_MISSING:
            return self.tr("%1 needs the carrier: choose it.").replace("%1", name)
        if code is ProblemCode.CARRIER_NOT_ACCEPTED:
            return self.tr("%1 has no value for this carrier; choose another one.").replace("%1", name)
        if code is ProblemCode.CARRIER_NAME_MISSING:
            return self.tr("Enter the carrier's name: %1 needs it for “Other carrier”.").replace("%1", name)
        if code is ProblemCode.TRACKING_MISSING:
            return self.tr("%1 needs the tracking number for this carrier.").replace("%1", name)
        if code is ProblemCode.TRACKING_WITHOUT_CARRIER:
            return self.tr("%1 needs the carrier together with the tracking number.").replace("%1", name)
        if code is ProblemCode.TRACKING_HAS_SEPARATOR:
            return self.tr("The tracking number must not contain a comma (%1 reads it as a list).").replace("%1", name)
        if code is ProblemCode.RETURN_CARRIER_NOT_ACCEPTED:
            return self.tr("Choose the return carrier: %1 accepts %2.").replace("%1", name).replace(
                "%2", ", ".join(CARRIER_NAMES[c] for c in self.allowed_returns))
        if code is ProblemCode.RETURN_TRACKING_MISSING:
            return self.tr("%1 needs the return label's tracking number and carrier for parcels.").replace("%1", name)
        return problem.message

    def _validate(self) -> None:
        problems = self.problems()
        failed_digit = self.check_digit_failed()
        self.skip_check.setVisible(failed_digit)
        if not failed_digit and self.skip_check.isChecked():
            self.skip_check.setChecked(False)
        tracking = normalise(self.tracking_edit.text())
        esc = html.escape
        if self.lines.pieces() == 0:
            self._hint(esc(self.tr("Choose at least one piece for this package.")), HINT_STYLE)
        elif problems:
            self._hint("<br>".join("• " + esc(self.problem_text(p)) for p in problems), HINT_STYLE)
        elif not tracking:
            hours = f"{self.context.tracking_wait_hours:g}"
            self._hint(esc(self.tr("Without a tracking number the status waits up to %1 h for one (add it later in "
                                   "the status queue: Add tracking…); then it is sent without one where the "
                                   "marketplace allows it.").replace("%1", hours)), HINT_STYLE)
        else:
            carrier = self.carrier()
            cand = next((c for c in self._candidates if c.carrier is carrier), None)
            if self.channel is Channel.SHOPWARE:
                text = self.tr("Ready to ship.")
            elif cand is not None and cand.checksum_valid:
                text = self.tr("%1: the check digit is correct.").replace("%1", CARRIER_NAMES[carrier])
            elif self.skip_check.isChecked():
                text = self.tr("Ready to ship; the check digit was confirmed by you.")
            elif carrier is not None:
                text = self.tr("Ready to ship with %1.").replace("%1", CARRIER_NAMES[carrier])
            else:
                text = self.tr("Ready to ship.")
            self._hint(esc(text), OK_STYLE)
        if self.allowed and not self._candidates and tracking and self.carrier() is None:
            self.carrier_note.setText(self.tr("The carrier cannot be told from this number: choose it."))
        elif self._candidates and self.channel is not Channel.SHOPWARE:
            self.carrier_note.setText(self.tr("Proposed from the tracking number: %1").replace(
                "%1", ", ".join(CARRIER_NAMES[c.carrier] for c in self._candidates)))
            self.carrier_note.setToolTip(self._candidates[0].reason)
        elif self.channel is not Channel.SHOPWARE:
            self.carrier_note.setText(self.tr("Proposed from the tracking number as you type; you can always choose "
                                              "another."))
        ship_from_missing = self.channel is Channel.OTTO and not (
            self.context.ship_from and all(self.context.ship_from.get(k) for k in ("city", "countryCode", "zipCode")))
        if ship_from_missing:
            self._hint(self.hint.text() + "<br>" + esc(self.tr(
                "OTTO needs the address parcels are shipped from: set it under Status & Shipping › Settings.")),
                HINT_STYLE)
        self.ok_button.setEnabled(not self._busy and self.lines.pieces() > 0)

    def _hint(self, text: str, style: str) -> None:
        self.hint.setText(text)
        self.hint.setStyleSheet(style)
        self.hint.setVisible(bool(text))

    # --- recording -----------------------------------------------------------------------------
    def request(self) -> ShipRequest:
        ship_date = self.date_edit.dateTime().toPython()
        if ship_date.tzinfo is None:
            ship_date = ship_date.astimezone()  # the desk's local time
        carrier = self.carrier()
        return_carrier = self.return_carrier() if self.channel is Channel.OTTO else None
        return ShipRequest(
            self.context.order.id, lines=self.lines.requested(), tracking_number=self.tracking_edit.text(),
            carrier=carrier.value if carrier else None,
            carrier_name=self.carrier_name_edit.text().strip() if carrier is Carrier.OTHER else "",
            ship_date=ship_date.astimezone(UTC),
            return_tracking_number=self.return_tracking_edit.text() if self.channel is Channel.OTTO else "",
            return_carrier=return_carrier.value if return_carrier else None,
            skip_check_digit=self.skip_check.isVisible() and self.skip_check.isChecked(), source="desk")

    def submit(self) -> None:
        if self._busy:
            return
        if self.lines.pieces() == 0:
            self.show_error(self.tr("Choose at least one piece for this package."))
            return
        request = self.request()
        self._set_busy(True)
        service = self.service
        self.jobs.submit(lambda: service.ship(request), self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.lines, self.tracking_edit, self.carrier_box, self.return_tracking_edit,
                       self.return_carrier_box, self.date_edit, self.skip_check, self.carrier_name_edit):
            widget.setEnabled(not busy and (widget is not self.carrier_box or self.channel is not Channel.SHOPWARE))
        self.ok_button.setEnabled(not busy)
        self.ok_button.setText(self.tr("Recording…") if busy else self.tr("&Ship"))

    def reject(self) -> None:
        if not self._busy:  # the answer is on its way: the dialog waits for it
            super().reject()

    def _done(self, outcome: ShipOutcome) -> None:
        self._set_busy(False)
        self.outcome = outcome
        self.shipped.emit(outcome)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._validate()
        self.show_error(self.tr("The package was not recorded: %1").replace("%1", error_text(error)))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
