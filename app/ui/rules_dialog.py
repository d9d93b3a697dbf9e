"""The status rules editor: per channel, which OrderDesk event sends which status, and a preview
of exactly the calls a chosen order would cause, computed by the sender that sends them.

The preview uses the rules as edited (also switched-off and unsaved ones), so a rule can be
checked before it is switched on.
"""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.channels.registry import CHANNELS
from app.domain.carriers import detect
from app.domain.orders import Channel
from app.domain.statuses import CHANNEL_VALUES, StatusRule, check_rule
from app.services.status import PreviewItem, ShipRequest, StatusService
from app.ui.icons import icon
from app.ui.ship_dialog import ERROR_STYLE, NOTE_STYLE, OK_STYLE
from app.ui.status_jobs import StatusJobs, error_text
from app.ui.status_queue_model import event_label, type_label

Index = QModelIndex | QPersistentModelIndex

RULE_COLUMNS = (
    ("event", QT_TRANSLATE_NOOP("RulesModel", "When")),
    ("status_type", QT_TRANSLATE_NOOP("RulesModel", "Status type")),
    ("value", QT_TRANSLATE_NOOP("RulesModel", "Value sent")),
    ("enabled", QT_TRANSLATE_NOOP("RulesModel", "Switched on")),
)
VALUE_COLUMN = 2
ENABLED_COLUMN = 3


class RulesModel(QAbstractTableModel):
    """One channel's rules; the value is edited with a combo of the channel's values, the switch
    with a check box. ``changed_rules()`` are those that differ from what was loaded."""

    def __init__(self, channel: Channel, rules: list[StatusRule], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.channel = channel
        self._rules = [r for r in rules if r.channel is channel]
        self._saved = list(self._rules)

    def rules(self) -> list[StatusRule]:
        return list(self._rules)

    def rule(self, row: int) -> StatusRule | None:
        return self._rules[row] if 0 <= row < len(self._rules) else None

    def changed_rules(self) -> list[StatusRule]:
        return [r for r, saved in zip(self._rules, self._saved) if r != saved]

    def mark_saved(self) -> None:
        self._saved = list(self._rules)

    def values(self, row: int) -> tuple[str, ...]:
        rule = self.rule(row)
        return CHANNEL_VALUES[self.channel].get(rule.status_type, ()) if rule else ()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RULE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and \
                0 <= section < len(RULE_COLUMNS):
            return self.tr(RULE_COLUMNS[section][1])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == VALUE_COLUMN and len(self.values(index.row())) > 1:
            flags |= Qt.ItemFlag.ItemIsEditable
        if index.column() == ENABLED_COLUMN:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rule = self.rule(index.row()) if index.isValid() else None
        if rule is None or not 0 <= index.column() < len(RULE_COLUMNS):
            return None
        key = RULE_COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if key == "event":
                return event_label(rule.event.value)
            if key == "status_type":
                return type_label(rule.status_type.value)
            if key == "value":
                return rule.value
            if key == "enabled":
                return self.tr("on") if rule.enabled else self.tr("off")
        if role == Qt.ItemDataRole.CheckStateRole and key == "enabled":
            return Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and key == "value":
            return self.tr("Possible values: %1").replace("%1", ", ".join(self.values(index.row())))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        rule = self.rule(index.row()) if index.isValid() else None
        if rule is None:
            return False
        if index.column() == VALUE_COLUMN and role == Qt.ItemDataRole.EditRole:
            new = StatusRule(rule.channel, rule.event, rule.status_type, str(value), rule.enabled)
            try:
                check_rule(new)
            except ValueError:
                return False
        elif index.column() == ENABLED_COLUMN and role == Qt.ItemDataRole.CheckStateRole:
            state = value.value if isinstance(value, Qt.CheckState) else int(value)
            new = StatusRule(rule.channel, rule.event, rule.status_type, rule.value,
                             state == Qt.CheckState.Checked.value)
        else:
            return False
        if new == rule:
            return True
        self._rules[index.row()] = new
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(RULE_COLUMNS) - 1))
        return True


