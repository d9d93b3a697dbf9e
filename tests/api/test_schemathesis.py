"""Schemathesis against the service's own OpenAPI document (issue 6, item 4): generated valid and
invalid calls of every operation, on SQLite and PostgreSQL. Every answer must be documented
(status, content type, body schema), never a 5xx, and bad input must be refused."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")  # in the test extra (pyproject); CI installs it
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import negative_data_rejection, positive_data_acceptance  # noqa: E402

from app.api import create_app  # noqa: E402
from tests.api.conftest import DHL, DHL_RETURN, line, make_order  # noqa: E402
from app.domain.orders import Channel  # noqa: E402


@pytest.fixture
def api_schema(app_ctx, desk, token):  # type: ignore[no-untyped-def]
    desk.write([make_order(Channel.OTTO, f"S{i}", (line(f"s{i}-1", "A"), line(f"s{i}-2", "B", 2))) for i in range(4)],
               __import__("tests.api.conftest", fromlist=["BASE"]).BASE)
    app = create_app(app_ctx, settle_seconds=0)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return schema


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_generated_calls_conform_to_the_document(api_schema, token, mode):  # type: ignore[no-untyped-def]
    # Driven by hand: schemathesis' pytest plugin does not run on pytest 9 yet.
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /api/v1/fetchOrders", "GET /api/v1/fetchPayments",
                                               "POST /api/v1/updateOrders"}
    calls = []
    for operation in operations:
        @settings(max_examples=50, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(GenerationMode(mode)))
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            calls.append(response.status_code)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
            # Not "positive data accepted": a schema-valid cursor string, order reference or tracking
            # number is still refused (400/422) unless it names something real.
            # Nor "negative data rejected": our fixed Authorization header repairs cases whose
            # invalid part is the missing header, and a query key with a name HTTP cannot carry
            # is dropped on the way, so such a case arrives valid and is rightly answered 200
            # (seen in CI). Refusal of bad input is asserted in test_webservice.py, case by case.
            case.validate_response(response, excluded_checks=[positive_data_acceptance, negative_data_rejection])
            assert token not in response.text

        check()
    assert len(calls) >= 40
    if mode == "negative":
        assert any(400 <= c < 500 for c in calls)


def test_an_example_shipment_goes_through(api_schema, token):  # type: ignore[no-untyped-def]
    """A sanity check that the generated calls reach a state where updates apply at all."""
    operation = api_schema["/api/v1/updateOrders"]["POST"]
    case = operation.Case(body={"updates": [{"ref": "x1", "order": "S1", "shipments": [
        {"tracking_number": DHL[0], "return_tracking_number": DHL_RETURN, "return_carrier": "DHL"}]}]})
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response)
    assert response.status_code == 200, response.text
