"""The token ledger every sandbox's auth keeps its issued tokens in."""

from __future__ import annotations

import base64

from app.sandbox import tokens
from app.sandbox.tokens import TokenLedger, basic_credentials


def test_ledger_knows_issued_expired_and_dropped_tokens(monkeypatch):
    now = [1_000_000]
    ledger: TokenLedger[str] = TokenLedger(lambda: now[0])
    ledger.issue("a", 60, "orders")
    assert ledger.find("a") == (False, "orders") and ledger.find("b") is None
    now[0] += 60_000
    assert ledger.find("a") == (True, "orders")  # expiry is inclusive, as the real services treat it
    monkeypatch.setattr(tokens, "PRUNE_ABOVE", 1)
    ledger.issue("b", 60, "x")
    ledger.issue("c", 60, "y")  # over the limit: the expired "a" is swept, live ones stay
    assert ledger.find("a") is None and ledger.find("b") == (False, "x")
    assert ledger.issued == 3 and ledger.clear() == 2 and ledger.find("c") is None


def test_basic_credentials():
    header = "Basic " + base64.b64encode(b"client:s3cr:et").decode()
    assert basic_credentials(header) == ("client", "s3cr:et")
    assert basic_credentials("basic " + base64.b64encode(b"nocolon").decode()) is None
    assert basic_credentials("Basic !!!") is None and basic_credentials("Bearer x") is None
    assert basic_credentials(None) is None
