"""Shared sandbox clock.

All marketplace sandboxes in one server read the same clock so a test can jump
"30 minutes later" once and every marketplace sees the same moment. The clock is
real UTC time plus an offset that only ever grows: time never runs backwards, so
state transitions stay monotonic.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class SandboxClock:
    """Thread-safe wall clock with a forward-only offset."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def now(self) -> datetime:
        """Current sandbox time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.timestamp(), tz=timezone.utc)

    def timestamp(self) -> float:
        """Current sandbox time as POSIX seconds (cheaper than now())."""
        with self._lock:
            offset = self._offset
        return time.time() + offset

    def now_ms(self) -> int:
        """Current sandbox time in integer milliseconds.

        Sandboxes store all timestamps as epoch milliseconds because the wire
        format has millisecond precision; storing more would let a client's
        `fromDate=<lastModifiedDate it saw>` miss the very order it came from.
        """
        return int(self.timestamp() * 1000)

    def advance(self, seconds: float) -> None:
        """Move the clock forward; negative values are rejected."""
        seconds = float(seconds)
        if seconds < 0 or seconds != seconds:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds

    @property
    def offset(self) -> timedelta:
        """How far ahead of real time the clock is."""
        with self._lock:
            return timedelta(seconds=self._offset)
