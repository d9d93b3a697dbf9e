"""The demo profile: its own folder, sandboxes on loopback, accounts kept in step across starts."""

from __future__ import annotations

import stat

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.secrets.store import SecretStore
from app.ui.demo import DEMO_ACCOUNTS, MASTER_KEY_FILE, DemoProfile, demo_paths
from app.ui.main_window import MainWindow


@pytest.fixture
def encrypted_file_keyring(monkeypatch):
    # No OS keyring in tests: the demo must fall back to its generated master key.
    monkeypatch.setenv("ORDERDESK_KEYRING", "encrypted-file")


def test_demo_lives_apart_and_survives_a_restart_on_new_ports(qapp, orderdesk_home, encrypted_file_keyring):
    assert demo_paths().data == orderdesk_home / "demo"
    first = DemoProfile(generate_every=None, orders=15, rate_limit=None)
    first.start()
    try:
        ctx = first.build_context()
        try:
            first.prepare_accounts(ctx)
            accounts = {a.name: a for a in ctx.accounts.list()}
            assert set(accounts) == {name for name, _channel, _seed in DEMO_ACCOUNTS}
            assert {a.channel for a in accounts.values()} == {"otto", "amazon", "ebay", "kaufland", "shopware"}
            for account in accounts.values():  # each points at its marketplace's mount of a demo server
                server, _, mount = account.base_url.rpartition("/")
                assert server in first.sandbox_urls() and mount == account.channel
            assert str(ctx.engine.url).endswith(str(orderdesk_home / "demo" / "orderdesk.db"))
            key_file = orderdesk_home / "demo" / MASTER_KEY_FILE
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            old_urls = first.sandbox_urls()
        finally:
            ctx.close()
    finally:
        first.stop()
    assert not (orderdesk_home / "orderdesk.db").exists()  # the real profile stays untouched

    second = DemoProfile(generate_every=None, orders=15, rate_limit=None)
    second.start()
    try:
        ctx = second.build_context()
        try:
            second.prepare_accounts(ctx)
            accounts = ctx.accounts.list()
            assert len(accounts) == len(DEMO_ACCOUNTS)
            servers = {a.base_url.rpartition("/")[0] for a in accounts}
            assert servers == set(second.sandbox_urls()) and not servers & set(old_urls)
            # New port, same credentials in the encrypted file: fetching works.
            result = ctx.fetch.fetch_account(ctx.accounts.get("OTTO Demo Süd"))
            assert result.ok, result.error
            assert result.counts.new == 15
            for name, channel, _seed in DEMO_ACCOUNTS[2:]:  # every other marketplace fetches too
                other = ctx.fetch.fetch_account(ctx.accounts.get(name))
                assert other.ok and other.counts.new > 0, (name, other.error)
                assert other.channel == channel.value
        finally:
            ctx.close()
    finally:
        second.stop()


def test_run_desktop_demo_opens_the_window_and_closes_cleanly(qapp, orderdesk_home, keyring_memory, monkeypatch):
    from app.ui import demo, launch

    real_build = demo.build
    # The encrypted file costs a second per access (Argon2); that path is covered above.
    monkeypatch.setattr(demo, "build", lambda **kw: real_build(secrets=SecretStore(keyring_memory, "memory"), **kw))
    monkeypatch.setattr(launch, "DemoProfile", lambda: DemoProfile(generate_every=None, orders=10, rate_limit=None))
    seen: list[MainWindow] = []

    def close_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(100, close_window)
            return
        seen.extend(windows)
        windows[0].close()

    QTimer.singleShot(200, close_window)
    assert launch.run_desktop(demo=True) == 0
    assert seen and "Demo profile" in seen[0].windowTitle()
    assert (orderdesk_home / "demo" / "orderdesk.ini").exists()


def test_run_desktop_real_profile_without_accounts_offers_the_demo(qapp, orderdesk_home, keyring_memory, monkeypatch):
    from app.ui import launch

    real_build = launch.build
    monkeypatch.setattr(launch, "build", lambda **kw: real_build(secrets=SecretStore(keyring_memory, "memory"), **kw))
    offered: list[bool] = []
    monkeypatch.setattr(launch, "_offer_demo", lambda: offered.append(True) or False)  # the user declines
    seen: list[str] = []

    def close_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(100, close_window)
            return
        seen.append(windows[0].statusBar().currentMessage())
        windows[0].close()

    QTimer.singleShot(200, close_window)
    assert launch.run_desktop(demo=False) == 0
    assert offered == [True]
    assert seen and "No marketplace account" in seen[0]
    assert (orderdesk_home / "orderdesk.db").exists() and not (orderdesk_home / "demo").exists()
    assert (orderdesk_home / "logs" / "orderdesk.log").parent.is_dir()
