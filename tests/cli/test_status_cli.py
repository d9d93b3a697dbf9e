"""`orderdesk ship`, `tracking`, `cancel` and `status ...` as a user runs them: a real process, the real
database, the OTTO sandbox over HTTP; what reached the marketplace is read from the sandbox's own
record of the status requests it accepted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from app.store import schema
from tests.sandbox_access import control

MASTER = "correct horse battery staple"
DHL_1 = "00340434161234567896"  # valid DHL Paket numbers (GS1 mod 10 check digit)
DHL_2 = "00340434169999999990"
RETURN = ("--return-tracking", DHL_2, "--return-carrier", "DHL")  # OTTO parcels need a return tracking key
SHIP_FROM = ("status", "ship-from", "--city", "Hamburg", "--zip", "22089", "--country", "DEU")


@pytest.fixture
def sandbox():
    """The OTTO sandbox with few orders: these tests need a handful, and fetch them in every test."""
    from app.sandbox.server import SandboxServer

    server = SandboxServer(port=0, seed=7, orders=30, rate_limit=None, release_delay=1800.0, seeded=["otto"]).start()
    yield server
    server.stop()


@pytest.fixture
def cli(tmp_path: Path, database_url: str):
    env = dict(os.environ, ORDERDESK_HOME=str(tmp_path / "home"), ORDERDESK_KEYRING="encrypted-file",
               ORDERDESK_MASTER_KEY=MASTER, ORDERDESK_DATABASE_URL=database_url)

    def run(*args: str, check: bool = True, stdin: str = "") -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "app.cli.main", *args], input=stdin, capture_output=True,
                              text=True, env=env, timeout=120)
        if check and proc.returncode != 0:
            raise AssertionError(f"orderdesk {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    return run


def jrun(cli, *args: str):  # type: ignore[no-untyped-def]
    return json.loads(cli(*args, "--json").stdout)


def fails(cli, *args: str, code: int = 2) -> str:  # type: ignore[no-untyped-def]
    """Runs a command that must be refused; returns its error line."""
    proc = cli(*args, check=False)
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("orderdesk: error: ") and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr


def setup_orders(cli, sandbox) -> list[dict]:  # type: ignore[no-untyped-def]
    """An OTTO account with its orders fetched; returns the released orders whose lines are all open,
    those with the most lines first."""
    info = sandbox.describe()["otto"]
    cli("accounts", "add", "--channel", "otto", "--name", "otto-nord", "--base-url", info["base_url"],
        "--credential", f"client_id={info['credentials']['client_id']}", "--credential", "client_secret=-",
        stdin=info["credentials"]["client_secret"] + "\n")
    cli("fetch")
    orders = [o for o in jrun(cli, "orders", "list")
              if o["status"] == "open" and not o["backlog"] and all(ln["status"] == "open" for ln in o["lines"])]
    orders.sort(key=lambda o: -len(o["lines"]))
    assert len(orders) >= 5 and len(orders[0]["lines"]) >= 2
    return orders


def accepted(sandbox, kind: str) -> list[dict]:
    """The status requests of this kind the sandbox accepted."""
    return [r for r in control(sandbox, "GET", "/status-requests")["requests"] if r["kind"] == kind]


def test_ship_push_once_and_the_queue(cli, sandbox):
    orders = setup_orders(cli, sandbox)
    order, other = orders[0], orders[1]
    number, sku = order["order_number"], order["lines"][0]["sku"]

    # OTTO needs the address parcels leave from; the shipment is stopped before anything is written.
    assert "shipFromAddress" in fails(cli, "ship", number, "--tracking", DHL_1, *RETURN, "--line", f"{sku}:1")
    cli(*SHIP_FROM)
    assert "returnTrackingKey" in fails(cli, "ship", number, "--tracking", DHL_1, "--line", f"{sku}:1")
    assert jrun(cli, "status", "list") == []

    # The preview shows the request the shipment will be sent with, and sends nothing.
    [preview] = jrun(cli, "status", "preview", number, "--event", "shipment_completed", "--tracking", DHL_1,
                     *RETURN, "--line", f"{sku}:1")
    assert preview["enabled"] and preview["problem"] == ""
    [planned] = preview["calls"]
    assert (planned["method"], planned["path"]) == ("POST", "/v1/shipments")
    assert planned["body"]["trackingKey"] == {"carrier": "DHL", "trackingNumber": DHL_1}
    assert accepted(sandbox, "shipment") == []

    # A partial shipment: one piece of the first line, carrier proposed from the tracking number.
    shipped = jrun(cli, "ship", number, "--tracking", DHL_1.replace("0434", "0434 "), *RETURN, "--line", f"{sku}:1")
    assert shipped["carrier"] == "dhl_paket" and shipped["carrier_code"] == "DHL" and shipped["carrier_proposed"]
    assert shipped["tracking_number"] == DHL_1 and shipped["candidates"][0]["carrier"] == "dhl_paket"
    assert [(ln["sku"], ln["quantity"]) for ln in shipped["lines"]] == [(sku, 1)]
    assert shipped["package_no"] == 1 and not shipped["waiting_for_tracking"] and len(shipped["protocols"]) == 1
    [pid] = shipped["protocols"]

    queue = jrun(cli, "status", "list")
    assert [(p["id"], p["state"], p["order_number"], p["tracking_number"], p["carrier_code"]) for p in queue] == \
        [(pid, "pending", number, DHL_1, "DHL")]
    keys = {"id", "order_id", "order_number", "account", "channel", "event", "status_type", "value", "state",
            "attempts", "last_error", "next_try_at", "wait_until", "sent_at", "verified", "verify_detail",
            "created_at", "tracking_number", "carrier_code", "lines", "package_no", "reason", "sent_request"}
    assert keys <= set(queue[0])
    assert (queue[0]["account"], queue[0]["channel"], queue[0]["event"], queue[0]["status_type"],
            queue[0]["value"]) == ("otto-nord", "otto", "shipment_completed", "delivery", "SENT")

    # More than is still open: refused, naming the line; the text form names what was proposed.
    open_pieces = sum(1 for ln in order["lines"] if ln["sku"] == sku) - 1
    error = fails(cli, "ship", number, "--tracking", DHL_2, *RETURN, "--line", f"{sku}:{open_pieces + 1}")
    assert f"line '{sku}'" in error and f"only {open_pieces}" in error
    text = cli("ship", other["order_number"], "--tracking", DHL_2, *RETURN).stdout
    assert "DHL Paket" in text and "proposed from the tracking number" in text and "queued" in text

    # Transmit: one shipment per package reaches OTTO, confirmed by reading the order back.
    pushed = jrun(cli, "status", "push")
    assert (pushed["sent"], pushed["failed"], pushed["deferred"], pushed["verified"]) == (2, 0, 0, 2), pushed
    assert pushed["queue"] == {"pending": 0, "waiting": 0, "sending": 0, "failed": 0}
    sent = {r["order_id"]: r for r in accepted(sandbox, "shipment")}
    assert set(sent) == {order["marketplace_id"], other["marketplace_id"]}
    mine = sent[order["marketplace_id"]]
    assert (mine["carrier_code"], mine["tracking_number"], mine["return_carrier_code"],
            mine["return_tracking_number"]) == ("DHL", DHL_1, "DHL", DHL_2)
    assert [ln["line_id"] for ln in mine["lines"]] == [shipped["lines"][0]["line_id"]]

    # What was sent is what the preview showed (the ship date aside: it is the moment of shipping).
    [record] = jrun(cli, "status", "list", "--order", number)
    assert record["state"] == "sent" and record["verified"] is True and record["attempts"] == 1
    [sent_call] = record["sent_request"]
    assert {k: v for k, v in sent_call["body"].items() if k != "shipDate"} == \
        {k: v for k, v in planned["body"].items() if k != "shipDate"}

    # A second push sends nothing more.
    again = cli("status", "push")
    assert again.returncode == 0 and "0 sent" in again.stdout and "queue: empty" in again.stdout
    assert len(accepted(sandbox, "shipment")) == 2
    assert [p["state"] for p in jrun(cli, "status", "list", "--state", "sent")] == ["sent", "sent"]
    assert jrun(cli, "status", "list", "--state", "pending", "--state", "failed") == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # both databases: the test above
def test_waiting_for_tracking_then_cancel(cli, sandbox, database_url):
    orders = setup_orders(cli, sandbox)
    cli(*SHIP_FROM)
    waiting_order, cancel_order = orders[2], orders[0]

    # No tracking number yet: the package is recorded and its status waits for one.
    text = cli("ship", waiting_order["order_number"], "--carrier", "DHL", *RETURN).stdout
    assert "none yet" in text and "wait for the tracking number" in text
    [rec] = jrun(cli, "status", "list")
    assert rec["state"] == "waiting" and rec["wait_until"] and rec["tracking_number"] == ""
    shipment_id = text.split("recorded as shipment ")[1].split(":")[0]
    assert f"orderdesk tracking {shipment_id} NUMBER" in text
    assert jrun(cli, "status", "push")["sent"] == 0  # a waiting status is not sent
    assert "no such shipment" in fails(cli, "tracking", "999999", DHL_1)

    added = jrun(cli, "tracking", shipment_id, DHL_1)
    assert added["protocols"] == [rec["id"]] and added["tracking_number"] == DHL_1
    assert jrun(cli, "status", "push")["sent"] == 1
    [shipment] = accepted(sandbox, "shipment")
    assert (shipment["order_id"], shipment["tracking_number"]) == (waiting_order["marketplace_id"], DHL_1)

    # Cancel one line with a reason; a reason OTTO does not know is refused and nothing is written.
    number, sku = cancel_order["order_number"], cancel_order["lines"][0]["sku"]
    error = fails(cli, "cancel", number, "--line", f"{sku}:1", "--reason", "NoInventory")
    assert "'NoInventory'" in error and "CANCELLED_ON_PARTNER_WISH" in error
    assert jrun(cli, "status", "list", "--order", number) == []
    cancelled = jrun(cli, "cancel", number, "--line", f"{sku}:1", "--reason", "CANCELLED_ON_CUSTOMER_WISH")
    assert cancelled["reason"] == "CANCELLED_ON_CUSTOMER_WISH" and len(cancelled["protocols"]) == 1
    assert [(ln["sku"], ln["quantity"]) for ln in cancelled["lines"]] == [(sku, 1)]
    assert jrun(cli, "status", "push")["sent"] == 1
    [cancel] = accepted(sandbox, "cancel")
    assert cancel["order_id"] == cancel_order["marketplace_id"]
    assert [ln["line_id"] for ln in cancel["lines"]] == [cancelled["lines"][0]["line_id"]]
    [rec] = jrun(cli, "status", "list", "--order", number)
    assert rec["state"] == "sent" and rec["reason"] == "CANCELLED_ON_CUSTOMER_WISH"
    assert len(accepted(sandbox, "cancel")) == 1 and jrun(cli, "status", "push")["sent"] == 0


# Settings, rules and input handling do not depend on the database; the flows above run on both.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_rules_settings_retry_discard_and_bad_input(cli, sandbox, database_url):
    orders = setup_orders(cli, sandbox)
    number = orders[0]["order_number"]

    # Unknown orders, malformed lines and dates: exit 2 with a plain sentence.
    assert "order NOPE-1: no such order" in fails(cli, "ship", "NOPE-1", "--tracking", DHL_1)
    assert "no such order" in fails(cli, "cancel", "NOPE-1", "--reason", "CANCELLED_ON_PARTNER_WISH")
    assert "no such order" in fails(cli, "status", "list", "--order", "#999999")
    assert "not a whole number" in fails(cli, "ship", number, "--line", "SKU:x")
    assert "not an ISO-8601" in fails(cli, "ship", number, "--ship-date", "yesterday")
    assert "no line with this SKU" in fails(cli, "cancel", number, "--line", "NOPE:1",
                                            "--reason", "CANCELLED_ON_PARTNER_WISH")
    assert "no such status protocol" in fails(cli, "status", "retry", "424242")
    assert "must be between 0 and 168" in fails(cli, "status", "tracking-wait", "200")
    assert "alpha-3" in fails(cli, "status", "ship-from", "--city", "Hamburg", "--zip", "22089", "--country", "XX")
    assert "--zip" in fails(cli, "status", "ship-from", "--city", "Hamburg")
    event = cli("status", "event", number, "invoice_created").stdout
    assert "no enabled status rule sends invoice_created to otto" in event  # OTTO is not told of invoices

    # Settings persist (read back by new processes and from the database).
    cli("status", "ship-from", "--city", "Hamburg", "--zip", "22089", "--country", "de")
    assert "22089 Hamburg, DEU" in cli("status", "ship-from").stdout
    cli("status", "auto", "--channel", "otto", "--on", "--interval", "30")
    assert cli("status", "auto", "--channel", "otto").stdout.split() == ["otto", "on", "every", "30", "min"]
    cli("status", "auto", "--channel", "otto", "--off")
    assert "must be between 1 and 1440" in fails(cli, "status", "auto", "--channel", "otto", "--interval", "0")
    cli("status", "tracking-wait", "0")
    assert "waits 0 h" in cli("status", "tracking-wait").stdout
    engine = create_engine(database_url)
    with engine.connect() as conn:
        settings = {k: json.loads(v) for k, v in conn.execute(select(schema.Setting.key, schema.Setting.value))}
        job = conn.execute(select(schema.Job.enabled, schema.Job.interval_seconds).where(
            schema.Job.kind == "status", schema.Job.scope == "channel:otto")).one()  # the automatic transmission
    engine.dispose()
    assert settings["status.ship_from"] == {"city": "Hamburg", "countryCode": "DEU", "zipCode": "22089"}
    assert settings["status.tracking_wait_minutes"] == 0
    assert (bool(job.enabled), job.interval_seconds) == (False, 30 * 60)

    # A package without tracking whose wait ran out: OTTO cannot take it, so it fails to the clerk.
    cli("ship", number, "--carrier", "dhl_paket", *RETURN)
    push = cli("status", "push", "--channel", "otto", "--account", "otto-nord", check=False)
    assert push.returncode == 1 and "stopped waiting for tracking" in push.stdout and "1 failed" in push.stdout
    [failed] = jrun(cli, "status", "list", "--state", "failed")
    assert "No tracking number arrived within 0 h" in failed["last_error"]
    assert "No tracking number arrived" in cli("status", "list").stdout
    pid = str(failed["id"])
    assert "is pending" in cli("status", "retry", pid).stdout
    assert [p["state"] for p in jrun(cli, "status", "list")] == ["pending"]
    assert "discarded" in cli("status", "discard", pid).stdout
    assert [p["state"] for p in jrun(cli, "status", "list")] == ["discarded"]
    assert "is discarded; only failed or waiting" in fails(cli, "status", "retry", pid)
    assert "is discarded; only pending, waiting or failed" in fails(cli, "status", "discard", pid)
    assert accepted(sandbox, "shipment") == []

    # Rules: listed with their allowed values; switched off, the event queues nothing.
    rules = jrun(cli, "status", "rules", "--channel", "otto")
    assert {(r["event"], r["status_type"], r["value"], r["enabled"]) for r in rules} == {
        ("shipment_completed", "delivery", "SENT", True), ("cancelled", "fulfillment", "CANCELLED_BY_PARTNER", True)}
    assert {"channel", "event", "status_type", "value", "enabled", "allowed_values"} <= set(rules[0])
    error = fails(cli, "status", "rule", "--channel", "otto", "--event", "cancelled", "--type", "fulfillment",
                  "--value", "CANCELLED")
    assert "'CANCELLED' is not a fulfillment status of otto" in error and "CANCELLED_BY_PARTNER" in error
    cli("status", "rule", "--channel", "otto", "--event", "cancelled", "--type", "fulfillment", "--disable")
    assert not next(r for r in jrun(cli, "status", "rules") if r["channel"] == "otto" and r["event"] == "cancelled")[
        "enabled"]
    preview = cli("status", "preview", orders[1]["order_number"]).stdout
    assert "cancelled -> fulfillment CANCELLED_BY_PARTNER (disabled)" in preview
    assert f"POST /v4/orders/{orders[1]['marketplace_id']}/cancellation" in preview
    out = cli("cancel", orders[1]["order_number"], "--reason", "CANCELLED_ON_PARTNER_WISH").stdout
    assert "no enabled status rule sends cancellations to otto" in out
    cli("status", "rule", "--channel", "otto", "--event", "cancelled", "--type", "fulfillment", "--enable")
    assert all(r["enabled"] for r in jrun(cli, "status", "rules", "--channel", "otto"))
    assert accepted(sandbox, "cancel") == []
