"""The user interface in German or English, through Qt's translation system.

The translations are Qt Linguist sources in ``resources/i18n/orderdesk_<language>.ts``
(regenerated with scripts/update-translations.sh). Compiled ``.qm`` files are not kept in the
repository: the first start compiles them with the ``lrelease`` that ships with PySide6 into the
cache folder, and again whenever a ``.ts`` file is newer than its ``.qm``. Without lrelease the
app runs in English and logs a warning; translations never stop it from starting. An installed
build has no lrelease: installer/build.py compiles the ``.qm`` files at build time and ships them
without their ``.ts`` sources, and those are used as they are.

The language: the choice saved under ``ui/language`` in the settings file (Administration tab),
otherwise German when the locale is German, otherwise English.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

import app as app_package
from app.paths import APP_NAME, AppPaths, bundle_dir

log = logging.getLogger(__name__)

SETTINGS_KEY = "ui/language"
LANGUAGES = ("de", "en")  # "en" is the source language; its .ts only holds the plural forms
DEFAULT_LANGUAGE = "en"

# Translators installed by install_translator, so that a second call replaces them.
_installed: list[QTranslator] = []


def resources_dir() -> Path:
    """``$ORDERDESK_RESOURCES`` (set by an installer), else the installed build's ``resources/``,
    else ``resources/`` of the checkout."""
    env = os.environ.get("ORDERDESK_RESOURCES")
    if env:
        return Path(env).expanduser()
    bundle = bundle_dir()
    if bundle is not None:
        return bundle / "resources"
    return Path(app_package.__file__).resolve().parents[1] / "resources"


def translations_dir() -> Path:
    return resources_dir() / "i18n"


def cache_dir() -> Path:
    """Where compiled .qm files go: ``$ORDERDESK_HOME/cache/i18n`` or the user's cache folder."""
    home = os.environ.get("ORDERDESK_HOME")
    root = Path(home).expanduser() / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return root / "i18n"


def lrelease_command() -> list[str] | None:
    """The lrelease of the installed PySide6, or None when there is none."""
    try:
        import PySide6
    except ImportError:  # pragma: no cover - the app cannot run without PySide6 anyway
        return None
    folder = Path(PySide6.__file__).resolve().parent
    for name in ("lrelease", "lrelease.exe"):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    scripts = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        candidate = scripts / name
        if candidate.is_file():
            return [str(candidate)]
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    return [found] if found else None


def compile_ts(ts: Path, qm: Path) -> None:
    """Compiles one .ts file; raises RuntimeError with lrelease's words when that fails."""
    command = lrelease_command()
    if command is None:
        raise RuntimeError("lrelease was not found next to PySide6")
    qm.parent.mkdir(parents=True, exist_ok=True)
    partial = qm.with_name(f"{qm.name}.{os.getpid()}.tmp")
    try:
        done = subprocess.run([*command, "-silent", str(ts), "-qm", str(partial)],
                              capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0 or not partial.is_file():
            raise RuntimeError(f"lrelease failed for {ts.name}: {(done.stderr or done.stdout).strip()}")
        os.replace(partial, qm)
    finally:
        partial.unlink(missing_ok=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compiled_translation(language: str) -> Path | None:
    """The .qm file for a language, compiled when missing or older than its .ts; None if unavailable.

    A stamp file next to the .qm remembers the .ts it came from, so a .ts that was replaced by
    one with an older time stamp (an installer, a checkout) is compiled again too.
    """
    ts = translations_dir() / f"orderdesk_{language}.ts"
    if not ts.is_file():
        # An installed build ships the compiled file only (see the module docstring).
        shipped = ts.with_suffix(".qm")
        return shipped if shipped.is_file() else None
    qm = cache_dir() / f"orderdesk_{language}.qm"
    stamp = qm.with_name(f"{qm.name}.source")
    try:
        digest = _digest(ts)
        current = (qm.is_file() and qm.stat().st_mtime >= ts.stat().st_mtime
                   and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest)
        if not current:
            compile_ts(ts, qm)
            stamp.write_text(digest, encoding="utf-8")
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        log.warning("the %s translation could not be compiled (%s)%s", language, exc,
                    "; using the older compiled file" if qm.is_file() else "; the window stays in English")
        return qm if qm.is_file() else None
    return qm


def system_language() -> str:
    """German when the locale is German, otherwise English.

    QLocale() is the system locale unless QLocale.setDefault() chose another one.
    """
    return "de" if QLocale().language() == QLocale.Language.German else "en"


def settings_file() -> Path:
    """The settings file that holds the language: the one the main window uses outside the demo."""
    return AppPaths.resolve().config / "orderdesk.ini"


def language_settings() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def saved_language(settings: QSettings | None = None) -> str | None:
    """The language chosen in the Administration tab, or None for "system default"."""
    value = (settings or language_settings()).value(SETTINGS_KEY, "")
    value = str(value or "").strip().lower()
    return value if value in LANGUAGES else None


def save_language(language: str | None, *settings: QSettings) -> None:
    """Saves the choice ("de", "en", or None for the system default) to the language settings
    file and to any further settings objects given (the main window's own)."""
    targets = [language_settings(), *settings]
    seen: set[str] = set()
    for target in targets:
        if target.fileName() in seen:
            continue
        seen.add(target.fileName())
        if language in LANGUAGES:
            target.setValue(SETTINGS_KEY, language)
        else:
            target.remove(SETTINGS_KEY)
        target.sync()


def resolve_language(language: str | None = None) -> str:
    if language:
        language = language.strip().lower().replace("-", "_").split("_")[0]
        if language in LANGUAGES:
            return language
        log.warning("unknown language %r, using the system default", language)
    try:
        chosen = saved_language()
    except Exception:  # noqa: BLE001 - an unreadable settings file must not stop the start
        log.warning("could not read the language setting", exc_info=True)
        chosen = None
    return chosen or system_language()


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())


def install_translator(app: QCoreApplication, language: str | None = None) -> str:
    """Installs OrderDesk's (and Qt's own) translations; returns the language in use ("de"/"en").

    ``language`` None means: the saved choice, otherwise the system locale. Calling it again
    replaces the translators installed before (widgets that exist keep their texts).
    """
    language = resolve_language(language)
    remove_translators(app)
    qm = compiled_translation(language)
    if qm is not None:
        translator = QTranslator(app)
        if translator.load(str(qm)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("could not load the compiled translation %s", qm)
    elif language != DEFAULT_LANGUAGE:
        log.warning("no %s translation available; the window stays in English", language)
    if language != DEFAULT_LANGUAGE:
        qt = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(QLocale(language), "qtbase", "_", folder):
            app.installTranslator(qt)
            _installed.append(qt)
    used = language if (language == DEFAULT_LANGUAGE or qm is not None) else DEFAULT_LANGUAGE
    log.info("user interface language: %s", used)
    return used
