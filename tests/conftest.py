"""Shared fixtures: real SQLite files, a real PostgreSQL server, the real sandbox over HTTP.

Only the keyring is replaced, by an in-memory backend, as the brief allows inside tests.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import uuid
from pathlib import Path
from typing import Iterator

import pytest
from tests.memory_keyring import MemoryKeyring
from sqlalchemy import create_engine, text

from app.channels.base import AdapterOptions
from app.channels.http import RetryPolicy
from app.paths import AppPaths
from app.secrets.store import SecretStore

PG_URL = os.environ.get("ORDERDESK_TEST_PG_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")




def _pg_available() -> str | None:
    """None when usable; otherwise why not. In CI an unusable server is an error, not a skip."""
    if not PG_URL:
        return "ORDERDESK_TEST_PG_URL is not set"
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__})"
    return None


_PG_PROBLEM = _pg_available()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway database on the PostgreSQL server for this test session."""
    if _PG_PROBLEM:
        if IN_CI:
            pytest.fail(f"PostgreSQL tests must run in CI: {_PG_PROBLEM}")
        pytest.skip(_PG_PROBLEM)
    name = f"orderdesk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'orderdesk.db'}"
    url = request.getfixturevalue("pg_database")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:  # every test starts from an empty schema
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


def fast_options() -> AdapterOptions:
    """Real retries, with short waits so fault tests stay quick."""
    return AdapterOptions(policy=RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=5.0, read_timeout=5.0),
                          rate_limit=0)


@pytest.fixture
def app_ctx(database_url: str, tmp_path: Path, keyring_backend: MemoryKeyring):
    from app.bootstrap import build

    home = tmp_path / "home"
    ctx = build(paths=AppPaths(home, home, home / "logs"), database=database_url,
                secrets=SecretStore(keyring_backend, "the test keyring"), adapter_options=fast_options)
    yield ctx
    ctx.close()


@pytest.fixture
def sandbox():
    from app.sandbox.server import SandboxServer

    server = SandboxServer(port=0, seed=7, orders=300, rate_limit=None, release_delay=1800.0,
                           seeded=["otto"]).start()  # the other marketplaces start empty: cheaper
    yield server
    server.stop()


@pytest.fixture
def otto_account(app_ctx, sandbox):
    info = sandbox.describe()["otto"]
    account = app_ctx.accounts.add("otto", "OTTO Nord", info["base_url"])
    for field, value in info["credentials"].items():
        app_ctx.secrets().set(account.secret_ref, field, value)
    return account
