"""The status rules editor with its preview, the Status & Shipping settings, and adding a tracking
number to a waiting package, through the window against the OTTO sandbox."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from app.domain.orders import Channel
from app.domain.statuses import StatusEvent, StatusRule, StatusType
from app.services.status import SETTING_SHIP_FROM, ShipRequest
from app.ui.rules_dialog import ENABLED_COLUMN, VALUE_COLUMN, RulesDialog, RulesModel
from tests.ui.status_desk import DHL, DHL_RETURN, choose, desk, open_orders, queue_row

__all__ = ["desk"]  # the fixture


def click(qtbot, window, name: str) -> None:  # type: ignore[no-untyped-def]
    page = window.ribbon.widget(window.ribbon.index_of_key("shipping"))
    qtbot.mouseClick(page.findChild(QToolButton, f"RibbonButton:{name}"), Qt.MouseButton.LeftButton)


def test_rules_model_contract(qtmodeltester, qapp):
    rules = [StatusRule(Channel.SHOPWARE, StatusEvent.PAYMENT_SETTLED, StatusType.PAYMENT, "paid"),
             StatusRule(Channel.SHOPWARE, StatusEvent.CANCELLED, StatusType.FULFILLMENT, "cancelled", False),
             StatusRule(Channel.OTTO, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "SENT")]
    model = RulesModel(Channel.SHOPWARE, rules)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 0).data() == "Payment settled" and model.index(0, 1).data() == "Payment"
    assert model.index(1, ENABLED_COLUMN).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert not model.setData(model.index(0, VALUE_COLUMN), "shipped")  # not a payment state of Shopware
    assert model.setData(model.index(0, VALUE_COLUMN), "refunded")
    assert model.setData(model.index(1, ENABLED_COLUMN), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert [(r.value, r.enabled) for r in model.changed_rules()] == [("refunded", True), ("cancelled", True)]
    qtmodeltester.check(model)


def test_rules_editor_saves_and_previews_the_calls(qtbot, desk, ui_ctx):
    window, actions = desk, desk.status_actions
    (order_id, number), = open_orders(ui_ctx, 1)
    choose(qtbot, window, order_id)
    qtbot.waitUntil(lambda: window.orders_view.detail.detail is not None, timeout=5_000)
    click(qtbot, window, "status_rules")
    qtbot.waitUntil(lambda: actions.rules_dialog is not None and actions.rules_dialog.isVisible(), timeout=5_000)
    dialog: RulesDialog = actions.rules_dialog
    assert dialog.order_edit.text() == number
    assert dialog.tabs.currentWidget() is dialog.tables[Channel.OTTO]
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "OTTO Market", "Amazon", "eBay", "Kaufland", "Shopware 6"]

    # Shopware: a paid invoice reports "paid_partially"; OTTO: cancellations switched off.
    shopware = dialog.models[Channel.SHOPWARE]
    row = next(r for r in range(shopware.rowCount()) if shopware.rule(r).event is StatusEvent.PAYMENT_SETTLED)
    editor = dialog.tables[Channel.SHOPWARE].indexWidget(shopware.index(row, VALUE_COLUMN))
    assert [editor.itemText(i) for i in range(editor.count())] == ["paid", "paid_partially", "refunded", "cancelled"]
    editor.setCurrentIndex(editor.findText("paid_partially"))
    editor.activated.emit(editor.currentIndex())
    otto = dialog.models[Channel.OTTO]
    cancel_row = next(r for r in range(otto.rowCount()) if otto.rule(r).event is StatusEvent.CANCELLED)
    assert otto.setData(otto.index(cancel_row, ENABLED_COLUMN), Qt.CheckState.Unchecked.value,
                        Qt.ItemDataRole.CheckStateRole)
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.changed_rules() and dialog.status.isVisible(), timeout=5_000)
    assert dialog.status.text() == "2 rule(s) saved."
    saved = {(r.channel, r.event): r for r in ui_ctx.status.rules()}
    assert saved[(Channel.SHOPWARE, StatusEvent.PAYMENT_SETTLED)].value == "paid_partially"
    assert saved[(Channel.OTTO, StatusEvent.CANCELLED)].enabled is False

    # The preview: for each OTTO rule the exact call, also for the switched-off one.
    dialog.tracking_edit.setText(DHL)
    dialog.return_edit.setText(DHL_RETURN)
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: dialog.last_preview is not None, timeout=15_000)
    items = {item.rule.event: item for item in dialog.last_preview}
    assert set(items) == {StatusEvent.SHIPMENT_COMPLETED, StatusEvent.CANCELLED}
    ship = items[StatusEvent.SHIPMENT_COMPLETED]
    assert not ship.problem and [(c.method, c.path) for c in ship.calls] == [("POST", "/v1/shipments")]
    text = dialog.preview_text()
    assert "POST /v1/shipments" in text and DHL in text and '"trackingKey"' in text
    assert "(switched off)" in text and "/cancellation" in text
    assert "Cancelled → Fulfillment “CANCELLED_BY_PARTNER”" in text

    # What the preview showed is what is then sent.
    ui_ctx.status.ship(ShipRequest(order_id, tracking_number=DHL, return_tracking_number=DHL_RETURN,
                                   return_carrier="dhl_paket"))
    actions.transmit()
    qtbot.waitUntil(lambda: actions.last_result is not None, timeout=30_000)
    rec = ui_ctx.status.queue(order=order_id)[0]
    assert rec.state == "sent"
    sent = json.loads(rec.sent_request)
    assert [(c["method"], c["path"]) for c in sent] == [("POST", "/v1/shipments")]
    assert sent[0]["body"]["trackingKey"] == ship.calls[0].body["trackingKey"]
    for key in ("positionItems", "shipFromAddress"):  # incl. each item's returnTrackingKey
        assert sent[0]["body"][key] == ship.calls[0].body[key]

    # A problem is shown instead of calls.
    dialog.order_edit.setText("NO-SUCH-ORDER")
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: "No preview" in dialog.preview_text(), timeout=10_000)
    assert "no such order" in dialog.preview_text()
    dialog.close()


def test_settings_are_saved(qtbot, desk, ui_ctx):
    window, actions = desk, desk.status_actions
    click(qtbot, window, "status_settings")
    qtbot.waitUntil(lambda: actions.settings_dialog is not None and actions.settings_dialog.isVisible(),
                    timeout=5_000)
    dialog = actions.settings_dialog
    assert dialog.wait_spin.value() == 3.0
    assert dialog.city_edit.text() == "Hamburg" and dialog.country_edit.text() == "DEU"
    assert not dialog.auto_checks["otto"].isChecked() and not dialog.interval_spins["otto"].isEnabled()
    dialog.wait_spin.setValue(1.5)
    dialog.auto_checks["otto"].setChecked(True)
    dialog.interval_spins["otto"].setValue(5)
    dialog.city_edit.setText("Bremen")
    dialog.zip_edit.setText("28195")
    dialog.country_edit.setText("DE")  # two letters: OTTO wants alpha-3
    dialog.ok_button.click()
    assert dialog.error.isVisible() and "three-letter" in dialog.error.text()
    assert dialog.isVisible()
    dialog.country_edit.setText("deu")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    status = ui_ctx.status
    assert status.tracking_wait().total_seconds() == 90 * 60
    assert status.auto_settings()["otto"] == {"enabled": True, "interval_minutes": 5}
    assert status.auto_settings()["amazon"]["enabled"] is False
    assert status.setting(SETTING_SHIP_FROM) == {"city": "Bremen", "zipCode": "28195", "countryCode": "DEU"}
    assert actions.last_message == "Status & Shipping settings saved."


def test_tracking_added_to_a_waiting_package(qtbot, desk, ui_ctx):
    window, actions = desk, desk.status_actions
    (order_id, number), = open_orders(ui_ctx, 1)
    outcome = ui_ctx.status.ship(ShipRequest(order_id))  # no tracking number yet
    assert outcome.waiting
    actions.show_queue()
    view = actions.queue_view
    view.refresh()
    qtbot.waitUntil(lambda: queue_row(window, number) is not None, timeout=5_000)
    assert queue_row(window, number).state == "waiting"
    assert view.model.index(view.model.row_of(outcome.protocols[0]), 9).data().startswith("waits until")
    view.select_protocol(outcome.protocols[0])
    assert view.tracking_button.isEnabled() and view.retry_button.isEnabled()
    view.tracking_button.click()
    dialog = view.tracking_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=2_000)
    qtbot.keyClicks(dialog.tracking_edit, DHL)
    assert dialog.carrier_box.currentData() == "dhl_paket"
    dialog.ok_button.click()  # OTTO: a parcel needs its return label too; the dialog stays open and says so
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5_000)
    assert "return" in dialog.error.text() and queue_row(window, number).state == "waiting"
    qtbot.keyClicks(dialog.return_edit, DHL_RETURN)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: queue_row(window, number).state == "pending", timeout=5_000)
    assert queue_row(window, number).status.tracking_number == DHL
