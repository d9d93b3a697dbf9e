"""Ebay sandbox."""

from app.sandbox.ebay.app import EbaySandbox

__all__ = ["EbaySandbox"]
