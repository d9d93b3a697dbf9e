"""OTTO's JSON envelopes: `{"errors": [...]}` for the API, OAuth style for tokens."""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

ERROR_CONTENT_TYPE = "application/json;charset=utf-8"
JSON_CONTENT_TYPE = "application/json"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def error_entry(status: int, path: str, detail: str, *, code: str | None = None, json_path: str | None = None) -> dict:
    entry: dict[str, str] = {"path": path, "title": TITLES.get(status, "Error"), "code": code or str(status)}
    entry["detail"] = detail
    if json_path:
        entry["jsonPath"] = json_path
    return entry


def error_response(
    status: int, path: str, detail: str, *, code: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """Single-error envelope with OTTO's error content type."""
    return errors_response(status, [error_entry(status, path, detail, code=code)], headers=headers)


def errors_response(status: int, entries: list[dict], *, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"errors": entries}, ensure_ascii=False).encode()
    response = Response(body, status=status, content_type=ERROR_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_response(payload: object, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status=status, content_type=JSON_CONTENT_TYPE)


def oauth_error(status: int, error: str, description: str) -> Response:
    """Keycloak-style token endpoint error (not the API envelope)."""
    body = json.dumps({"error": error, "error_description": description}).encode()
    response = Response(body, status=status, content_type=ERROR_CONTENT_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="otto-sandbox"'
    return response
