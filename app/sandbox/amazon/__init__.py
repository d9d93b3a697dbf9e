"""Amazon sandbox."""

from app.sandbox.amazon.app import AmazonSandbox

__all__ = ["AmazonSandbox"]
