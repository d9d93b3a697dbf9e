"""Status & Shipping through the window against a real OTTO sandbox on a loopback port:
ship with a proposed carrier, the protocol in the queue, transmission, the log box, cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QToolButton

from app.domain.carriers import Carrier
from app.domain.orders import Channel
from app.domain.statuses import ProtocolState
from app.services.status import SETTING_SHIP_FROM, ShipRequest
from app.store import status_store as store
from app.ui.main_window import MainWindow
from tests.ui.sqldata import add_account, insert_orders
from tests.ui.status_desk import DHL, DHL_RETURN, UPS_BAD, choose, desk, open_orders, open_ship_dialog, queue_row

__all__ = ["desk"]  # the fixture


def test_ship_transmit_and_log_through_the_window(qtbot, desk, ui_ctx):
    window, actions = desk, desk.status_actions
    order_id, number = open_orders(ui_ctx, 1)[0]
    assert not actions.queue_dock.isVisible()
    choose(qtbot, window, order_id)
    qtbot.waitUntil(lambda: window.orders_view.detail.detail is not None, timeout=5_000)
    dialog = open_ship_dialog(qtbot, window)
    assert dialog.windowTitle() == f"Ship order {number}"
    spins = dialog.lines.spins
    assert spins and all(s.value() == s.maximum() > 0 for s in spins)  # default: every open piece
    assert "waits up to 3 h" in dialog.hint.text()  # no tracking number yet

    qtbot.keyClicks(dialog.tracking_edit, "0034 0434 1612 3456 7896")
    assert dialog.carrier() is Carrier.DHL_PAKET  # proposed from the number
    assert "proposed" in dialog.carrier_box.currentText()
    assert "check digit is correct" not in dialog.hint.text()  # OTTO still needs the return label
    assert "return label" in dialog.hint.text()
    qtbot.keyClicks(dialog.return_tracking_edit, DHL_RETURN)
    assert dialog.return_carrier() is Carrier.DHL_PAKET
    assert "check digit is correct" in dialog.hint.text()
    assert not dialog.skip_check.isVisible()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.outcome is not None and dialog.outcome.carrier_code == "DHL" and dialog.outcome.protocols

    # The protocol appears in the queue, which opened itself; the order's timeline shows the package.
    assert actions.queue_dock.isVisible()
    qtbot.waitUntil(lambda: queue_row(window, number) is not None, timeout=5_000)
    rec = queue_row(window, number)
    assert (rec.state, rec.event, rec.value, rec.attempts) == ("pending", "shipment_completed", "SENT", 0)
    qtbot.waitUntil(lambda: any(e.kind == "shipped" for e in window.orders_view.detail.detail.events),
                    timeout=5_000)
    assert f"Package 1 of order {number} recorded" in actions.last_message

    # Transmit from the ribbon, filtered to the channel.
    actions.set_transmit_filter("otto", "OTTO Nord")
    page = window.ribbon.widget(window.ribbon.index_of_key("shipping"))
    qtbot.mouseClick(page.findChild(QToolButton, "RibbonButton:transmit"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: actions.last_result is not None, timeout=30_000)
    assert "Status transmission (OTTO Nord)" in actions.last_message
    qtbot.waitUntil(lambda: queue_row(window, number).attempts == 1, timeout=5_000)
    rec = queue_row(window, number)
    assert actions.last_result.sent == 1 and actions.last_result.verified == 1
    assert rec.state == "sent" and rec.sent_at is not None and rec.verified is True
    model = actions.queue_view.model
    row = model.row_of(rec.id)
    assert model.index(row, 6).data() == "Sent" and model.index(row, 11).data() == "Confirmed"
    assert "1 sent (1 confirmed" in actions.last_message
    qtbot.waitUntil(lambda: any(number in m and m.endswith("sent") for m in window.log_dock.messages()),
                    timeout=5_000)
    log = window.log_dock.model
    qtbot.waitUntil(lambda: any(r.event == "status_run" for r in log.records()), timeout=5_000)
    row = next(i for i, r in enumerate(log.records()) if r.event == "status_run")
    assert log.index(row, 4).data() == ("Status transmission: 1 sent (1 confirmed, 0 not shown by the marketplace), "
                                        "0 deferred, 0 failed")
    qtbot.waitUntil(lambda: any(e.kind == "status_sent" for e in window.orders_view.detail.detail.events),
                    timeout=5_000)
    timeline = window.orders_view.detail.timeline
    kinds = [timeline.topLevelItem(i).text(1) for i in range(timeline.topLevelItemCount())]
    assert "Package shipped" in kinds and "Status sent to the marketplace" in kinds


def test_errors_are_shown_in_the_dialog_which_stays_open(qtbot, desk, ui_ctx):
    window = desk
    (order_id, number), = open_orders(ui_ctx, 1)
    choose(qtbot, window, order_id)
    dialog = open_ship_dialog(qtbot, window)

    # A wrong check digit: the carrier is still proposed, a hint says so, a checkbox confirms it.
    qtbot.keyClicks(dialog.tracking_edit, UPS_BAD)
    assert dialog.carrier() is Carrier.UPS
    assert "does not fit" in dialog.carrier_box.currentText()
    assert dialog.skip_check.isVisible()
    assert "check digit" in dialog.hint.text()

    # Another workstation ships the same pieces meanwhile: the service refuses, the dialog explains.
    ui_ctx.status.ship(ShipRequest(order_id, tracking_number=DHL, return_tracking_number=DHL_RETURN,
                                   return_carrier="dhl_paket"))
    dialog.tracking_edit.setText(DHL)
    qtbot.keyClicks(dialog.return_tracking_edit, DHL_RETURN)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "The package was not recorded" in dialog.error.text()
    assert "still open" in dialog.error.text() or "nothing left" in dialog.error.text()
    assert dialog.isVisible() and window.isVisible()
    assert dialog.ok_button.isEnabled()
    dialog.reject()

    # OTTO without the return label: refused before anything is written, in plain words.
    other_id, other = open_orders(ui_ctx, 2)[1]
    choose(qtbot, window, other_id)
    dialog = open_ship_dialog(qtbot, window)
    assert dialog is not None
    dialog.tracking_edit.setText(DHL)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "return" in dialog.error.text()
    assert dialog.isVisible()
    with ui_ctx.engine.connect() as conn:
        assert store.shipments_of(conn, other_id) == []
    # Confirming a number with a wrong check digit lets it through (skip_check_digit).
    dialog.tracking_edit.setText(UPS_BAD)
    dialog.select_carrier(Carrier.DHL_PAKET)
    dialog.select_carrier(Carrier.UPS)
    dialog.return_tracking_edit.setText(DHL_RETURN)
    dialog.select_return_carrier(Carrier.DHL_PAKET)
    dialog.skip_check.setChecked(True)
    assert "confirmed by you" in dialog.hint.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.outcome.carrier_code == "UPS"


def test_partial_shipment_of_chosen_pieces(qtbot, desk, ui_ctx):
    window = desk
    with ui_ctx.engine.connect() as conn:
        multi = next(oid for oid, _ in open_orders(ui_ctx, 40) if len(store.line_states(conn, oid)) > 1)
        lines = store.line_states(conn, multi)
    choose(qtbot, window, multi)
    dialog = open_ship_dialog(qtbot, window)
    for spin in dialog.lines.spins[1:]:
        spin.setValue(0)
    dialog.tracking_edit.setText(DHL)
    dialog.return_tracking_edit.setText(DHL_RETURN)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert [(ln.line_id, ln.quantity) for ln in dialog.outcome.lines] == [(lines[0].line_id, lines[0].quantity)]
    with ui_ctx.engine.connect() as conn:
        after = store.line_states(conn, multi)
    assert after[0].remaining == 0 and all(ln.remaining == ln.quantity for ln in after[1:])


def test_cancel_dialog_with_the_channels_reasons(qtbot, desk, ui_ctx):
    window, actions = desk, desk.status_actions
    (order_id, number), = open_orders(ui_ctx, 1)
    choose(qtbot, window, order_id)
    page = window.ribbon.widget(window.ribbon.index_of_key("shipping"))
    qtbot.mouseClick(page.findChild(QToolButton, "RibbonButton:cancel_order"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: actions.cancel_dialog is not None and actions.cancel_dialog.isVisible(), timeout=5_000)
    dialog = actions.cancel_dialog
    codes = [dialog.reason_box.itemData(i) for i in range(dialog.reason_box.count())]
    assert codes == ["CANCELLED_ON_PARTNER_WISH", "CANCELLED_ON_CUSTOMER_WISH"]
    assert dialog.reason_box.itemText(1) == "On the customer's wish (CANCELLED_ON_CUSTOMER_WISH)"
    dialog.set_reason("CANCELLED_ON_CUSTOMER_WISH")
    for spin in dialog.lines.spins:
        spin.setValue(0)
    assert not dialog.ok_button.isEnabled()
    dialog.lines.spins[0].setValue(1)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.outcome.lines[0].quantity == 1
    qtbot.waitUntil(lambda: queue_row(window, number) is not None, timeout=5_000)
    rec = queue_row(window, number)
    assert (rec.event, rec.status_type, rec.value, rec.state) == ("cancelled", "fulfillment",
                                                                  "CANCELLED_BY_PARTNER", "pending")
    assert rec.status.reason == "CANCELLED_ON_CUSTOMER_WISH"


def test_cancel_explains_channels_that_cannot_cancel(qtbot, ui_ctx, monkeypatch):
    account = add_account(ui_ctx, "Amazon DE", channel="amazon", base_url="http://127.0.0.1:9/amazon")
    insert_orders(ui_ctx.engine, account.id, 3, channel="amazon")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a, **k: shown.append(text))
    window = MainWindow(ui_ctx, refresh_ms=500, log_poll_ms=100)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.orders_view.model.rowCount() == 3, timeout=5_000)
        window.orders_view.table.selectRow(0)
        window.status_actions.cancel_action.trigger()
        qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
        assert "Amazon takes no cancellation" in shown[0] and "Seller Central" in shown[0]
        assert window.status_actions.cancel_dialog is None
    finally:
        window.shutdown()


def test_retry_and_discard_failed_protocols(qtbot, desk, ui_ctx, monkeypatch):
    actions = desk.status_actions
    orders = open_orders(ui_ctx, 3)
    ids = []
    for order_id, _ in orders:
        outcome = ui_ctx.status.ship(ShipRequest(order_id, tracking_number=DHL, return_tracking_number=DHL_RETURN,
                                                 return_carrier="dhl_paket"))
        ids.extend(outcome.protocols)
    now = ui_ctx.status.clock()
    for pid in ids[:2]:  # the marketplace refused two (as a transmission records it)
        assert store.move(ui_ctx.engine, pid, from_states=(ProtocolState.PENDING,),
                          to=ProtocolState.FAILED, now=now, error="409: wrong state")
    # the third was accepted, but reading the order back did not show it
    assert store.move(ui_ctx.engine, ids[2], from_states=(ProtocolState.PENDING,), to=ProtocolState.SENT, now=now)
    store.set_verification(ui_ctx.engine, ids[2], False, "OTTO shows the item PROCESSABLE", now)
    view = actions.queue_view
    actions.queue_action.trigger()
    assert actions.queue_dock.isVisible()
    view.set_filter("failed")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5_000)
    assert "2 failed" in view.count_label.text()
    assert not view.retry_button.isEnabled()
    view.select_protocol(ids[0])
    assert view.retry_button.isEnabled() and view.discard_button.isEnabled()
    assert "409: wrong state" in view.detail.text()
    view.retry_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5_000)
    assert ui_ctx.status.queue(states=["pending"])[0].id == ids[0]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.select_protocol(ids[1])
    view.discard_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5_000)
    view.set_filter("mismatch")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5_000)
    assert "1 not shown by the marketplace" in view.count_label.text()
    view.select_protocol(ids[2])
    assert "OTTO shows the item PROCESSABLE" in view.detail.text()
    assert view.retry_button.isEnabled() and not view.discard_button.isEnabled()
    view.retry_button.click()  # sent again with the next transmission
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5_000)
    view.set_filter("")
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5_000)
    states = {r.id: r.state for r in view.model.records()}
    assert states == {ids[0]: "pending", ids[1]: "discarded", ids[2]: "pending"}


def test_automatic_transmission_runs_enabled_channels(qtbot, ui_ctx, sandbox):
    info = sandbox.describe()["otto"]
    account = ui_ctx.accounts.add("otto", "OTTO Nord", info["base_url"])
    for field, value in info["credentials"].items():
        ui_ctx.secrets().set(account.secret_ref, field, value)
    assert ui_ctx.fetch.fetch("otto")[0].ok
    ui_ctx.status.set_setting(SETTING_SHIP_FROM, {"city": "Hamburg", "zipCode": "22089", "countryCode": "DEU"})
    (order_id, number), = open_orders(ui_ctx, 1)
    outcome = ui_ctx.status.ship(ShipRequest(order_id, tracking_number=DHL, return_tracking_number=DHL_RETURN,
                                             return_carrier="dhl_paket"))
    window = MainWindow(ui_ctx, refresh_ms=500, log_poll_ms=100, auto_tick_ms=150)
    qtbot.addWidget(window)
    try:
        auto = window.status_actions.auto
        qtbot.wait(600)  # switched off: nothing is sent
        assert ui_ctx.status.queue()[0].attempts == 0 and not auto.last_run
        ui_ctx.status.set_auto(Channel.OTTO, True, 60)  # the change queued while off goes out now
        with qtbot.waitSignal(auto.ran, timeout=30_000) as ran:
            pass
        runs = ran.args[0]
        assert [r.channel for r in runs] == ["otto"] and runs[0].result is not None
        rec = ui_ctx.status.queue()[0]
        assert rec.id == outcome.protocols[0] and rec.attempts == 1
        assert rec.state == "sent"
        qtbot.waitUntil(lambda: any(number in m for m in window.log_dock.messages() if "Status" in m),
                        timeout=5_000)
        qtbot.wait(600)  # the interval (60 min) has not passed: no second run
        assert ui_ctx.status.queue()[0].attempts == 1
        assert "Automatic status transmission (OTTO Market)" in window.status_actions.last_message
    finally:
        window.shutdown()
