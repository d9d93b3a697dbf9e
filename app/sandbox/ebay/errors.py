"""eBay's JSON envelopes: `{"errors": [Error]}` for the REST APIs, OAuth style for the token endpoint.

Error ids and messages of the Fulfillment API are those listed in the OpenAPI
document (`x-response-codes`); the OAuth, access and throttling ids are eBay's
common REST ids as seen in public client code (UNCONFIRMED where noted).
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

JSON_CONTENT_TYPE = "application/json"
FULFILLMENT = "API_FULFILLMENT"


class ApiError(Exception):
    """An error the endpoint answers with eBay's envelope; raised by parsing and validation."""

    def __init__(self, status: int, error_id: int, message: str, *, parameters: dict[str, str] | None = None,
                 domain: str = FULFILLMENT, category: str = "REQUEST", long_message: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.entry: dict[str, object] = {"errorId": error_id, "domain": domain, "category": category,
                                         "message": message, "longMessage": long_message or message}
        if parameters:
            self.entry["parameters"] = [{"name": k, "value": v} for k, v in parameters.items()]

    def response(self, headers: dict[str, str] | None = None) -> Response:
        return json_response({"errors": [self.entry]}, self.status, headers)


def json_response(payload: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(body, status=status, content_type=JSON_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def oauth_error(status: int, error: str, description: str) -> Response:
    """The identity service answers like an OAuth 2 server (RFC 6749 section 5.2)."""
    return json_response({"error": error, "error_description": description}, status)


# -- the errors every endpoint can give ---------------------------------------------------------
def missing_token() -> ApiError:
    return ApiError(401, 1002, "Missing access token", domain="OAuth",
                    long_message="Access token is missing in the Authorization HTTP request header.")


def invalid_token() -> ApiError:
    return ApiError(401, 1001, "Invalid access token", domain="OAuth",
                    long_message="Invalid access token. Check the value of the Authorization HTTP request header.")


def insufficient_scope() -> ApiError:
    return ApiError(403, 1100, "Access denied", domain="ACCESS",
                    long_message="Insufficient permissions to fulfill the request.")


def too_many_requests() -> ApiError:
    # errorId 2001 and the wording are what eBay's REST APIs are reported to send (UNCONFIRMED).
    return ApiError(429, 2001, "Too many requests. The request limit has been reached for the resource.",
                    domain="ACCESS")


def system_error(status: int = 500) -> ApiError:
    return ApiError(status, 30500, "System error", category="APPLICATION")


def not_found(path: str) -> ApiError:
    return ApiError(404, 2002, "Resource not found", domain="ACCESS",  # id UNCONFIRMED
                    long_message=f"No resource matches {path}.")


def method_not_allowed(method: str) -> ApiError:
    return ApiError(405, 2004, "Method not allowed", domain="ACCESS",  # id UNCONFIRMED
                    long_message=f"The {method} method is not supported for this resource.")
