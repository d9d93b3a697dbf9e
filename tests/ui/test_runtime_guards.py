"""Guards against PySide6/CPython pitfalls: collection on the GUI thread, singleton refcounts."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal

from app.ui.gc_guard import MainThreadGarbageCollector


def test_garbage_is_collected_by_the_gui_timer_not_automatically(qtbot):
    was_enabled = gc.isenabled()
    gc.enable()
    collector = MainThreadGarbageCollector(interval_ms=20).start()
    try:
        assert not gc.isenabled()
        for _ in range(3000):  # cycles: only the timer may free them
            a: list = []
            a.append(a)
        qtbot.waitUntil(lambda: gc.get_count()[0] <= collector.thresholds[0], timeout=2_000)
    finally:
        collector.stop()
    assert gc.isenabled()
    if not was_enabled:
        gc.disable()


def test_installed_pyside_keeps_none_and_true_alive(qapp):
    """PySide6 6.12.0 on CPython 3.11 released a reference to None/True per emit and aborted
    the process; pyproject pins it out. This fails if such a release comes back."""

    class Emitter(QObject):
        ping = Signal()

    emitter = Emitter()
    emitter.ping.connect(lambda: None)
    before = (sys.getrefcount(True), sys.getrefcount(None))
    for _ in range(200):
        emitter.ping.emit()
    after = (sys.getrefcount(True), sys.getrefcount(None))
    assert after[0] >= before[0] - 5 and after[1] >= before[1] - 5


def test_full_collections_are_rationed_young_ones_are_not(qtbot):
    """A fetch allocates enough to cross the oldest generation's threshold every few seconds;
    each full pass over a big heap blocks the window, so the timer runs one at most every
    ``full_interval`` seconds while young garbage is still freed at once."""
    collector = MainThreadGarbageCollector(interval_ms=10, full_interval=3600).start()
    try:
        full_before = gc.get_stats()[2]["collections"]
        young_before = gc.get_stats()[0]["collections"]
        for _ in range(200):  # enough young collections to make a full one due (10 x 10)
            for _ in range(2000):
                a: list = []
                a.append(a)
            qtbot.wait(12)
        assert gc.get_stats()[0]["collections"] > young_before
        assert gc.get_stats()[2]["collections"] == full_before  # rationed: none within the hour
        collector.full_interval = 0
        for _ in range(100):
            for _ in range(2000):
                a = []
                a.append(a)
            qtbot.wait(12)
            if gc.get_stats()[2]["collections"] > full_before:
                break
        assert gc.get_stats()[2]["collections"] > full_before  # and still runs when due
    finally:
        collector.stop()
