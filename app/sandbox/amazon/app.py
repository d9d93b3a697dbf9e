"""Placeholder: the amazon sandbox is being built (issue 4)."""

from __future__ import annotations

import json

from app.sandbox.clock import SandboxClock
from app.sandbox.settings import SandboxSettings


class AmazonSandbox:
    def __init__(self, settings: SandboxSettings, clock: SandboxClock) -> None:
        self.settings = settings
        self.clock = clock
        self.credentials: dict[str, str] = {}

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        body = json.dumps({"error": "not built yet"}).encode()
        start_response("501 Not Implemented", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
