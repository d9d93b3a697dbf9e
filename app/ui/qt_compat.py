"""Guards against bugs in particular PySide6 releases, detected at run time, inert elsewhere.

PySide6 6.12.0 on CPython 3.11 hands out ``None``, ``True`` and ``False`` without taking a
reference: every void method call (``painter.drawLine``), every Python slot called by a C++
signal and every ``Signal.emit()`` releases one reference it never took. That is what code
built for CPython 3.12's immortal singletons does on an older interpreter. After enough calls
CPython 3.11 frees the singleton and aborts ("Fatal Python error: none_dealloc" or
"bool_dealloc") - within seconds of painting, or at the latest at exit. 6.11.3 is fine.

The proper fix is a PySide6 that matches the interpreter (see the dependency pin). Until
then ``protect_singletons()`` measures whether the running PySide6 has the bug and, only
then, gives the singletons a large reserve of references, which is what CPython 3.12 does by
making them immortal. They live as long as the interpreter anyway, so nothing else changes.
"""

from __future__ import annotations

import ctypes
import logging
import platform
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

RESERVE = 1 << 40  # references; more signals than any process will ever emit
_applied = False


class _Probe(QObject):
    ping = Signal()


def _leaks() -> tuple[bool, bool]:
    """(emit loses True, void calls and C++ -> Python slots lose None), on a throwaway object."""
    probe = _Probe()
    probe.objectNameChanged.connect(lambda _name: None)
    true_before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    true_lost = sys.getrefcount(True) < true_before
    none_before = sys.getrefcount(None)
    for i in range(8):
        probe.setObjectName(f"probe{i}")  # emitted by C++, delivered to the Python lambda
    none_lost = sys.getrefcount(None) < none_before
    probe.deleteLater()
    return true_lost, none_lost


def protect_singletons() -> bool:
    """Applies the reserve when this PySide6 needs it; returns whether it did."""
    global _applied
    if _applied:
        return True
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    true_lost, none_lost = _leaks()
    if not (true_lost or none_lost):
        return False
    import PySide6

    log.warning("PySide6 %s releases references to None/True it never took; protecting them. "
                "Use a PySide6 release without this bug (6.11.3 is fine).", PySide6.__version__)
    for singleton in (None, True, False, NotImplemented, Ellipsis):
        # ob_refcnt is the first field of every CPython object, at the object's address.
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    _applied = True
    return True
