"""Helpers of the Amazon channel tests: a recording transport and adapter construction."""

from __future__ import annotations

from typing import Any, Callable

import httpx

from app.channels.amazon.adapter import AmazonAdapter
from app.channels.base import AdapterOptions
from app.channels.http import RetryPolicy
from tests.sandbox.amazon.amazon_access import AmazonApi


class Recorder(httpx.HTTPTransport):
    """A real transport that notes (method, path, query, status) of every exchange; `hooks` run
    before a request whose path ends with their key (to break things at an exact moment), and
    `refuse` answers a path with a made-up Amazon error instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str, dict[str, str], int]] = []
        self.hooks: dict[str, Callable[[httpx.Request], None]] = {}
        self.refuse: dict[str, int] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for ending, hook in list(self.hooks.items()):
            if request.url.path.endswith(ending):
                hook(request)
        status = next((code for ending, code in self.refuse.items() if request.url.path.endswith(ending)), None)
        if status is not None:
            response = httpx.Response(status, json={"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]})
        else:
            response = super().handle_request(request)
        self.log.append((request.method, request.url.path, dict(request.url.params), response.status_code))
        return response

    def calls(self, path_end: str) -> list[tuple[str, str, dict[str, str], int]]:
        return [entry for entry in self.log if entry[1].endswith(path_end)]


def quick_options(transport: httpx.BaseTransport, **kwargs: Any) -> AdapterOptions:
    """Real retries with short waits; no pacing unless a test asks for it."""
    kwargs.setdefault("rate_limit", 0)
    return AdapterOptions(policy=RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=5.0, read_timeout=5.0),
                          transport=transport, **kwargs)


def adapter_for(api: AmazonApi, transport: httpx.BaseTransport, **kwargs: Any) -> AmazonAdapter:
    return AmazonAdapter(api.base_url, dict(api.credentials), quick_options(transport, **kwargs))
