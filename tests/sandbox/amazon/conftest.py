"""The Amazon sandbox on a loopback port (the other marketplaces mounted but not seeded)."""

from __future__ import annotations

import pytest

from tests.sandbox.amazon.amazon_access import AmazonApi, start_sandbox


@pytest.fixture
def amazon_server():
    server = start_sandbox(seed=5)
    yield server
    server.stop()


@pytest.fixture
def api(amazon_server):
    client = AmazonApi(amazon_server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def shared_api():
    """One sandbox for a module's read-only checks (each builds its whole server otherwise)."""
    server = start_sandbox(seed=6, orders=40)
    client = AmazonApi(server)
    yield client
    client.close()
    server.stop()
