"""UI test fixtures: offscreen Qt, a throwaway ORDERDESK_HOME and an in-memory keyring."""

from __future__ import annotations

import gc
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

from pathlib import Path
from typing import Iterator

import pytest
from tests.memory_keyring import MemoryKeyring

from app.channels.base import AdapterOptions
from app.channels.http import RetryPolicy
from app.secrets.store import SecretStore

# As in the app (see app/ui/gc_guard.py): never let a worker thread run the cycle collector,
# it could destroy a leftover widget of an earlier test off the GUI thread.
gc.disable()


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread():
    yield
    gc.collect()




def quick_options() -> AdapterOptions:
    return AdapterOptions(policy=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=2.0, read_timeout=10.0),
                          rate_limit=0)


@pytest.fixture(autouse=True)
def orderdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ORDERDESK_HOME", str(home))
    monkeypatch.delenv("ORDERDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("ORDERDESK_MASTER_KEY", raising=False)
    return home


@pytest.fixture
def keyring_memory() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def ui_ctx(qapp, orderdesk_home: Path, keyring_memory: MemoryKeyring):
    from app.bootstrap import build

    ctx = build(secrets=SecretStore(keyring_memory, "memory"), adapter_options=quick_options)
    yield ctx
    ctx.close()


@pytest.fixture
def sandbox() -> Iterator[object]:
    from app.sandbox.server import SandboxServer

    server = SandboxServer(port=0, seed=3, orders=120, rate_limit=None, release_delay=1800.0,
                           seeded=["otto"]).start()
    yield server
    server.stop()
