"""SECURITY 24: schemathesis against /api/v1/openapi.json, in process through WSGI, anonymously and
with a staff token: no server error, and every response matches the schema it declares.

Bounded (a fixed number of examples per operation, derandomised) and run once per CI run
(GONGKAI_FUZZ=1 on the SQLite pass of .ci/run); `GONGKAI_FUZZ=1 pytest gongkai/api/tests` by hand."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from gongkai.accounts.models import ApiToken
from gongkai.portal.tests.test_hostile_walk import world  # noqa: F401  (one object of each kind)

pytestmark = pytest.mark.skipif(
    os.environ.get("GONGKAI_FUZZ") != "1", reason="fuzzing runs once in CI (GONGKAI_FUZZ=1)"
)

EXAMPLES = int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "12"))


@pytest.fixture
def api_schema(world):  # noqa: F811
    from gongkai.wsgi import application

    # As Django's test client does: the request cycle must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_has_no_server_error_and_keeps_to_its_schema(case, world):  # noqa: F811
    token = ApiToken.issue(world, "schemathesis")
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
