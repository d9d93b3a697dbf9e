"""The fetch reports its quota budget: to the progress callback (fetch dialog) and the log."""

from __future__ import annotations

from app.channels.base import AdapterOptions, QuotaState
from app.channels.http import RetryPolicy
from app.services.fetch import FetchService, quota_summary
from app.store.protocol_log import read as read_log


def test_quota_reaches_progress_and_log(app_ctx, sandbox, otto_account):
    # Documented OTTO pacing (97 % of 20/s, burst 5), time-scaled so the test stays quick.
    paced = FetchService(app_ctx.engine, app_ctx.accounts, app_ctx.secrets,
                         lambda: AdapterOptions(policy=RetryPolicy(base_delay=0.01), time_scale=20))
    seen: list[list[QuotaState]] = []
    [result] = paced.fetch(progress=lambda _account, r: seen.append(list(r.quota)))
    assert result.ok, result.error
    assert len(seen) == result.pages >= 2
    first = seen[0][0]
    assert first.per_second == 20 * 0.97 * 20 and first.capacity == 5 and 0 <= first.remaining <= 5
    assert result.quota[0].calls == result.pages  # one paced list call per page; the token is not paced
    pages = [e for e in read_log(app_ctx.engine) if e.event == "page"]
    assert len(pages) == result.pages
    assert "quota requests:" in pages[0].message and "of 5 left at 388/s" in pages[0].message
    assert pages[0].details["quota"][0]["capacity"] == 5


def test_unpaced_fetch_says_nothing_about_quota(app_ctx, sandbox, otto_account):
    [result] = app_ctx.fetch.fetch()  # the test options switch pacing off
    assert result.ok and result.quota and result.quota[0].per_second is None
    assert quota_summary(result.quota) == ""
    assert all("quota" not in e.message for e in read_log(app_ctx.engine) if e.event == "page")


def test_eta_counts_only_calls_beyond_the_remaining_budget():
    q = QuotaState("getOrderItems", 0.5, 30, remaining=10, pending_calls=30)
    assert q.eta_seconds == 40.0
    assert "about 40 s to finish" in quota_summary([q])
    assert QuotaState("x", 0.5, 30, remaining=30, pending_calls=5).eta_seconds == 0.0
    assert QuotaState("x", 0.5, 30, remaining=3).eta_seconds is None
