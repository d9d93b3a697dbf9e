"""Starting the desktop app: Qt, the app context (real or demo profile), the main window."""

from __future__ import annotations

import logging
import os
import sys
import threading

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from app import __version__
from app.bootstrap import AppContext, build
from app.paths import APP_NAME
from app.secrets.store import SecretStoreError
from app.ui.demo import DemoProfile
from app.ui.errors import ErrorReporter
from app.ui.gc_guard import MainThreadGarbageCollector
from app.ui.i18n import install_translator
from app.ui.icons import icon
from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    # lupdate (scripts/update-translations.sh) files module-level _tr() strings under the empty context.
    return QCoreApplication.translate("", text)


def _display_problem() -> str | None:
    """Qt aborts the whole process when it cannot reach a display; say so in words first."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("orderdesk: no graphical display found (DISPLAY and WAYLAND_DISPLAY are unset). "
                "Start the desktop app in a graphical session, or use the command line: orderdesk --help")
    return None


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationDisplayName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setOrganizationName(APP_NAME)
    # Matches installer/linux/orderdesk.desktop, so Wayland shells show the menu entry's icon.
    QGuiApplication.setDesktopFileName("orderdesk")
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    # The ribbon and the highlight colours are designed for a light window; keep it light.
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(Qt.ColorScheme.Light)
    app.setWindowIcon(icon("app"))
    _install_translations(app)
    return app


def _install_translations(app: QApplication) -> None:
    """OrderDesk and Qt's own dialogs in German or English (see app/ui/i18n.py); never fails."""
    try:
        install_translator(app, None)
    except Exception:  # noqa: BLE001 - without translations the window is English, still usable
        log.warning("could not install the translations", exc_info=True)


def ask_master_key(new_file: bool) -> str:
    """The master password of the encrypted credential file, asked in a password dialog.

    Called by the secret store the first time credentials are needed, always on the GUI
    thread (the fetch controller opens the store before it starts worker threads).
    """
    if threading.current_thread() is not threading.main_thread():
        raise SecretStoreError("the master password can only be asked in the main window")
    title = _tr("OrderDesk – master password")
    if not new_file:
        key, ok = QInputDialog.getText(
            None, title, _tr("This computer has no system keyring, so OrderDesk keeps the marketplace credentials "
                             "in an encrypted file.\n\nMaster password:"), QLineEdit.EchoMode.Password)
        if not ok or not key:
            raise SecretStoreError("no master password was entered")
        return key
    while True:
        key, ok = QInputDialog.getText(
            None, title, _tr("This computer has no system keyring, so OrderDesk keeps the marketplace credentials "
                             "in an encrypted file.\n\nChoose a master password (at least 8 characters):"),
            QLineEdit.EchoMode.Password)
        if not ok:
            raise SecretStoreError("no master password was chosen")
        if len(key) < 8:
            QMessageBox.warning(None, title, _tr("Please choose at least 8 characters."))
            continue
        again, ok = QInputDialog.getText(None, title, _tr("Repeat the master password:"), QLineEdit.EchoMode.Password)
        if not ok:
            raise SecretStoreError("no master password was chosen")
        if again == key:
            return key
        QMessageBox.warning(None, title, _tr("The two passwords differ. Please try again."))


def _offer_demo() -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, _tr("Welcome to OrderDesk"),
                      _tr("No marketplace account is set up yet.\n\nWould you like to try OrderDesk with the demo "
                          "profile? It starts a built-in OTTO Market sandbox with two demo accounts, new orders every "
                          "minute and backlog orders that are released a few minutes later.\n\nDemo data is kept in "
                          "its own folder and never mixes with your real data."))
    box.setWindowIcon(icon("app"))
    demo = box.addButton(_tr("Start the demo"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_tr("Continue without"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(demo)
    box.exec()
    return box.clickedButton() is demo


def _start_demo(profile: DemoProfile) -> AppContext:
    # Starting the sandboxes and storing the demo keys can take a few seconds (an encrypted
    # credential file costs about a second per access).
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        profile.start()
        ctx = profile.build_context()
        try:
            profile.prepare_accounts(ctx)
        except Exception:
            ctx.close()
            raise
        return ctx
    finally:
        QApplication.restoreOverrideCursor()


def run_desktop(demo: bool = False) -> int:
    """Runs the desktop app until its window is closed; returns the exit code."""
    problem = _display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    app = _application()
    collector = MainThreadGarbageCollector(parent=app).start()
    previous_hooks = (sys.excepthook, threading.excepthook)
    reporter = ErrorReporter()
    reporter.install()
    profile: DemoProfile | None = None
    ctx: AppContext | None = None
    window: MainWindow | None = None
    try:
        try:
            if demo:
                profile = DemoProfile()
                ctx = _start_demo(profile)
            else:
                ctx = build(ask_master_key=ask_master_key)
                if not ctx.accounts.list() and _offer_demo():
                    ctx.close()
                    ctx = None
                    profile = DemoProfile()
                    ctx = _start_demo(profile)
        except Exception as exc:  # noqa: BLE001 - nothing is open yet; explain and leave
            log.exception("OrderDesk could not start")
            reason = f"{type(exc).__name__}: {exc}"
            QMessageBox.critical(None, _tr("OrderDesk cannot start"),
                                 _tr("OrderDesk could not open its data.\n\n%1").replace("%1", reason))
            return 1
        reporter.log_file = ctx.paths.logs / "orderdesk.log"  # bootstrap's technical log
        note = ""
        if profile is not None:
            note = _tr("Demo profile · data in %1 · marketplace sandboxes at %2").replace(
                "%1", str(profile.paths.data)).replace("%2", ", ".join(profile.sandbox_urls()))
        window = MainWindow(ctx, profile_note=note)
        window.show()
        collector.freeze_start_up()
        return app.exec()
    finally:
        if window is not None:
            window.shutdown()
        if ctx is not None:
            ctx.close()
        if profile is not None:
            profile.stop()
        sys.excepthook, threading.excepthook = previous_hooks
        collector.stop()
