"""OTTO Market sandbox (Orders v4, Shipments v1, Receipts v3, OAuth2 token)."""

from app.sandbox.otto.app import OttoSandbox

__all__ = ["OttoSandbox"]
