"""The web service ERP systems call: fetchOrders, fetchPayments, updateOrders (docs/openapi.json).

``create_app`` (app.api.app) builds the ASGI app; ``serve_api`` (app.api.server) runs it."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:  # lazy: `python -m app.api.openapi` must not import the app first
    if name == "create_app":
        from app.api.app import create_app

        return create_app
    if name == "serve_api":
        from app.api.server import serve_api

        return serve_api
    raise AttributeError(name)
