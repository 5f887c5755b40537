"""Every operation of the OpenAPI contract, fed generated input by schemathesis: no 5xx, and every
documented answer matches its schema.

The calls go through the whole WSGI application (middleware, gates, services) with the town
office's device token, on the test world; generated ids mostly miss, which exercises the 404s.
"""

from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application

contract = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def connection_kept_through_requests():
    """The calls run inside the test's transaction: like Django's test client, keep the connection
    open at the start and end of each request (the WSGI app would otherwise close it on PostgreSQL)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def office_token(world):
    out = StringIO()
    call_command("create_api_token", "office", stdout=out)
    return out.getvalue().strip()


@contract.parametrize()
@hypothesis_settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
def test_no_operation_answers_a_server_error_or_outside_its_schema(case, office_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {office_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
