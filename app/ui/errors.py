"""Unexpected errors: written to the technical log and shown in a message box; the window stays open."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

# Under "app": bootstrap writes that logger to logs/orderdesk.log (the technical log).
log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    """Receives errors from any thread and shows them, one box at a time, on the GUI thread."""

    _report = Signal(str, str)

    def __init__(self, log_file: Path | None = None) -> None:
        super().__init__()
        self.log_file = log_file
        self._showing = False
        self._pending = 0
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def excepthook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        log.error("unexpected error", exc_info=(kind, value, tb))
        self._report.emit(f"{kind.__name__}: {value}", "".join(traceback.format_exception(kind, value, tb)))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        log.error("unexpected error in thread %s", args.thread.name if args.thread else "?",
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]
        self._report.emit(f"{args.exc_type.__name__}: {args.exc_value}",
                          "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)))

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self._showing:  # an error storm must not stack up dozens of boxes
            self._pending += 1
            return
        if QApplication.instance() is None:
            return
        self._showing = True
        try:
            box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Unexpected error"),
                              self.tr("Something went wrong, but your data is safe and the window stays open.\n\n%1")
                              .replace("%1", summary[:500]), parent=QApplication.activeWindow())
            if self.log_file is not None:
                box.setInformativeText(self.tr("Details were written to %1.").replace("%1", str(self.log_file)))
            box.setDetailedText(details[-6000:])
            box.exec()
        finally:
            self._showing = False
            if self._pending:
                log.error("%d more errors were logged while the message was shown", self._pending)
                self._pending = 0
