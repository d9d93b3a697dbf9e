"""eBay sandbox: the identity service's token endpoint and the bearer check, with eBay's own error bodies."""

from __future__ import annotations

from ebay_api import ORDERS, TOKEN, EbayApi, basic, error_of

from app.channels.registry import CHANNELS
from app.domain.orders import Channel
from app.sandbox.clock import SandboxClock
from app.sandbox.ebay import EbaySandbox
from app.sandbox.settings import SandboxSettings

INVALID_CLIENT = {"error": "invalid_client", "error_description": "client authentication failed"}
FINANCES = "https://api.ebay.com/oauth/api_scope/sell.finances"
READONLY = "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly"


def test_refresh_token_grant_answers_like_ebay(shared: EbayApi):
    response = shared.token_response()
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["expires_in"] == 7200 and body["token_type"] == "User Access Token"
    assert body["access_token"].startswith("v^1.1#") and len(body["access_token"]) > 60
    assert shared.token_response(scope="").status_code == 200  # no scope: what the seller consented to
    assert shared.token_response(scope=READONLY).status_code == 200


def test_client_authentication_is_http_basic(shared: EbayApi):
    creds = shared.credentials
    form = {"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]}
    assert shared.http.post(TOKEN, data=form, headers={"Authorization": ""}).json() == INVALID_CLIENT
    in_form = shared.http.post(TOKEN, data={**form, "client_id": creds["client_id"],
                                            "client_secret": creds["client_secret"]}, headers={"Authorization": ""})
    assert in_form.status_code == 401 and in_form.json() == INVALID_CLIENT  # eBay wants Basic, not form fields
    wrong = shared.http.post(TOKEN, data=form, headers=basic(creds["client_id"], "wrong-secret"))
    assert wrong.status_code == 401 and wrong.json() == INVALID_CLIENT
    garbled = shared.http.post(TOKEN, data=form, headers={"Authorization": "Basic not-base64!"})
    assert garbled.status_code == 401


def test_grant_and_scope_errors(shared: EbayApi):
    def error(**form: str) -> tuple[int, str]:
        response = shared.token_response(**form)
        assert set(response.json()) == {"error", "error_description"}
        return response.status_code, response.json()["error"]

    assert error(refresh_token="v^1.1#wrong") == (400, "invalid_grant")
    assert error(grant_type="") == (400, "invalid_request")
    assert error(grant_type="password") == (400, "unsupported_grant_type")
    assert error(grant_type="authorization_code", code="abc") == (400, "invalid_grant")
    assert error(scope=FINANCES) == (400, "invalid_scope")  # more than the seller agreed to
    assert error(scope="https://api.ebay.com/oauth/api_scope/sell.fulfillment x") == (400, "invalid_scope")
    invalid_grant = shared.token_response(refresh_token="v^1.1#wrong").json()["error_description"]
    assert "v^1.1#wrong" not in invalid_grant  # eBay does not echo tokens


def test_api_calls_need_a_valid_user_token(shared: EbayApi):
    anonymous = shared.http.get(ORDERS, headers={"Authorization": ""})
    assert error_of(anonymous, 401, 1002)["domain"] == "OAuth"
    entry = error_of(shared.http.get(ORDERS, headers={"Authorization": "Bearer v^1.1#forged"}), 401, 1001)
    assert entry["message"] == "Invalid access token"
    app_token = shared.http.post(TOKEN, data={"grant_type": "client_credentials"},
                                 headers=basic(shared.credentials["client_id"], shared.credentials["client_secret"]))
    assert app_token.json()["token_type"] == "Application Access Token"
    as_app = shared.http.get(ORDERS, headers={"Authorization": f"Bearer {app_token.json()['access_token']}"})
    assert error_of(as_app, 403, 1100)["domain"] == "ACCESS"


def test_tokens_expire_on_the_sandbox_clock(sandbox):
    api = sandbox(token_ttl=600)  # default: eBay's 7200 s
    assert api.token_response().json()["expires_in"] == 600
    api.advance(599)
    assert api.orders().status_code == 200
    api.advance(2)
    error_of(api.orders(), 401, 1001)
    api.login()
    assert api.orders().status_code == 200
    api.ok("POST", "/faults", {"kind": "expire_tokens"})
    error_of(api.orders(), 401, 1001)


def test_credentials_fit_the_channel_and_follow_the_seed():
    clock = SandboxClock()
    one, same, other = (EbaySandbox(SandboxSettings(seed=s, orders=0), clock).credentials for s in (4, 4, 5))
    info = CHANNELS[Channel.EBAY]
    assert set(one) == set(info.credential_fields)
    assert all(len(one[name]) >= 8 for name in info.secret_fields)
    assert one == same and all(one[k] != other[k] for k in one)
