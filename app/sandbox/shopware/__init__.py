"""Shopware sandbox."""

from app.sandbox.shopware.app import ShopwareSandbox

__all__ = ["ShopwareSandbox"]
