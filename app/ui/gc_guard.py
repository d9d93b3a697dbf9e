"""Python's cycle collector, run on the GUI thread only.

The collector runs in whichever thread happens to allocate when a threshold is crossed. In
this app that is often a fetch or database thread; if the garbage it finds includes a Qt
widget (a closed dialog caught in a reference cycle), the widget would be destroyed on that
thread, and Qt crashes. So automatic collection is switched off and a timer on the GUI
thread collects with the same thresholds. The same approach is used by pyqtgraph and Anki.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer


class MainThreadGarbageCollector(QObject):
    def __init__(self, interval_ms: int = 500, parent: QObject | None = None, full_interval: float = 60.0) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.full_interval = full_interval
        self._last_full = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect)
        self._was_enabled = gc.isenabled()

    def start(self) -> "MainThreadGarbageCollector":
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer.start()
        return self

    def freeze_start_up(self) -> None:
        """What is alive once the window is up (modules, Qt wrappers, SQLAlchemy's metadata)
        lives as long as the app. Moved out of the collector's sight (gc.freeze), it is no
        longer walked by every full collection, which then only looks at what came since."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        """Collects once more and restores automatic collection if it was on before."""
        self.timer.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = 0
        if counts[1] > self.thresholds[1]:
            generation = 1
            if counts[2] > self.thresholds[2] and self._full_collection_due():
                generation = 2
        gc.collect(generation)

    def _full_collection_due(self) -> bool:
        """A full collection walks every object in the process and blocks the window for as long
        (hundreds of milliseconds once a million-row view and a fetch are in memory). CPython
        itself only runs one when the oldest generation has grown by a quarter; a fetch
        allocates so much that the plain threshold would trigger one every few seconds. Young
        garbage is still collected at once; the rare cycles that reach the oldest generation
        wait at most ``full_interval`` seconds."""
        now = time.monotonic()
        if now - self._last_full < self.full_interval:
            return False
        self._last_full = now
        return True
