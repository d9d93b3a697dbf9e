"""The `orderdesk` command as a user runs it: a real process, the real encrypted credential
file (no OS keyring in CI), the real sandbox over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from app.store import schema
from tests.sandbox_access import control, truth

MASTER = "correct horse battery staple"


@pytest.fixture
def cli(tmp_path: Path, database_url: str):
    env = dict(os.environ, ORDERDESK_HOME=str(tmp_path / "home"), ORDERDESK_KEYRING="encrypted-file",
               ORDERDESK_MASTER_KEY=MASTER, ORDERDESK_DATABASE_URL=database_url)

    def run(*args: str, stdin: str = "", check: bool = True, extra_env: dict | None = None):
        proc = subprocess.run([sys.executable, "-m", "app.cli.main", *args], input=stdin, capture_output=True,
                              text=True, env={**env, **(extra_env or {})}, timeout=120)
        if check and proc.returncode != 0:
            raise AssertionError(f"orderdesk {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    run.env = env  # type: ignore[attr-defined]
    run.home = tmp_path / "home"  # type: ignore[attr-defined]
    return run


def add_account(cli, sandbox, name: str = "otto-nord") -> str:
    info = sandbox.describe()["otto"]
    secret = info["credentials"]["client_secret"]
    cli("accounts", "add", "--channel", "otto", "--name", name, "--base-url", info["base_url"],
        "--credential", f"client_id={info['credentials']['client_id']}", "--credential", "client_secret=-",
        stdin=secret + "\n")
    return secret


def test_full_cli_flow_and_secrets_stay_secret(cli, sandbox, database_url):
    secret = add_account(cli, sandbox)
    accounts = json.loads(cli("accounts", "list", "--json").stdout)
    assert [(a["name"], a["channel"], a["active"]) for a in accounts] == [("otto-nord", "otto", True)]

    fetched = cli("fetch", "--channel", "otto", "--json")
    [summary] = json.loads(fetched.stdout)
    remote = truth(sandbox)
    assert summary["ok"] and summary["new"] == len(remote)

    orders = json.loads(cli("orders", "list", "--json").stdout)
    assert len(orders) == len(remote)
    keys = {"order_number", "channel", "account", "status", "backlog", "hold_reason", "flags", "total", "currency",
            "lines", "shipping_address"}
    assert all(keys <= set(o) for o in orders)
    backlog = json.loads(cli("orders", "list", "--backlog", "--json").stdout)
    assert backlog and all(o["backlog"] and o["shipping_address"] is None for o in backlog)
    assert {o["order_number"] for o in backlog} == {o["orderNumber"] for o in remote.values()
                                                     if any(i["fulfillmentStatus"] == "ANNOUNCED" for i in o["positionItems"])}
    payments = json.loads(cli("payments", "list", "--json").stdout)
    assert payments and {p["payment_system"] for p in payments} == {"OTTO Market"}
    assert {"id", "order_number", "payment_system", "kind", "amount", "currency", "created_at"} <= set(payments[0])
    log = json.loads(cli("log", "--json").stdout)
    assert any(e["event"] == "fetch_finished" for e in log)
    text_out = cli("fetch").stdout
    assert "otto/otto-nord: 0 new" in text_out

    # The secret appears in no output, no file in the app's folder, and the database.
    outputs = [fetched.stdout, fetched.stderr] + [
        (p.stdout + p.stderr) for p in (cli("accounts", "list", "--json"), cli("log", "--json"))]
    assert all(secret not in out for out in outputs)
    for path in cli.home.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert (cli.home / "credentials.cfg").exists()  # the encrypted store was used, with no plaintext in it
    engine = create_engine(database_url)
    with engine.connect() as conn:
        for table in schema.Base.metadata.sorted_tables:
            assert all(secret not in repr(tuple(r)) for r in conn.execute(select(table))), table.name
    engine.dispose()


# Input handling does not depend on the database; the flows above run on both.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_account_lifecycle_and_bad_input(cli, sandbox):
    add_account(cli, sandbox)
    dup = cli("accounts", "add", "--channel", "otto", "--name", "otto-nord", "--base-url", "http://127.0.0.1:1",
              "--credential", "client_id=x", "--credential", "client_secret=y", check=False)
    assert dup.returncode == 2 and "exists already" in dup.stderr
    bad_url = cli("accounts", "add", "--channel", "otto", "--name", "x", "--base-url", "ftp://nowhere",
                  "--credential", "client_id=x", "--credential", "client_secret=y", check=False)
    assert bad_url.returncode == 2 and "not an http(s) address" in bad_url.stderr
    missing = cli("accounts", "add", "--channel", "otto", "--name", "y", "--credential", "client_id=x", check=False)
    assert missing.returncode == 2 and "client_secret" in missing.stderr and "missing" in missing.stderr
    unknown = cli("accounts", "add", "--channel", "otto", "--name", "z", "--credential", "password=x", check=False)
    assert unknown.returncode == 2 and "unknown credential field 'password'" in unknown.stderr
    assert len(json.loads(cli("accounts", "list", "--json").stdout)) == 1  # nothing half-added

    cli("accounts", "deactivate", "otto-nord")
    assert "no active accounts" in cli("fetch").stdout
    cli("accounts", "activate", "otto-nord")
    cli("accounts", "edit", "otto-nord", "--new-name", "otto-main")
    assert json.loads(cli("fetch", "--json").stdout)[0]["account"] == "otto-main"
    wrong = cli("fetch", check=False, extra_env={"ORDERDESK_MASTER_KEY": "not the password"})
    assert wrong.returncode != 0 and "master password" in (wrong.stdout + wrong.stderr)
    cli("accounts", "remove", "otto-main")
    assert json.loads(cli("accounts", "list", "--json").stdout) == []
    assert json.loads(cli("orders", "list", "--json").stdout) == []
    gone = cli("accounts", "remove", "otto-main", check=False)
    assert gone.returncode == 2 and "no account named 'otto-main'" in gone.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_failed_account_gives_nonzero_exit_and_keeps_the_secret_out(cli, sandbox):
    add_account(cli, sandbox)
    cli("accounts", "edit", "otto-nord", "--credential", "client_secret=-", stdin="wrong-secret-4711\n")
    proc = cli("fetch", check=False)
    assert proc.returncode == 1 and "FAILED" in proc.stdout and "client id or secret" in proc.stdout
    log = cli("log", "--level", "error").stdout
    assert "Fetching failed" in log and "wrong-secret-4711" not in log + proc.stdout + proc.stderr


def test_fetch_killed_midway_loses_and_duplicates_nothing(cli, sandbox, database_url):
    add_account(cli, sandbox)
    control(sandbox, "POST", "/faults", {"kind": "slow", "count": 3, "delay": 1.5})
    proc = subprocess.Popen([sys.executable, "-m", "app.cli.main", "fetch"], env=cli.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = create_engine(database_url)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:  # kill it as soon as the first page is committed
            with engine.connect() as conn:
                if conn.scalar(select(func.count()).select_from(schema.Order.__table__)):
                    break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        with engine.connect() as conn:
            partial = conn.scalar(select(func.count()).select_from(schema.Order.__table__))
        remote = truth(sandbox)
        assert 0 < partial < len(remote)
        cli("fetch")
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(schema.Order.__table__)) == len(remote)
            payments = conn.execute(select(schema.PaymentReceipt.receipt_key)).scalars().all()
        assert len(payments) == len(set(payments))
    finally:
        if proc.poll() is None:
            proc.kill()
        engine.dispose()
