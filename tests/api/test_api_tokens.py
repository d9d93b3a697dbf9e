"""API tokens: shown once, kept as a hash, refused once revoked, `last_used_at` written sparingly;
and the `orderdesk api-token` commands as a user runs them (a real process), on both databases."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.store import schema
from app.store.api_tokens import ApiTokenError, ApiTokenStore
from tests.api.conftest import BASE, dump_database


class Clock:
    def __init__(self) -> None:
        self.now = BASE

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def test_a_token_is_random_shown_once_and_stored_as_its_hash(app_ctx):
    tokens = ApiTokenStore(app_ctx.engine)
    created = tokens.create("  ERP  ")
    other = tokens.create("Shop ERP")
    assert created.token.startswith("odk_") and len(created.token) == 47 and created.token != other.token
    assert created.record.name == "ERP" and created.record.prefix == created.token[:12]
    assert created.token not in repr(created) and created.token not in str(created)
    with app_ctx.engine.connect() as conn:
        stored = conn.execute(select(schema.ApiToken.__table__).where(schema.ApiToken.__table__.c.name == "ERP")).one()
    assert stored.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
    assert created.token not in dump_database(app_ctx) and created.token[12:] not in dump_database(app_ctx)
    assert tokens.verify(created.token).name == "ERP" and tokens.verify(other.token).name == "Shop ERP"


@pytest.mark.parametrize("name, message", [("", "needs a name"), ("   ", "needs a name"),
                                           ("x" * 101, "longer than 100"), ("ERP", "exists already")])
def test_bad_names_are_refused(app_ctx, name, message):
    tokens = ApiTokenStore(app_ctx.engine)
    tokens.create("ERP")
    with pytest.raises(ApiTokenError, match=message):
        tokens.create(name)


def test_revoked_unknown_and_malformed_tokens_are_refused(app_ctx):
    tokens = ApiTokenStore(app_ctx.engine)
    token = tokens.create("ERP").token
    for wrong in ("", "odk_", token[:-1], token + "A", token.upper(), "odk_" + "A" * 43, "Bearer " + token,
                  token.replace("odk_", "odx_"), token + "\n", "é" * 47):
        assert tokens.verify(wrong) is None, wrong
    revoked = tokens.revoke("ERP")
    assert revoked.revoked_at is not None and not revoked.active
    assert tokens.verify(token) is None
    assert tokens.revoke("ERP").revoked_at == revoked.revoked_at  # revoking again changes nothing
    with pytest.raises(ApiTokenError, match="'nope': no such token"):
        tokens.revoke("nope")
    with pytest.raises(ApiTokenError, match="exists already"):
        tokens.create("ERP")  # the revoked one is kept for the record


def test_last_used_is_written_at_most_once_a_minute(app_ctx):
    clock = Clock()
    tokens = ApiTokenStore(app_ctx.engine, clock)
    token = tokens.create("ERP").token
    assert tokens.get("ERP").last_used_at is None
    tokens.verify(token)
    assert tokens.get("ERP").last_used_at == BASE
    clock.now = BASE + timedelta(seconds=59)
    assert tokens.verify(token).last_used_at == BASE
    assert tokens.get("ERP").last_used_at == BASE
    clock.now = BASE + timedelta(seconds=61)
    tokens.verify(token)
    assert tokens.get("ERP").last_used_at == BASE + timedelta(seconds=61)


@pytest.fixture
def orderdesk(tmp_path: Path, database_url: str):
    env = dict(os.environ, ORDERDESK_HOME=str(tmp_path / "home"), ORDERDESK_KEYRING="encrypted-file",
               ORDERDESK_MASTER_KEY="correct horse", ORDERDESK_DATABASE_URL=database_url)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app.cli.main", *args], capture_output=True, text=True, env=env,
                              timeout=120)

    run.home = tmp_path / "home"  # type: ignore[attr-defined]
    return run


def test_the_api_token_commands(orderdesk, app_ctx):
    created = orderdesk("api-token", "create", "ERP")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert created.stdout == token + "\n" and "shown only now" in created.stderr
    tokens = ApiTokenStore(app_ctx.engine)  # the same database as the command's
    assert tokens.verify(token).name == "ERP"
    listed = orderdesk("api-token", "list", "--json")
    [entry] = json.loads(listed.stdout)
    assert (entry["name"], entry["prefix"], entry["active"]) == ("ERP", token[:12], True)
    assert entry["last_used_at"] is not None
    plain = orderdesk("api-token", "list").stdout
    assert "ERP" in plain and token[:12] + "…" in plain and token not in plain
    again = orderdesk("api-token", "create", "ERP")
    assert again.returncode == 2 and "exists already" in again.stderr and again.stdout == ""
    revoked = orderdesk("api-token", "revoke", "ERP")
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert tokens.verify(token) is None
    assert json.loads(orderdesk("api-token", "list", "--json").stdout)[0]["active"] is False
    missing = orderdesk("api-token", "revoke", "nope")
    assert missing.returncode == 2 and "no such token" in missing.stderr
    logs = "".join(p.read_text(encoding="utf-8") for p in (orderdesk.home).rglob("*.log*"))
    assert token not in logs and token not in dump_database(app_ctx)
