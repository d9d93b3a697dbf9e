"""The cancel dialog: which lines and pieces are cancelled, with one of the channel's reasons.

Only opened for channels whose API takes a cancellation (see ``channel_can_cancel``); for the
others the ribbon action explains where to cancel instead.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.channels.registry import CHANNELS
from app.domain.orders import Channel
from app.domain.statuses import CANCEL_REASONS
from app.services.status import EventOutcome, StatusService
from app.ui.icons import icon
from app.ui.ship_dialog import ERROR_STYLE, HINT_STYLE, NOTE_STYLE, LinesTable
from app.ui.status_jobs import OrderContext, StatusJobs, error_text

REASONS = {
    "CANCELLED_ON_PARTNER_WISH": QT_TRANSLATE_NOOP("CancelReasons", "On the seller's wish"),
    "CANCELLED_ON_CUSTOMER_WISH": QT_TRANSLATE_NOOP("CancelReasons", "On the customer's wish"),
    "NoInventory": QT_TRANSLATE_NOOP("CancelReasons", "Out of stock"),
    "BuyerCancelled": QT_TRANSLATE_NOOP("CancelReasons", "The buyer cancelled"),
    "ShippingAddressUndeliverable": QT_TRANSLATE_NOOP("CancelReasons", "The shipping address cannot be served"),
    "WrongCatalogData": QT_TRANSLATE_NOOP("CancelReasons", "Wrong catalogue data"),
    "GeneralAdjustment": QT_TRANSLATE_NOOP("CancelReasons", "General adjustment"),
    "MerchandiseNotReceived": QT_TRANSLATE_NOOP("CancelReasons", "Merchandise not received"),
    "DelayedInventory": QT_TRANSLATE_NOOP("CancelReasons", "Stock arrives too late"),
    "WrongPrice": QT_TRANSLATE_NOOP("CancelReasons", "Wrong price"),
    "NoReactionBuyer": QT_TRANSLATE_NOOP("CancelReasons", "The buyer does not answer"),
    "UndeliverableRegion": QT_TRANSLATE_NOOP("CancelReasons", "Region cannot be delivered to"),
    "cancelled": QT_TRANSLATE_NOOP("CancelReasons", "Cancel the whole order"),
}


def reason_text(code: str) -> str:
    if code in REASONS:
        return f"{QCoreApplication.translate('CancelReasons', REASONS[code])} ({code})"
    return code


class CancelDialog(QDialog):
    cancelled = Signal(object)  # EventOutcome

    def __init__(self, context: OrderContext, service: StatusService, jobs: StatusJobs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CancelDialog")
        self.context = context
        self.service = service
        self.jobs = jobs
        self.channel = context.channel
        self.outcome: EventOutcome | None = None
        self._busy = False
        order = context.order
        info = CHANNELS[self.channel]

        self.setWindowTitle(self.tr("Cancel order %1").replace("%1", order.order_number))
        self.setWindowIcon(icon("cancel"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        head = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(icon(f"channel:{self.channel.value}").pixmap(36, 36))
        head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(self)
        title.setTextFormat(Qt.TextFormat.RichText)
        heading = self.tr("Cancel order %1").replace("%1", order.order_number)
        title.setText(f"<span style='font-size: 12pt; font-weight: 600'>{html.escape(heading)}</span><br>"
                      f"{html.escape(info.display_name)} · {html.escape(order.account_name)}")
        head.addWidget(title, 1)
        layout.addLayout(head)

        layout.addWidget(QLabel(self.tr("Lines and pieces to cancel:"), self))
        self.lines = LinesTable(context.lines, self.tr("Cancel"), self)
        self.lines.changed.connect(self._validate)
        layout.addWidget(self.lines)
        if self.channel is Channel.SHOPWARE:
            self.lines.lock_all()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.reason_box = QComboBox(self)
        self.reason_box.setObjectName("ReasonBox")
        for code in CANCEL_REASONS[self.channel]:
            self.reason_box.addItem(reason_text(code), code)
        form.addRow(self.tr("&Reason:"), self.reason_box)
        layout.addLayout(form)
        note = QLabel(self)
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        if self.channel is Channel.OTTO:
            note.setText(self.tr("OTTO takes no reason with a cancellation by the seller; the reason is kept in the "
                                 "order's timeline."))
        elif self.channel is Channel.SHOPWARE:
            note.setText(self.tr("Shopware cancels whole orders only."))
        note.setVisible(bool(note.text()))
        layout.addWidget(note)
        self.hint = QLabel(self)
        self.hint.setObjectName("CancelHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        layout.addWidget(self.hint)
        self.error = QLabel(self)
        self.error.setObjectName("CancelError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)

        buttons = QDialogButtonBox(self)
        self.ok_button = QPushButton(icon("cancel"), self.tr("Cancel &pieces"), self)
        self.ok_button.setObjectName("CancelPiecesButton")
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._validate()

    def reason(self) -> str:
        return str(self.reason_box.currentData() or "")

    def set_reason(self, code: str) -> None:
        self.reason_box.setCurrentIndex(max(0, self.reason_box.findData(code)))

    def _validate(self) -> None:
        pieces = self.lines.pieces()
        if pieces == 0:
            self.hint.setText(self.tr("Choose at least one piece to cancel."))
        else:
            self.hint.setText(self.tr("%n piece(s) will be cancelled and the marketplace told so with the next "
                                      "transmission.", "", pieces))
        self.ok_button.setEnabled(not self._busy and pieces > 0)

    def submit(self) -> None:
        if self._busy or self.lines.pieces() == 0:
            return
        order_id, lines, reason, service = self.context.order.id, self.lines.requested(), self.reason(), self.service
        self._busy = True
        self.ok_button.setEnabled(False)
        self.jobs.submit(lambda: service.cancel(order_id, lines, reason), self._done, self._failed)

    def reject(self) -> None:
        if not self._busy:  # the answer is on its way: the dialog waits for it
            super().reject()

    def _done(self, outcome: EventOutcome) -> None:
        self._busy = False
        self.outcome = outcome
        self.cancelled.emit(outcome)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._validate()
        self.error.setText(self.tr("Nothing was cancelled: %1").replace("%1", error_text(error)))
        self.error.show()
