"""Kaufland sandbox."""

from app.sandbox.kaufland.app import KauflandSandbox

__all__ = ["KauflandSandbox"]
