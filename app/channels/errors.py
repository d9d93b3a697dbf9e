"""Neutral errors the services see; each channel client maps HTTP failures to these in one place."""

from __future__ import annotations


class ChannelError(Exception):
    """Base: ``str(exc)`` is a plain sentence a clerk can read, never containing a secret."""


class AuthError(ChannelError):
    """Credentials rejected: retrying does not help, the clerk must fix the account."""


class RateLimited(ChannelError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(ChannelError):
    """Network trouble, timeouts, 5xx, cut-off or unreadable responses: worth retrying."""


class PermanentError(ChannelError):
    """The marketplace refused the request itself (4xx other than auth and rate limits)."""


class Conflict(PermanentError):
    """The marketplace refuses because of the order's state (OTTO 409, Kaufland 403, Shopware's
    illegal transition). The status may already be there (sent before a crash): the caller reads
    the order back before it calls this a failure."""
