"""The dependency direction of ARCHITECTURE.md, checked on the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# package -> imports it must never make (prefix match)
FORBIDDEN = {
    "domain": ("sqlalchemy", "httpx", "PySide6", "keyring", "app.store", "app.channels", "app.services", "app.ui",
               "app.sandbox", "app.cli", "app.bootstrap"),
    "store": ("httpx", "PySide6", "app.channels", "app.services", "app.ui", "app.sandbox", "app.cli"),
    "channels": ("sqlalchemy", "PySide6", "app.store", "app.services", "app.ui", "app.cli"),
    "services": ("PySide6", "app.ui", "app.cli", "app.sandbox"),
    "sandbox": ("sqlalchemy", "PySide6", "app.store", "app.services", "app.channels", "app.ui", "app.domain"),
    # The ERP web service reaches marketplaces only through the services (status protocols).
    "api": ("PySide6", "app.ui", "app.cli", "app.sandbox", "app.channels"),
}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependency_direction(package):
    files = list((APP / package).rglob("*.py"))
    assert files
    bad = [f"{f.relative_to(APP)} imports {name}" for f in files for name in imports(f)
           if name.startswith(FORBIDDEN[package])]
    assert not bad, "\n".join(bad)
