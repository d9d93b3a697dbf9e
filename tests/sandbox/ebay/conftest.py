"""Fixtures: the eBay sandbox on a loopback port, shared by a module or fresh per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ebay_api import EbayApi, EbayServer


@pytest.fixture(scope="module")
def shared() -> Iterator[EbayApi]:
    """One sandbox for the read-only tests of a module (400 orders, seed 3)."""
    server = EbayServer(seed=3, orders=400)
    api = EbayApi(server)
    yield api
    api.close()
    server.stop()


@pytest.fixture
def sandbox() -> Iterator[Callable[..., EbayApi]]:
    """Factory for a fresh sandbox with its own settings (for tests that change state)."""
    started: list[EbayApi] = []

    def make(**kwargs: Any) -> EbayApi:
        kwargs.setdefault("orders", 40)
        api = EbayApi(EbayServer(**kwargs))
        started.append(api)
        return api

    yield make
    for api in started:
        api.close()
        api.server.stop()
