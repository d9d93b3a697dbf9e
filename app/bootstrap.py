"""The composition root: the one place that builds and wires the app's parts."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import Engine

from app.channels.base import AdapterOptions
from app.paths import AppPaths
from app.secrets.store import SecretStore, open_secret_store
from app.services.fetch import FetchService
from app.services.status import StatusService
from app.store.accounts import AccountRepository
from app.store.db import create_store_engine, database_url
from app.store.migrate import upgrade


@dataclass
class AppContext:
    paths: AppPaths
    engine: Engine
    accounts: AccountRepository
    fetch: FetchService
    _secret_factory: Callable[[], SecretStore]
    status: StatusService = field(default=None)  # type: ignore[assignment]  # set by build()
    _secrets: SecretStore | None = field(default=None)
    _log_handler: logging.Handler | None = field(default=None)

    def secrets(self) -> SecretStore:
        """Opened on first use: listing orders must not ask for a master password."""
        if self._secrets is None:
            self._secrets = self._secret_factory()
        return self._secrets

    def close(self) -> None:
        self.engine.dispose()
        if self._log_handler is not None:
            logging.getLogger("app").removeHandler(self._log_handler)
            self._log_handler.close()


def _file_log(paths: AppPaths) -> logging.Handler:
    """Technical log (tracebacks for support) in the logs folder; the clerk reads the protocol log."""
    handler = RotatingFileHandler(paths.logs / "orderdesk.log", maxBytes=5_000_000, backupCount=3,
                                  encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
    logger = logging.getLogger("app")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def build(
    *,
    paths: AppPaths | None = None,
    database: str | None = None,
    secrets: SecretStore | None = None,
    ask_master_key: Callable[[bool], str] | None = None,
    adapter_options: Callable[[], AdapterOptions] = AdapterOptions,
) -> AppContext:
    paths = (paths or AppPaths.resolve()).ensure()
    handler = _file_log(paths)
    engine = create_store_engine(database or database_url(paths))
    upgrade(engine)
    accounts = AccountRepository(engine)
    factory = (lambda: secrets) if secrets is not None else (lambda: open_secret_store(paths.data, ask_master_key))
    ctx = AppContext(paths, engine, accounts, FetchService(engine, accounts, lambda: ctx.secrets(), adapter_options),
                     factory, _log_handler=handler)  # type: ignore[arg-type]
    ctx.status = StatusService(engine, accounts, lambda: ctx.secrets(), adapter_options)
    return ctx
