"""How the code finds its files inside an installed (PyInstaller-frozen) build: its data folder
sys._MEIPASS, and translations compiled at build time, without a .ts or lrelease beside them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import paths
from app.ui import i18n


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """What PyInstaller's bootloader sets: sys.frozen and sys._MEIPASS (the _internal folder)."""
    bundle = tmp_path / "_internal"
    (bundle / "resources" / "i18n").mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.delenv("ORDERDESK_RESOURCES", raising=False)
    monkeypatch.setenv("ORDERDESK_HOME", str(tmp_path / "home"))
    return bundle


def test_from_source_there_is_no_bundle_and_resources_are_the_checkouts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("ORDERDESK_RESOURCES", raising=False)
    assert paths.bundle_dir() is None
    assert i18n.resources_dir() == Path(__file__).resolve().parents[2] / "resources"


def test_frozen_build_reads_resources_from_its_data_folder(frozen: Path):
    assert paths.bundle_dir() == frozen
    assert i18n.resources_dir() == frozen / "resources"
    assert i18n.translations_dir() == frozen / "resources" / "i18n"


def test_frozen_build_uses_the_shipped_qm_without_compiling(frozen: Path, monkeypatch: pytest.MonkeyPatch):
    def no_compiling(*args, **kwargs):
        raise AssertionError("an installed build must not compile translations")

    monkeypatch.setattr(i18n, "compile_ts", no_compiling)
    shipped = frozen / "resources" / "i18n" / "orderdesk_de.qm"
    shipped.write_bytes(b"compiled at build time")
    assert i18n.compiled_translation("de") == shipped
    assert i18n.compiled_translation("en") is None  # not shipped: the caller falls back to English


def test_an_installers_resources_folder_still_wins(frozen: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ORDERDESK_RESOURCES", str(tmp_path / "elsewhere"))
    assert i18n.resources_dir() == tmp_path / "elsewhere"
