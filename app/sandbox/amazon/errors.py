"""Amazon's envelopes: `{"errors": [{"code", "message", "details"}]}` for the SP-API,
`{"error", "error_description"}` for Login with Amazon."""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

JSON_CONTENT_TYPE = "application/json"
LWA_CONTENT_TYPE = "application/json;charset=UTF-8"

DENIED = "Access to requested resource is denied."
TOKEN_MISSING = "Access token is missing in the request header."
TOKEN_INVALID = "The access token you provided is revoked, malformed or invalid."
TOKEN_EXPIRED = "The access token you provided has expired."
QUOTA_EXCEEDED = "You exceeded your quota for the requested resource."


def error_body(code: str, message: str, details: str | None = None) -> bytes:
    entry = {"code": code, "message": message}
    if details is not None:
        entry["details"] = details
    return json.dumps({"errors": [entry]}, ensure_ascii=False, separators=(",", ":")).encode()


def api_error(status: int, code: str, message: str, details: str | None = None) -> Response:
    return Response(error_body(code, message, details), status=status, content_type=JSON_CONTENT_TYPE)


def invalid_input(message: str) -> Response:
    return api_error(400, "InvalidInput", message, "")


def unauthorized(details: str) -> Response:
    """Amazon answers a missing, invalid or expired token with 403 (not 401)."""
    return api_error(403, "Unauthorized", DENIED, details)


def not_found(message: str = "The resource specified does not exist.") -> Response:
    return api_error(404, "NotFound", message, "")


def quota_exceeded() -> Response:
    """Amazon sends no Retry-After: clients are expected to pace themselves."""
    return api_error(429, "QuotaExceeded", QUOTA_EXCEEDED)


def payload_response(payload_text: str | bytes, status: int = 200) -> Response:
    """`{"payload": ...}` around JSON text that is already rendered."""
    raw = payload_text.encode() if isinstance(payload_text, str) else payload_text
    return Response(b'{"payload":' + raw + b"}", status=status, content_type=JSON_CONTENT_TYPE)


def json_response(body: object, status: int = 200, content_type: str = JSON_CONTENT_TYPE) -> Response:
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(raw, status=status, content_type=content_type)


def lwa_error(status: int, error: str, description: str) -> Response:
    return json_response({"error_description": description, "error": error}, status, LWA_CONTENT_TYPE)