class ValueDelegate(QStyledItemDelegate):
    """A combo of the values the channel accepts for the rule's status type."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        box = QComboBox(parent)
        model = index.model()
        if isinstance(model, RulesModel):
            box.addItems(list(model.values(index.row())))
        box.activated.connect(lambda _i, b=box: self.commitData.emit(b))
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findText(str(index.data(Qt.ItemDataRole.EditRole)))))

    def setModelData(self, editor: QWidget, model, index: Index) -> None:  # type: ignore[no-untyped-def]
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class RulesDialog(QDialog):
    def __init__(self, rules: list[StatusRule], service: StatusService, jobs: StatusJobs, *,
                 order_number: str = "", channel: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RulesDialog")
        self.service = service
        self.jobs = jobs
        self._saving = False
        self._previewing = False
        self.last_preview: list[PreviewItem] | None = None
        self.setWindowTitle(self.tr("Status rules"))
        self.setWindowIcon(icon("rules"))
        self.resize(900, 680)

        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("When something happens to an order in OrderDesk, each switched-on rule of its channel "
                               "queues a status for the marketplace. Check a rule with the preview before you "
                               "switch it on."), self)
        intro.setWordWrap(True)
        intro.setStyleSheet(NOTE_STYLE)
        layout.addWidget(intro)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget(splitter)
        self.tabs.setObjectName("RulesTabs")
        self.models: dict[Channel, RulesModel] = {}
        self.tables: dict[Channel, QTableView] = {}
        for info in CHANNELS.values():
            model = RulesModel(info.channel, rules, self)
            model.dataChanged.connect(self._edited)
            table = QTableView(self.tabs)
            table.setObjectName(f"RulesTable:{info.channel.value}")
            table.setModel(model)
            table.setItemDelegateForColumn(VALUE_COLUMN, ValueDelegate(table))  # one per view: it commits to it
            table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
            table.verticalHeader().hide()
            table.verticalHeader().setDefaultSectionSize(max(table.fontMetrics().height() + 14, 30))
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(VALUE_COLUMN, QHeaderView.ResizeMode.Stretch)
            for row in range(model.rowCount()):
                if model.flags(model.index(row, VALUE_COLUMN)) & Qt.ItemFlag.ItemIsEditable:
                    table.openPersistentEditor(model.index(row, VALUE_COLUMN))
            self.models[info.channel] = model
            self.tables[info.channel] = table
            self.tabs.addTab(table, icon(f"channel:{info.channel.value}"), info.display_name)
        if channel:
            self.show_channel(channel)

        preview = QGroupBox(self.tr("Preview"), splitter)
        box = QVBoxLayout(preview)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Order:"), preview))
        self.order_edit = QLineEdit(order_number, preview)
        self.order_edit.setObjectName("PreviewOrderEdit")
        self.order_edit.setPlaceholderText(self.tr("Order number or #id"))
        self.order_edit.returnPressed.connect(self.preview)
        row.addWidget(self.order_edit, 1)
        row.addWidget(QLabel(self.tr("Package: tracking"), preview))
        self.tracking_edit = QLineEdit(preview)
        self.tracking_edit.setObjectName("PreviewTrackingEdit")
        self.tracking_edit.setPlaceholderText(self.tr("optional"))
        self.tracking_edit.setToolTip(self.tr("Shipments are previewed as one package of every open line, with this "
                                              "tracking number (empty: it waits for one)"))
        row.addWidget(self.tracking_edit, 1)
        row.addWidget(QLabel(self.tr("return tracking (OTTO)"), preview))
        self.return_edit = QLineEdit(preview)
        self.return_edit.setObjectName("PreviewReturnEdit")
        self.return_edit.setPlaceholderText(self.tr("optional"))
        row.addWidget(self.return_edit, 1)
        self.preview_button = QPushButton(icon("refresh"), self.tr("Show &preview"), preview)
        self.preview_button.setObjectName("PreviewButton")
        self.preview_button.clicked.connect(self.preview)
        row.addWidget(self.preview_button)
        box.addLayout(row)
        self.preview_view = QTextBrowser(preview)
        self.preview_view.setObjectName("PreviewView")
        self.preview_view.setOpenLinks(False)
        self.preview_view.setPlaceholderText(self.tr("Choose an order and show the preview: for every rule of its "
                                                     "channel, the calls that would be sent, with their JSON bodies."))
        box.addWidget(self.preview_view, 1)
        splitter.addWidget(self.tabs)
        splitter.addWidget(preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

        self.status = QLabel(self)
        self.status.setObjectName("RulesStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(icon("check"), self.tr("&Save rules"), self)
        self.save_button.setObjectName("SaveRulesButton")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    # --- editing --------------------------------------------------------------------------------
    def show_channel(self, channel: str | Channel) -> None:
        table = self.tables.get(Channel(channel))
        if table is not None:
            self.tabs.setCurrentWidget(table)

    def all_rules(self) -> list[StatusRule]:
        return [rule for model in self.models.values() for rule in model.rules()]

    def changed_rules(self) -> list[StatusRule]:
        return [rule for model in self.models.values() for rule in model.changed_rules()]

    def _edited(self, *_args: object) -> None:
        self.save_button.setEnabled(bool(self.changed_rules()) and not self._saving)
        self.status.hide()

    def save(self) -> None:
        changed = self.changed_rules()
        if not changed or self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        service = self.service

        def job() -> int:
            for rule in changed:
                service.save_rule(rule)
            return len(changed)

        self.jobs.submit(job, self._saved, self._save_failed)

    def _saved(self, count: int) -> None:
        self._saving = False
        for model in self.models.values():
            model.mark_saved()
        self._say(self.tr("%n rule(s) saved.", "", count), OK_STYLE)
        self._edited()
        self.status.show()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._edited()
        self._say(self.tr("The rules were not saved: %1").replace("%1", error_text(error)), ERROR_STYLE)

    def _say(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)
        self.status.show()

    # --- preview --------------------------------------------------------------------------------
    def preview(self) -> None:
        order = self.order_edit.text().strip()
        if not order:
            self._preview_message(self.tr("Enter an order number first."))
            return
        if self._previewing:
            return
        self._previewing = True
        self.preview_button.setEnabled(False)
        self._preview_message(self.tr("Computing the calls…"))
        rules, service = self.all_rules(), self.service
        tracking, returns = self.tracking_edit.text().strip(), self.return_edit.text().strip()
        return_carrier = next((c.carrier.value for c in detect(returns)), None) if returns else None
        package = (ShipRequest(order, tracking_number=tracking, return_tracking_number=returns,
                               return_carrier=return_carrier) if tracking else None)
        self.jobs.submit(lambda: service.preview(order, rules, ship=package), self._previewed, self._preview_failed)

    def _previewed(self, items: list[PreviewItem]) -> None:
        self._previewing = False
        self.preview_button.setEnabled(True)
        self.last_preview = items
        if items:
            self.show_channel(items[0].rule.channel)
        self.preview_view.setHtml(self.preview_html(items))

    def _preview_failed(self, error: BaseException) -> None:
        self._previewing = False
        self.preview_button.setEnabled(True)
        self.last_preview = None
        self._preview_message(self.tr("No preview: %1").replace("%1", error_text(error)), "#8c1d18")

    def _preview_message(self, text: str, color: str = "") -> None:
        style = f" style='color: {color}'" if color else ""
        self.preview_view.setHtml(f"<p{style}>{html.escape(text)}</p>")

    def preview_html(self, items: list[PreviewItem]) -> str:
        """Each rule with exactly the calls it would make (method, path, JSON body), or its problem."""
        esc = html.escape
        if not items:
            empty = self.tr("This channel has no status rules.")
            return f"<p>{esc(empty)}</p>"
        parts = []
        for item in items:
            rule = item.rule
            state = self.tr("switched on") if rule.enabled else self.tr("switched off")
            parts.append(f"<h4 style='margin: 8px 0 2px 0'>{esc(event_label(rule.event.value))} → "
                         f"{esc(type_label(rule.status_type.value))} “{esc(rule.value)}” "
                         f"<span style='color: #5c6670; font-weight: normal'>({esc(state)})</span></h4>")
            if item.problem:
                problem = self.tr("Nothing can be sent: %1").replace("%1", item.problem)
                parts.append(f"<p style='color: #8c1d18; margin: 2px 0'>{esc(problem)}</p>")
                continue
            if not item.calls:
                nothing = self.tr("No call: the marketplace already shows this.")
                parts.append(f"<p style='margin: 2px 0'>{esc(nothing)}</p>")
            for call in item.calls:
                body = json.dumps(call.body, indent=2, ensure_ascii=False, default=str) if call.body is not None else ""
                note = f"<div style='color: #5c6670'>{esc(call.note)}</div>" if call.note else ""
                parts.append(f"<pre style='background: #f3f6f9; margin: 2px 0 6px 0; padding: 4px'>"
                             f"<b>{esc(call.method)} {esc(call.path)}</b>" + (f"\n{esc(body)}" if body else "")
                             + f"</pre>{note}")
        return "".join(parts)

    def preview_text(self) -> str:
        return self.preview_view.toPlainText()

    # --- closing --------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.changed_rules() and not self._saving:
            answer = QMessageBox.question(
                self, self.tr("Unsaved rules"), self.tr("Save the changed status rules?"),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                self.save()
        super().closeEvent(event)
