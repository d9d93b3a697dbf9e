"""The status queue model: Qt's model contract, merging refreshes row by row, the read-back flag."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QFont

from app.domain.orders import Channel
from app.domain.statuses import OutboundStatus, StatusEvent, StatusLine, StatusType
from app.store.status_store import ProtocolRecord
from app.ui.status_queue_model import KEYS, StatusQueueModel

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def record(pid: int, state: str = "pending", *, verified: bool | None = None, error: str = "",
           attempts: int = 0) -> ProtocolRecord:
    status = OutboundStatus(Channel.OTTO, StatusEvent.SHIPMENT_COMPLETED, StatusType.DELIVERY, "SENT", pid,
                            f"mp-{pid}", f"ON-{pid}", (StatusLine(f"l{pid}", "SKU-1", 1),), True, 1,
                            "00340434161234567896", "dhl_paket", "DHL")
    return ProtocolRecord(pid, pid, f"ON-{pid}", 1, "OTTO Nord", "otto", "shipment_completed", "delivery", "SENT",
                          state, attempts, error, AT + timedelta(minutes=5), None,
                          AT if state == "sent" else None, verified, "shows SENT" if verified else "", AT,
                          status.to_json(), "")


def column(key: str) -> int:
    return KEYS.index(key)


def test_model_contract_and_texts(qtmodeltester):
    model = StatusQueueModel()
    model.set_records([record(5, "failed", error="409: wrong state", attempts=2), record(4, "sent", verified=True),
                       record(3, "sent", verified=False), record(2, "waiting"), record(1, "discarded")])
    qtmodeltester.check(model)
    assert model.rowCount() == 5 and model.columnCount() == len(KEYS) == 12
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(12)] == [
        "Order number", "Channel", "Account", "Event", "Type", "Value", "State", "Attempts", "Last error",
        "Next try", "Sent at", "Read-back"]
    row = [model.index(0, c).data() for c in range(12)]
    assert row[:9] == ["ON-5", "OTTO Market", "OTTO Nord", "Shipment completed", "Delivery", "SENT", "Failed", "2",
                       "409: wrong state"]
    assert model.index(1, column("read_back")).data() == "Confirmed"
    assert model.index(3, column("state")).data() == "Waiting for tracking"
    assert model.index(4, column("next_try")).data() == ""
    assert model.index(0, column("state")).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_a_mismatch_is_flagged_prominently(qapp):
    model = StatusQueueModel()
    model.set_records([record(2, "sent", verified=False), record(1, "sent", verified=True)])
    cell = model.index(0, column("read_back"))
    assert cell.data() == "MISMATCH"
    assert isinstance(cell.data(Qt.ItemDataRole.FontRole), QFont) and cell.data(Qt.ItemDataRole.FontRole).bold()
    assert cell.data(Qt.ItemDataRole.DecorationRole) is not None  # a warning sign
    assert model.index(0, column("order_number")).data(Qt.ItemDataRole.BackgroundRole) is not None  # the whole row
    assert model.index(1, column("order_number")).data(Qt.ItemDataRole.BackgroundRole) is None


def test_refresh_merges_rows_and_keeps_the_selection(qtmodeltester):
    model = StatusQueueModel()
    qtmodeltester.check(model)
    selection = QItemSelectionModel(model)
    model.set_records([record(i) for i in (6, 5, 4, 3, 2)])
    selection.select(model.index(2, 0), QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)  # protocol 4
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=(): changed.append(top.row()))

    # 8 and 7 are new; 5 and 2 left the filter; 4 was sent meanwhile
    assert model.set_records([record(8), record(7), record(6), replace(record(4), state="sent", attempts=1),
                              record(3)])
    assert not resets
    assert removed == [(4, 4), (1, 1)] and inserted == [(0, 0), (1, 1)]
    assert [r.id for r in model.records()] == [8, 7, 6, 4, 3]
    assert changed == [3]
    rows = selection.selectedRows()
    assert [model.record(r.row()).id for r in rows] == [4]
    assert model.index(3, column("state")).data() == "Sent"
    assert not model.set_records(model.records())  # nothing changed: no signal, False
    assert model.set_records([])
    assert model.rowCount() == 0 and not model.index(0, 0).isValid()
    qtmodeltester.check(model)
