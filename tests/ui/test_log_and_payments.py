"""Log box (channel filter, order numbers, copy, CSV) and payment receipts (channel/date filter, CSV)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from app.store import protocol_log, schema
from app.store.db import write_transaction
from app.store.protocol_log import Level
from app.ui.csv_export import write_csv
from app.ui.log_dock import ORDER_COLUMN, LogDock
from app.ui.payments_view import PaymentsView
from tests.ui.sqldata import add_account, insert_orders

RECEIPTS = schema.PaymentReceipt.__table__
ORDERS = schema.Order.__table__
BOM = b"\xef\xbb\xbf"

# (level, channel, order number, message)
LOG_ROWS = [
    ("info", "otto", "", "Seite 1 gelesen"),
    ("warning", "otto", "ON-1", "Bestellung ON-1 wartet auf Zahlung"),
    ("error", "otto", "ON-2", "Bestellung ON-2 konnte nicht gelesen werden: Größe fehlt"),
    ("info", "amazon", "", "Amazon: nichts Neues"),
    ("error", "amazon", "AM-7", "Amazon-Bestellung AM-7 ist kaputt"),
    ("error", "", "", "Datenbank voll"),
]


def _write_log(engine, rows=LOG_ROWS) -> None:  # type: ignore[no-untyped-def]
    with write_transaction(engine) as conn:
        for level, channel, number, message in rows:
            protocol_log.write(conn, Level(level), "test", message, channel=channel, account_name=f"{channel} Konto",
                               order_number=number)


@pytest.fixture
def dock(qtbot, ui_ctx):
    _write_log(ui_ctx.engine)
    widget = LogDock(ui_ctx.engine, worker=None)
    qtbot.addWidget(widget)
    widget.start()
    yield widget
    widget.stop()


def _shown_messages(dock: LogDock) -> list[str]:
    return [dock.proxy.index(r, 4).data() for r in range(dock.proxy.rowCount())]


def _choose(box, data) -> None:  # type: ignore[no-untyped-def]
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)


def test_log_level_and_channel_filters_combine(dock, qtmodeltester):
    assert len(_shown_messages(dock)) == 6
    _choose(dock.channel_box, "otto")
    assert _shown_messages(dock) == [r[3] for r in LOG_ROWS if r[1] == "otto"]
    _choose(dock.level_box, "error")
    assert _shown_messages(dock) == ["Bestellung ON-2 konnte nicht gelesen werden: Größe fehlt"]
    _choose(dock.channel_box, "amazon")
    assert _shown_messages(dock) == ["Amazon-Bestellung AM-7 ist kaputt"]
    _choose(dock.channel_box, "")
    assert len(_shown_messages(dock)) == 3  # every error, also the one without a channel
    _choose(dock.level_box, "warning")
    _choose(dock.channel_box, "otto")
    assert len(_shown_messages(dock)) == 2
    assert "shown" in dock.count_label.text()
    qtmodeltester.check(dock.proxy)
    qtmodeltester.check(dock.model)


def test_channel_box_lists_every_channel(dock):
    from app.channels.registry import CHANNELS

    names = [dock.channel_box.itemText(i) for i in range(dock.channel_box.count())]
    assert names[0] == "All channels" and names[1:] == [info.display_name for info in CHANNELS.values()]


def test_order_number_column_is_shown_before_the_message(dock):
    header = dock.table.horizontalHeader()
    assert header.visualIndex(ORDER_COLUMN) == header.visualIndex(4) - 1
    assert dock.model.headerData(ORDER_COLUMN, Qt.Orientation.Horizontal) == "Order"
    numbers = [dock.proxy.index(r, ORDER_COLUMN).data() for r in range(dock.proxy.rowCount())]
    assert numbers == [r[2] for r in LOG_ROWS]


def test_copy_puts_selected_rows_on_the_clipboard(dock, qtbot):
    dock.show()
    qtbot.waitExposed(dock)
    _choose(dock.channel_box, "otto")
    selection = dock.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(dock.proxy.index(2, 0), flags)
    selection.select(dock.proxy.index(1, 0), flags)
    QGuiApplication.clipboard().clear()
    dock.copy_button.click()
    text = QGuiApplication.clipboard().text()
    lines = text.rstrip("\n").split("\n")
    assert len(lines) == 2
    first, second = (line.split("\t") for line in lines)
    assert first[1:] == ["Warning", "OTTO Market", "otto Konto", "ON-1", "Bestellung ON-1 wartet auf Zahlung"]
    assert second[1:] == ["Error", "OTTO Market", "otto Konto", "ON-2",
                          "Bestellung ON-2 konnte nicht gelesen werden: Größe fehlt"]
    assert len(first[0]) == len("2024-05-01 08:00:00")


def test_copy_shortcut(dock, qtbot):
    dock.show()
    qtbot.waitExposed(dock)
    dock.activateWindow()
    dock.table.selectRow(0)
    dock.table.setFocus()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(dock.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text().endswith("Seite 1 gelesen\n"), timeout=2_000)


def _read_csv(path: Path) -> tuple[bytes, list[list[str]]]:
    raw = path.read_bytes()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return raw, list(csv.reader(handle, delimiter=";"))


def test_log_export_has_every_matching_stored_entry(qtbot, ui_ctx, tmp_path, monkeypatch):
    _write_log(ui_ctx.engine)
    _write_log(ui_ctx.engine, [("error", "otto", f"ON-{i}", f"Fehler {i}") for i in range(2500)])
    dock = LogDock(ui_ctx.engine, worker=None)
    qtbot.addWidget(dock)
    dock.start(initial=3)  # only three loaded: the export must read the database
    try:
        assert dock.model.rowCount() == 3
        _choose(dock.channel_box, "otto")
        _choose(dock.level_box, "warning")
        target = tmp_path / "log"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
        dock.export_button.click()
        raw, rows = _read_csv(tmp_path / "log.csv")  # ".csv" added
        assert raw.startswith(BOM)
        assert rows[0] == ["Time", "Level", "Channel", "Account", "Order", "Message"]
        assert len(rows) == 1 + 2 + 2500
        assert rows[1][1:] == ["Warning", "OTTO Market", "otto Konto", "ON-1", "Bestellung ON-1 wartet auf Zahlung"]
        assert rows[2][4:] == ["ON-2", "Bestellung ON-2 konnte nicht gelesen werden: Größe fehlt"]
        assert rows[-1][4:] == ["ON-2499", "Fehler 2499"]
        assert {r[2] for r in rows[1:]} == {"OTTO Market"}

        _choose(dock.channel_box, "")
        _choose(dock.level_box, "error")
        assert dock.export_csv(str(target) + "2.csv") == 3 + 2500

        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: ("", ""))
        assert dock.export_csv() is None  # cancelled
    finally:
        dock.stop()


def test_csv_writer_format(tmp_path):
    path = tmp_path / "x.csv"
    assert write_csv(path, ["a", "b"], iter([["Müller; Söhne", "1.50"], ["x\ny", None]])) == 2
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    assert raw[3:].decode("utf-8") == 'a;b\r\n"Müller; Söhne";1.50\r\n"x\ny";\r\n'


# --- payments ------------------------------------------------------------------------------

DAY = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # noon UTC: the same calendar day in every European zone


@pytest.fixture
def receipts(ui_ctx):
    otto = add_account(ui_ctx, "Müller OTTO")
    amazon = add_account(ui_ctx, "Amazon Shop", channel="amazon", base_url="http://127.0.0.1:9/amazon")
    insert_orders(ui_ctx.engine, otto.id, 3, start=0, channel="otto")
    insert_orders(ui_ctx.engine, amazon.id, 2, start=100, channel="amazon")
    with ui_ctx.engine.connect() as conn:
        order = dict(conn.execute(select(ORDERS.c.order_number, ORDERS.c.id)).all())
    spec = [  # order number, kind, amount, day offset
        ("ON-000000", "payment", 1999, 0),
        ("ON-000000", "refund", 500, 2),
        ("ON-000001", "payment", 100000, 1),
        ("ON-000002", "payment", 7, 2),
        ("ON-000100", "payment", 4250, 1),
        ("ON-000101", "refund", 4250, 3),
    ]
    rows = [{"receipt_key": f"k{i}", "order_id": order[number], "kind": kind, "payment_system": "OTTO Market",
             "amount_minor": amount, "currency": "EUR", "line_id": "L1" if kind == "refund" else "",
             "created_at": DAY + timedelta(days=offset)}
            for i, (number, kind, amount, offset) in enumerate(spec)]
    with write_transaction(ui_ctx.engine) as conn:
        conn.execute(RECEIPTS.insert(), rows)
    return ui_ctx


@pytest.fixture
def payments(qtbot, receipts):
    view = PaymentsView(receipts.engine)
    qtbot.addWidget(view)
    view.reload()
    return view


def _numbers(view: PaymentsView) -> list[str]:
    return sorted(view.model.index(r, 1).data() for r in range(view.model.rowCount()))


def test_payments_filter_by_channel_and_dates(payments, qtmodeltester):
    view = payments
    assert view.model.rowCount() == 6
    qtmodeltester.check(view.model)
    _choose(view.channel_box, "amazon")
    assert _numbers(view) == ["ON-000100", "ON-000101"]
    _choose(view.channel_box, "otto")
    assert _numbers(view) == ["ON-000000", "ON-000000", "ON-000001", "ON-000002"]
    view.set_dates(date(2024, 5, 2), date(2024, 5, 3))  # inclusive on both ends
    assert _numbers(view) == ["ON-000000", "ON-000001", "ON-000002"]
    qtmodeltester.check(view.model)
    _choose(view.channel_box, "")
    assert _numbers(view) == ["ON-000000", "ON-000001", "ON-000002", "ON-000100"]
    view.set_dates(date(2024, 5, 2), date(2024, 5, 2))  # a single day
    assert _numbers(view) == ["ON-000001", "ON-000100"]
    view.set_dates(None, date(2024, 5, 1))
    assert _numbers(view) == ["ON-000000"]
    view.set_dates(date(2024, 5, 4), None)
    assert _numbers(view) == ["ON-000101"]
    view.set_dates(date(2024, 5, 5), None)
    assert view.model.rowCount() == 0
    qtmodeltester.check(view.model)
    view.clear_dates()
    assert view.model.rowCount() == 6
    assert view.date_from.text() == "any"
    view.date_to.setDate(view.date_to.date().__class__(2024, 5, 1))  # typed by the user
    assert _numbers(view) == ["ON-000000"]
    assert view.count_label.text() == "1 receipts"


def test_payments_csv_has_exactly_the_filtered_receipts(payments, tmp_path, monkeypatch):
    view = payments
    _choose(view.channel_box, "otto")
    view.set_dates(date(2024, 5, 1), date(2024, 5, 3))
    target = tmp_path / "zahlungen.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    view.model.CACHE_LIMIT = 0  # the cache is no source: the export reads SQL
    view.export_button.click()
    raw, rows = _read_csv(target)
    assert raw.startswith(BOM)
    assert b";" in raw.splitlines()[0] and b"," not in raw.splitlines()[0]
    assert "Müller OTTO".encode() in raw
    assert rows[0] == ["Recorded", "Order number", "Channel", "Account", "Payment system", "Kind", "Amount",
                       "Currency", "Line"]
    body = rows[1:]
    # The view's order: newest first.
    assert [(r[1], r[5], r[6]) for r in body] == [
        ("ON-000002", "Payment", "0.07"),
        ("ON-000000", "Refund", "-5.00"),
        ("ON-000001", "Payment", "1000.00"),
        ("ON-000000", "Payment", "19.99"),
    ]
    assert {r[2] for r in body} == {"OTTO Market"} and {r[3] for r in body} == {"Müller OTTO"}
    assert [r[8] for r in body] == ["", "L1", "", ""]
    assert all(len(r) == 9 and r[7] == "EUR" for r in body)
    assert body[-1][0].startswith("2024-05-01 ")

    view.model.set_search("ON-000001")
    assert view.export_csv(str(tmp_path / "one.csv")) == 1
    view.model.sort(6, Qt.SortOrder.AscendingOrder)
    view.model.set_search("")
    view.clear_dates()
    _choose(view.channel_box, "")
    assert view.export_csv(str(tmp_path / "all.csv")) == 6
    _, rows = _read_csv(tmp_path / "all.csv")
    assert [r[6] for r in rows[1:]] == ["0.07", "-5.00", "19.99", "42.50", "-42.50", "1000.00"]


def test_payments_export_cancelled_writes_nothing(payments, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: ("", ""))
    assert payments.export_csv() is None
    assert list(tmp_path.glob("*.csv")) == []


def test_date_popup_at_any_opens_at_this_month(payments, qtbot):
    from PySide6.QtCore import QDate, QPoint

    payments.resize(900, 400)
    payments.show()
    qtbot.waitExposed(payments)
    edit = payments.date_to
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() - 5, edit.height() // 2))
    calendar = edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible, timeout=2_000)
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    assert payments.model.filters()["date_to"] is None  # opening the popup filters nothing
    calendar.window().hide()
