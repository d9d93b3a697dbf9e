"""Shopware's error envelope: `{"errors": [{"status", "code", "title", "detail", "meta"?, "source"?}]}`.

The same envelope carries OAuth failures: Shopware converts league/oauth2-server exceptions
with the league error number as `code`, its message as `title` and its hint as `detail`
(shopware/shopware#549 shows one: code "2", status "400"). Framework errors carry codes like
`FRAMEWORK__INVALID_FILTER_QUERY` and the HTTP reason phrase as title.
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

JSON = "application/json"
JSON_API = "application/vnd.api+json"

TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    406: "Not Acceptable", 409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error",
    503: "Service Unavailable",
}  # fmt: skip

# league/oauth2-server: (code, status, message)
ACCESS_DENIED = ("9", 401, "The resource owner or authorization server denied the request.")
INVALID_CLIENT = ("4", 401, "Client authentication failed")
INVALID_REQUEST = ("3", 400, "The request is missing a required parameter, includes an invalid parameter value, "
                             "includes a parameter more than once, or is otherwise malformed.")
UNSUPPORTED_GRANT = ("2", 400, "The authorization grant type is not supported by the authorization server.")


def error(status: int, code: str, detail: str | None, *, title: str | None = None,
          meta: dict | None = None, pointer: str | None = None) -> dict[str, object]:
    entry: dict[str, object] = {"status": str(status), "code": code, "title": title or TITLES.get(status, "Error"),
                                "detail": detail}
    if meta is not None:
        entry["meta"] = meta
    if pointer is not None:
        entry["source"] = {"pointer": pointer}
    return entry


def errors_response(status: int, entries: list[dict[str, object]], headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"errors": entries}, ensure_ascii=False).encode()
    response = Response(body, status=status, content_type=JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, code: str, detail: str | None, *, headers: dict[str, str] | None = None,
                   meta: dict | None = None) -> Response:
    return errors_response(status, [error(status, code, detail, meta=meta)], headers)


def oauth_error(kind: tuple[str, int, str], hint: str | None) -> Response:
    code, status, message = kind
    headers = {"WWW-Authenticate": 'Bearer realm="OAuth"'} if status == 401 else None
    return errors_response(status, [error(status, code, hint, title=message, meta={"parameters": []})], headers)


def json_response(payload: object, status: int = 200, content_type: str = JSON) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status=status, content_type=content_type)
