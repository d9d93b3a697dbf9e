"""Kaufland's error envelope (`ErrorResponse`): `{"type", "message", "errors": [{"field", "message"}]}`.

`type` is one of the spec's ProblemType values; the control API keeps the sandboxes' shared
`{"error": "..."}` shape instead (see control.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from werkzeug.wrappers import Response

JSON = "application/json"


class Problem(Exception):
    """An API error: raise it anywhere in a request, the app turns it into an ErrorResponse."""

    def __init__(self, status: int, problem: str, message: str, errors: Iterable[tuple[str, str]] = (),
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.status = status
        self.problem = problem  # a ProblemType of the spec
        self.message = message
        self.errors = list(errors)  # (field, message) pairs
        self.headers = headers or {}

    def response(self) -> Response:
        body = {"type": self.problem, "message": self.message,
                "errors": [{"field": field, "message": text} for field, text in self.errors]}  # fmt: skip
        response = json_response(body, self.status)
        response.headers.extend(self.headers)
        return response


def invalid(field: str, message: str) -> Problem:
    return Problem(400, "/problems/validation-error", "Request parameters have invalid values", [(field, message)])


def header_problem(field: str, message: str) -> Problem:
    """Kaufland answers every problem with the signing headers with 401 ("authentication
    headers are corrupt" in the spec), typed missing-or-invalid-request-header."""
    return Problem(401, "/problems/missing-or-invalid-request-header", f"{field}: {message}", [(field, message)])


def json_response(payload: object, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status=status, content_type=JSON)


def raw_json(body: bytes, status: int = 200) -> Response:
    return Response(body, status=status, content_type=JSON)
