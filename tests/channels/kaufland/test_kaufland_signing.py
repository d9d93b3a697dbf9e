"""Request signing of the Kaufland client: the documented formula, fresh signatures on every
retry, and plain errors for wrong keys, a wrong clock and a wrong storefront."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from app.channels.base import AdapterOptions
from app.channels.errors import AuthError, PermanentError
from app.channels.http import RetryPolicy
from app.channels.kaufland.adapter import KauflandAdapter
from app.channels.kaufland.signing import KauflandSigner, sign
from app.sandbox.clock import SandboxClock
from app.sandbox.kaufland import KauflandSandbox
from app.sandbox.settings import SandboxSettings

BASE = "http://sellerapi.test"


def expected(secret: str, method: str, url: str, body: bytes, stamp: str) -> str:
    """Written from the documentation, independently of signing.py."""
    return hmac.new(secret.encode(), method.encode() + b"\n" + url.encode() + b"\n" + body + b"\n" + stamp.encode(),
                    hashlib.sha256).hexdigest()  # fmt: skip


def test_signature_follows_the_documented_formula() -> None:
    known = sign("secret", "GET", "https://sellerapi.kaufland.com/v2/order-units?storefront=de&limit=100", b"", "1700000000")
    assert known == expected("secret", "GET", "https://sellerapi.kaufland.com/v2/order-units?storefront=de&limit=100",
                             b"", "1700000000")  # fmt: skip
    assert len(known) == 64 and known == known.lower()
    signer = KauflandSigner("client-key", "secret-key", clock=lambda: 1_700_000_123.9)
    with httpx.Client(base_url="https://sellerapi.kaufland.com", auth=signer) as client:
        request = client.build_request("PATCH", "/v2/order-units/1/cancel", params={"x": "a b:c"},
                                       content=b'{"reason":"NoInventory"}')  # fmt: skip
        flow = signer.auth_flow(request)
        signed = next(flow)
    assert signed.headers["Shop-Client-Key"] == "client-key" and signed.headers["Shop-Timestamp"] == "1700000123"
    url = "https://sellerapi.kaufland.com/v2/order-units/1/cancel?x=a+b%3Ac"  # exactly as sent
    assert str(signed.url) == url
    assert signed.headers["Shop-Signature"] == expected("secret-key", "PATCH", url, b'{"reason":"NoInventory"}',
                                                        "1700000123")  # fmt: skip
    assert "secret-key" not in repr(signer)


class Recording(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return self.inner.handle_request(request)


@pytest.fixture
def sandbox() -> KauflandSandbox:
    return KauflandSandbox(SandboxSettings(orders=20, seed=3), SandboxClock())


def adapter_for(sandbox: KauflandSandbox, transport: httpx.BaseTransport | None = None,
                sleep: Callable[[float], None] = lambda s: None, **credentials: str) -> KauflandAdapter:
    options = AdapterOptions(policy=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=5.0), rate_limit=0,
                             transport=transport or httpx.WSGITransport(app=sandbox), sleep=sleep)  # fmt: skip
    return KauflandAdapter(BASE, {**sandbox.credentials, **credentials}, options)


@pytest.fixture
def adapters() -> Iterator[list[KauflandAdapter]]:
    made: list[KauflandAdapter] = []
    yield made
    for adapter in made:
        adapter.close()


def test_every_retry_is_signed_afresh(sandbox: KauflandSandbox, adapters: list[KauflandAdapter]) -> None:
    sandbox.config.retry_after = True
    sandbox.faults.add("429", retry_after=2)
    sandbox.faults.add("503", retry_after=3)
    offset = [0.0]
    recording = Recording(httpx.WSGITransport(app=sandbox))
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # no real waiting: move the signer's clock instead
        waits.append(seconds)
        offset[0] += seconds + 1

    adapter = adapter_for(sandbox, recording, sleep)
    adapters.append(adapter)
    adapter.session.client.auth = KauflandSigner(sandbox.credentials["client_key"], sandbox.credentials["secret_key"],
                                                 clock=lambda: time.time() + offset[0])  # fmt: skip
    adapter.check_connection()
    assert waits[0] == 2.0 and len(waits) == 2  # the 429's Retry-After is honoured, the 503 backs off
    stamps = [int(r.headers["Shop-Timestamp"]) for r in recording.sent]
    assert len(stamps) == 3 and stamps[0] + 3 <= stamps[1] < stamps[2]
    secret = sandbox.credentials["secret_key"]
    for request in recording.sent:  # each attempt carries a valid signature of its own
        assert request.headers["Shop-Signature"] == expected(secret, "GET", str(request.url), b"",
                                                             request.headers["Shop-Timestamp"])  # fmt: skip
    assert sandbox.requests == 3 and adapter.requests_sent == 3


def test_429_without_retry_after_backs_off_and_succeeds(sandbox: KauflandSandbox, adapters: list[KauflandAdapter]) -> None:
    sandbox.faults.add("429", count=2)
    waits: list[float] = []
    adapter = adapter_for(sandbox, sleep=waits.append)
    adapters.append(adapter)
    adapter.check_connection()
    assert len(waits) == 2 and all(0 < w < 1 for w in waits)  # exponential backoff, no header to follow


@pytest.mark.parametrize("credentials,hint", [
    ({"secret_key": "wrong-secret-key-123"}, "check the secret key"),
    ({"client_key": "0" * 32}, "check the client key"),
])  # fmt: skip
def test_wrong_keys_are_refused_in_plain_words(sandbox: KauflandSandbox, adapters: list[KauflandAdapter],
                                               credentials: dict[str, str], hint: str) -> None:  # fmt: skip
    adapter = adapter_for(sandbox, **credentials)
    adapters.append(adapter)
    with pytest.raises(AuthError) as caught:
        adapter.check_connection()
    message = str(caught.value)
    assert message.startswith("Kaufland:") and "refused" in message and hint in message
    assert "wrong-secret-key-123" not in message and sandbox.credentials["secret_key"] not in message
    assert sandbox.requests == 1  # a refusal is not retried


def test_a_wrong_computer_clock_is_named(sandbox: KauflandSandbox, adapters: list[KauflandAdapter]) -> None:
    adapter = adapter_for(sandbox)
    adapters.append(adapter)
    adapter.session.client.auth = KauflandSigner(sandbox.credentials["client_key"], sandbox.credentials["secret_key"],
                                                 clock=lambda: time.time() - 3600)  # fmt: skip
    with pytest.raises(AuthError, match="date and time of this computer"):
        adapter.check_connection()


def test_a_wrong_storefront_is_rejected_plainly(sandbox: KauflandSandbox, adapters: list[KauflandAdapter]) -> None:
    adapter = adapter_for(sandbox, storefront="XX")
    adapters.append(adapter)
    with pytest.raises(PermanentError, match=r"Kaufland: .*HTTP 400.*storefront"):
        adapter.check_connection()
    fine = adapter_for(sandbox, storefront=" DE ")
    adapters.append(fine)
    fine.check_connection()
