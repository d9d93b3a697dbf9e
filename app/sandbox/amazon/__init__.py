"""Amazon SP-API sandbox (Login with Amazon, Tokens API, Orders v0)."""

from app.sandbox.amazon.app import AmazonSandbox

__all__ = ["AmazonSandbox"]
