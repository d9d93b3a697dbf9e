"""Python's cycle collector, run on the GUI thread only.

The collector runs in whichever thread happens to allocate when a threshold is crossed. In
this app that is often a fetch or database thread; if the garbage it finds includes a Qt
widget (a closed dialog caught in a reference cycle), the widget would be destroyed on that
thread, and Qt crashes. So automatic collection is switched off and a timer on the GUI
thread collects with the same thresholds. The same approach is used by pyqtgraph and Anki.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadGarbageCollector(QObject):
    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect)
        self._was_enabled = gc.isenabled()

    def start(self) -> "MainThreadGarbageCollector":
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer.start()
        return self

    def stop(self) -> None:
        """Collects once more and restores automatic collection if it was on before."""
        self.timer.stop()
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
            if counts[2] > self.thresholds[2]:
                generation = 2
        gc.collect(generation)
