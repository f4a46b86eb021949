"""Schemathesis against /api/v1/openapi.json: generated requests for every operation,
with a province admin's token; no 500s and no answers outside the schema.

FUZZ_EXAMPLES (core/tests/security_figures.py) sets the examples per operation; each
call is counted, and each 5xx answer among them."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import settings
from schemathesis import checks

from api.models import ApiToken
from api.urls import api
from core.tests.security_figures import FUZZ, count_case, fuzz_examples

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def keep_connection():
    """Requests go through the WSGI handler, whose request signals would close the test's
    connection (and its transaction) on PostgreSQL; Django's test client unhooks them too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world, keep_connection):
    _token, key = ApiToken.issue(user=world.users["alice"], name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(FUZZ, max_examples=fuzz_examples())
def test_api_answers_within_its_schema(case, bearer):
    response = case.call(headers=bearer)
    status = response.status_code
    count_case("API", (f"{case.method} {case.path}", str(status)) if status >= 500 else None)
    # Left out: "schema-valid request rejected" (a well-formed body can still break a
    # domain rule, e.g. a wrong CCCD checksum: 422 with the field's message) and
    # "schema-violating request accepted" (unknown query parameters are ignored).
    case.validate_response(
        response,
        headers=bearer,
        excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection],
    )
