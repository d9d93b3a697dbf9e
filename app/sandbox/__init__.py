"""Local emulations of the marketplace seller APIs (wire format, auth, paging, faults).

Kept import-light on purpose: `python -m app.sandbox.server` must not find the
server module pre-imported by this package.
"""

from app.sandbox.clock import SandboxClock

__all__ = ["SandboxClock"]
