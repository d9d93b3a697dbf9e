"""Where the app keeps its files. ORDERDESK_HOME puts everything into one folder."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "OrderDesk"


def bundle_dir() -> Path | None:
    """The folder of the installed (PyInstaller-frozen) build's data files, None when running from source.

    A frozen build has no checkout around it; its resources and migrations lie in this folder
    (``_internal`` next to the executable), where installer/orderdesk.spec puts them.
    """
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None


@dataclass(frozen=True)
class AppPaths:
    data: Path  # database, encrypted keyring file
    config: Path  # settings
    logs: Path

    @classmethod
    def resolve(cls) -> "AppPaths":
        home = os.environ.get("ORDERDESK_HOME")
        if home:
            root = Path(home).expanduser()
            return cls(root, root, root / "logs")
        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    def ensure(self) -> "AppPaths":
        for path in (self.data, self.config, self.logs):
            path.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def database_file(self) -> Path:
        return self.data / "orderdesk.db"
