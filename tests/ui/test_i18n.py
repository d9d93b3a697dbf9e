"""German and English through Qt translations: the .ts sources, their compilation, the language choice."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QMessageBox

from app.ui import i18n, launch
from app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "i18n"
DE_TS = TS_DIR / "orderdesk_de.ts"
EN_TS = TS_DIR / "orderdesk_en.ts"


def messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, message element) of every message in a .ts file."""
    result = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            result.append((name, message.findtext("source") or "", message))
    return result


def translations(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    assert translation is not None
    if message.get("numerus") == "yes":
        return [form.text or "" for form in translation.iter("numerusform")]
    return [translation.text or ""]


@pytest.fixture
def reset_translation(qapp):
    """Every test that installs a translator leaves the app English and the default locale as it was."""
    default = QLocale()
    yield
    i18n.remove_translators(qapp)
    QLocale.setDefault(default)


def test_ts_files_compile_without_errors(tmp_path: Path):
    assert i18n.lrelease_command() is not None, "PySide6 ships lrelease"
    for ts in (DE_TS, EN_TS):
        done = subprocess.run([*i18n.lrelease_command(), str(ts), "-qm", str(tmp_path / f"{ts.stem}.qm")],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "0 unfinished" in done.stdout, done.stdout
        assert "error" not in (done.stdout + done.stderr).lower()
        assert (tmp_path / f"{ts.stem}.qm").stat().st_size > 0


def test_every_german_string_is_translated_and_finished():
    found = messages(DE_TS)
    assert len(found) > 150
    for context, source, message in found:
        translation = message.find("translation")
        assert translation.get("type") is None, f"{context}: {source!r} is {translation.get('type')}"
        texts = translations(message)
        if message.get("numerus") == "yes":
            assert len(texts) == 2, f"{context}: {source!r} needs singular and plural"
            assert all("%n" in text for text in texts), f"{context}: {source!r}"
        assert all(text.strip() for text in texts), f"{context}: {source!r} has no German translation"
        for marker in ("%1", "%2", "%3", "%4"):
            assert all((marker in text) == (marker in source) for text in texts), f"{context}: {source!r} {marker}"
    by_source = {source: translations(message)[0] for _, source, message in found}
    assert by_source["Orders"] == "Aufträge"
    assert by_source["Backlog"] == "Rückstand"
    assert by_source["Recycling & Entsorgung"] == "Recycling & Entsorgung"


def test_english_plural_forms_are_complete():
    found = messages(EN_TS)
    assert found, "the English .ts holds the plural forms"
    german_plurals = {(c, s) for c, s, m in messages(DE_TS) if m.get("numerus") == "yes"}
    assert {(c, s) for c, s, _ in found} == german_plurals
    for context, source, message in found:
        assert message.find("translation").get("type") is None, f"{context}: {source!r}"
        singular, plural = translations(message)
        assert singular.strip() and plural.strip() and "%n" in singular and "%n" in plural


@pytest.mark.skipif(shutil.which("bash") is None, reason="the update script is a bash script")
def test_lupdate_finds_no_string_missing_from_the_ts_files(tmp_path: Path):
    """A new self.tr() string fails here until scripts/update-translations.sh ran and it is translated."""
    for ts in (DE_TS, EN_TS):
        shutil.copy(ts, tmp_path / ts.name)
    env = dict(os.environ, TS_DIR=str(tmp_path))
    done = subprocess.run(["bash", str(ROOT / "scripts" / "update-translations.sh")], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for ts in (DE_TS, EN_TS):
        committed = {(context, source) for context, source, _ in messages(ts)}
        updated = messages(tmp_path / ts.name)
        missing = [(context, source) for context, source, _ in updated if (context, source) not in committed]
        assert not missing, f"strings missing from {ts.name}; run scripts/update-translations.sh and translate: {missing}"
        unfinished = [(c, s) for c, s, m in updated if m.find("translation").get("type") == "unfinished"]
        assert not unfinished, f"untranslated in {ts.name}: {unfinished}"


def test_compiles_into_the_cache_and_again_when_the_ts_is_newer(tmp_path: Path, monkeypatch, orderdesk_home):
    resources = tmp_path / "resources"
    (resources / "i18n").mkdir(parents=True)
    shutil.copy(DE_TS, resources / "i18n" / DE_TS.name)
    monkeypatch.setenv("ORDERDESK_RESOURCES", str(resources))
    qm = i18n.compiled_translation("de")
    assert qm == orderdesk_home / "cache" / "i18n" / "orderdesk_de.qm" and qm.is_file()
    first = qm.stat().st_mtime
    assert i18n.compiled_translation("de") == qm and qm.stat().st_mtime == first  # up to date: kept
    os.utime(qm, (first - 100, first - 100))  # now the .ts is newer than the .qm
    assert i18n.compiled_translation("de") == qm
    assert qm.stat().st_mtime > first - 100
    # A different .ts with an old time stamp (copied by an installer) is compiled as well.
    ts = resources / "i18n" / DE_TS.name
    ts.write_text(ts.read_text(encoding="utf-8").replace(">Aufträge<", ">Bestellungen<"), encoding="utf-8")
    os.utime(ts, (first - 1000, first - 1000))
    os.utime(qm, (first - 10, first - 10))
    assert i18n.compiled_translation("de") == qm
    assert qm.stat().st_mtime > first - 10


def test_without_lrelease_the_app_runs_in_english(qapp, reset_translation, monkeypatch, caplog):
    monkeypatch.setattr(i18n, "lrelease_command", lambda: None)
    assert i18n.install_translator(qapp, "de") == "en"
    assert QCoreApplication.translate("MainWindow", "Orders") == "Orders"
    assert "could not be compiled" in caplog.text


def test_a_broken_ts_file_does_not_stop_the_start(qapp, reset_translation, tmp_path: Path, monkeypatch):
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "orderdesk_de.ts").write_text("<TS><context>not xml", encoding="utf-8")
    monkeypatch.setenv("ORDERDESK_RESOURCES", str(tmp_path))
    assert i18n.install_translator(qapp, "de") == "en"


def test_german_main_window(qtbot, ui_ctx, qapp, reset_translation):
    assert i18n.install_translator(qapp, "de") == "de"
    window = MainWindow(ui_ctx, refresh_ms=200, log_poll_ms=100)
    qtbot.addWidget(window)
    try:
        ribbon = window.ribbon
        titles = [ribbon.tabText(i) for i in range(ribbon.count())]
        assert titles[:5] == ["Aufträge", "Rückstand (0)", "Zahlungen", "Status && Versand", "Administration"]
        assert QCoreApplication.translate("OrdersView", "%n orders", "", 1) == "1 Auftrag"
        assert QCoreApplication.translate("OrdersView", "%n orders", "", 3) == "3 Aufträge"
        assert QCoreApplication.translate("Labels", "Refund") == "Rückerstattung"
        assert launch._tr("Start the demo") == "Demo starten"  # module-level strings: the empty context
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Abbrechen"  # Qt's own qtbase_de
    finally:
        window.shutdown()


def test_english_main_window(qtbot, ui_ctx, qapp, reset_translation):
    assert i18n.install_translator(qapp, "de") == "de"
    assert i18n.install_translator(qapp, "en") == "en"  # replaces the German translators
    window = MainWindow(ui_ctx, refresh_ms=200, log_poll_ms=100)
    qtbot.addWidget(window)
    try:
        ribbon = window.ribbon
        titles = [ribbon.tabText(i) for i in range(ribbon.count())]
        assert titles[:5] == ["Orders", "Backlog (0)", "Payments", "Status && Shipping", "Administration"]
        assert QCoreApplication.translate("OrdersView", "%n orders", "", 1) == "1 order"
        assert QCoreApplication.translate("OrdersView", "%n orders", "", 2) == "2 orders"
    finally:
        window.shutdown()


def test_system_locale_decides_unless_a_language_was_chosen(qapp, reset_translation):
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert i18n.system_language() == "de"
    assert i18n.install_translator(qapp, None) == "de"
    assert QCoreApplication.translate("MainWindow", "Payments") == "Zahlungen"
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert i18n.install_translator(qapp, None) == "en"
    assert QCoreApplication.translate("MainWindow", "Payments") == "Payments"
    i18n.save_language("de")  # the Administration tab's choice wins over the locale
    assert i18n.install_translator(qapp, None) == "de"
    i18n.save_language(None)
    assert i18n.saved_language() is None
    assert i18n.install_translator(qapp, None) == "en"


def test_language_selector_in_administration(qtbot, ui_ctx, tmp_path: Path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a, **k: shown.append(text))
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ui_ctx, settings=settings, refresh_ms=200, log_poll_ms=100)
    qtbot.addWidget(window)
    try:
        box = window.language_box
        admin = window.ribbon.widget(window.ribbon.index_of_key("admin"))
        assert box in admin.findChildren(type(box))
        assert [box.itemData(i) for i in range(box.count())] == ["", "de", "en"]
        assert box.currentData() == ""  # system default
        box.setCurrentIndex(box.findData("de"))
        assert i18n.saved_language() == "de" and settings.value(i18n.SETTINGS_KEY) == "de"
        assert shown and "restart" in shown[-1]
        box.setCurrentIndex(box.findData(""))
        assert i18n.saved_language() is None and settings.value(i18n.SETTINGS_KEY) is None
    finally:
        window.shutdown()
    i18n.save_language("en")
    window = MainWindow(ui_ctx, refresh_ms=200, log_poll_ms=100)
    qtbot.addWidget(window)
    try:
        assert window.language_box.currentData() == "en"
    finally:
        window.shutdown()
