"""Every operation of the OpenAPI contract, fed generated input by schemathesis, as the town office
(its device token) and as a resident (a page session): no 5xx, no status the document does not
list for the operation, and every answer matches its schema.

The calls go through the whole WSGI application (middleware, gates, services) on the test world;
generated ids mostly miss, which exercises the 404s. Both runs together stay under three minutes
(docs/api.md); ``max_examples`` is the knob.
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
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from config.wsgi import application
from conftest import RESIDENT_PHONE, RESIDENT_PIN

contract = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def connection_kept_through_requests():
    """The calls run inside the test's transaction: like Django's test client, keep the connection
    open at the start and end of each request (the WSGI app would otherwise close it on PostgreSQL).
    Asked for after the fixtures that sign in: the test client's own request connects the closing
    again when it ends."""
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


@pytest.fixture
def resident_session(world, client):
    client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN})
    return client.cookies["sessionid"].value


CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = hypothesis_settings(
    max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)


@contract.parametrize()
@EXAMPLES
def test_no_operation_answers_the_office_a_server_error_or_outside_its_document(
    case, office_token, connection_kept_through_requests
):
    case.call_and_validate(headers={"Authorization": f"Bearer {office_token}"}, checks=CHECKS)


@contract.parametrize()
@EXAMPLES
def test_no_operation_answers_a_resident_a_server_error_or_outside_its_document(
    case, resident_session, connection_kept_through_requests
):
    case.call_and_validate(headers={"Cookie": f"sessionid={resident_session}"}, checks=CHECKS)
