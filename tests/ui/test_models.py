"""Every Qt model of the window passes Qt's own model tester, empty and filled."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.store import protocol_log
from app.ui.accounts_view import AccountsModel
from app.ui.fetch_dialog import AccountFetchModel
from app.ui.log_dock import LevelFilter, LogModel
from app.ui.orders_model import OrdersModel
from app.ui.payments_model import PaymentsModel
from tests.ui.sqldata import add_account, insert_log, insert_orders, insert_receipts


@pytest.fixture
def filled(ui_ctx):
    account = add_account(ui_ctx)
    insert_orders(ui_ctx.engine, account.id, 450)
    insert_receipts(ui_ctx.engine, list(range(1, 120)))
    insert_log(ui_ctx.engine, [("info", "one"), ("warning", "two"), ("error", "three")] * 5)
    return ui_ctx


@pytest.mark.parametrize("backlog", [False, True])
def test_orders_model_empty_and_filled(qtmodeltester, ui_ctx, backlog):
    model = OrdersModel(ui_ctx.engine, backlog=backlog)
    model.reload()
    qtmodeltester.check(model)
    account = add_account(ui_ctx)
    insert_orders(ui_ctx.engine, account.id, 450)
    model.refresh()  # no worker: synchronous, through the diffing path
    assert model.rowCount() == (450 if not backlog else sum(1 for i in range(450) if i % 7 == 3))
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)
    model.set_search("ON-0001")
    qtmodeltester.check(model)


def test_payments_model(qtmodeltester, filled):
    model = PaymentsModel(filled.engine)
    model.reload()
    assert model.rowCount() == 119 + 119 // 4
    qtmodeltester.check(model)
    refunds = [r for r in range(model.rowCount()) if model.index(r, 5).data() == "Refund"]
    assert refunds and model.index(refunds[0], 6).data().startswith("-")
    model.set_search("ON-00000")
    qtmodeltester.check(model)


def test_log_model_and_level_filter(qtmodeltester, filled):
    model = LogModel(limit=10)
    qtmodeltester.check(model)
    model.append(protocol_log.read(filled.engine))
    assert model.rowCount() == 10  # capped: only the newest entries stay
    assert model.records()[-1].message == "three"
    qtmodeltester.check(model)
    proxy = LevelFilter()
    proxy.setSourceModel(model)
    proxy.set_minimum("error")
    assert {proxy.index(r, 4).data() for r in range(proxy.rowCount())} == {"three"}
    qtmodeltester.check(proxy)


def test_account_models(qtmodeltester, filled):
    add_account(filled, "OTTO Zweit")
    fetch_model = AccountFetchModel()
    qtmodeltester.check(fetch_model)
    fetch_model.set_accounts(filled.accounts.list("otto", active_only=True))
    fetch_model.set_live(fetch_model.account(0).id, "Page 1")
    qtmodeltester.check(fetch_model)
    accounts = AccountsModel(filled.accounts)
    accounts.reload()
    assert accounts.rowCount() == 2
    qtmodeltester.check(accounts)
