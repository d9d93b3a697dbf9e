"""Amazon channel tests: the sandbox over HTTP, an account for it, a request recorder."""

from __future__ import annotations

import pytest

from app.services.fetch import FetchService
from tests.channels.amazon.amazon_tools import Recorder, quick_options
from tests.sandbox.amazon.amazon_access import AmazonApi, start_sandbox


@pytest.fixture
def amazon_server():
    server = start_sandbox(seed=21, orders=60)
    yield server
    server.stop()


@pytest.fixture
def amazon_api(amazon_server):
    client = AmazonApi(amazon_server)
    yield client
    client.close()


@pytest.fixture
def amazon_account(app_ctx, amazon_api):
    record = app_ctx.accounts.add("amazon", "Amazon DE", amazon_api.base_url)
    app_ctx.secrets().save(record.secret_ref, dict(amazon_api.credentials))
    return record


@pytest.fixture
def recorder():
    transport = Recorder()
    yield transport
    transport.close()


@pytest.fixture
def recorded_fetch(app_ctx, recorder):
    """The fetch service with quick retries, no pacing, every request recorded."""
    return FetchService(app_ctx.engine, app_ctx.accounts, app_ctx.secrets, lambda: quick_options(recorder))
