"""Every door checked by machine: each URL of the resolver and each operation of the
OpenAPI schema, with every persona, with objects inside and outside their scope.

The rules live in `<app>/tests/doors.py` (see core/tests/doors.py). A route or an
operation without a rule fails `test_every_route_and_operation_has_a_rule`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from api.models import ApiToken
from api.urls import api
from conftest import build_world, close_response, fresh, module_rows
from core.tests import door_world
from core.tests.doorlib import (
    PERSONAS,
    ApiDoor,
    Door,
    all_doors,
    api_operations,
    routes,
    stale,
    uncovered,
)
from core.tests.security_figures import add_figure

LOGIN_PATH = reverse(settings.LOGIN_URL)
# DOORS_OBSERVE=1 writes what each persona got to test-artifacts/doors-observed.json
# (a helper for writing the rules of a new app; the rules stay the reference).
SCOPE_REFUSAL = "trong phạm vi của bạn"
OBSERVE = bool(os.environ.get("DOORS_OBSERVE"))
OBSERVED: dict[str, dict[str, str]] = {}


def schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def test_every_route_and_operation_has_a_rule():
    doors = all_doors()
    ops = api_operations(schema())
    assert uncovered(doors, routes(), ops) == []
    assert stale(doors, routes(), ops) == []
    add_figure("routes", len(routes()))
    add_figure("api_operations", len(ops))


def test_a_route_without_a_rule_fails_the_check():
    with override_settings(ROOT_URLCONF="core.tests.urls_with_unruled_route"):
        missing = uncovered(all_doors(), routes(), api_operations(schema()))
    assert missing == ["unruled_new_page (/moi-them/<int:pk>/)"]


def test_an_operation_without_a_rule_fails_the_check():
    extended = schema()
    extended["paths"]["/api/v1/new-thing"] = {"get": {"operationId": "new_thing"}}
    missing = uncovered(all_doors(), routes(), api_operations(extended))
    assert missing == ["API operation new_thing"]


def outcome(response) -> str:
    status = response.status_code
    if status == 401:
        return "login"
    if status in (301, 302, 303) and response["Location"].startswith(LOGIN_PATH):
        return "login"
    if status in (403, 404):
        return "denied"
    if status == 422 and SCOPE_REFUSAL in json.dumps(response.json(), ensure_ascii=False):
        return "denied"  # the API's answer to a parent (village, commune) out of scope
    if status >= 500:
        return f"error {status}"
    return "pass"


def expected(door: Door, persona: str | None, inside: bool) -> str:
    if persona is None:
        if door.anonymous is not None:
            return door.anonymous
        return "pass" if door.public else "login"
    allowed = door.allow if inside else door.allowed_outside()
    return "pass" if persona in allowed else "denied"


def _send(client: Client, method: str, url: str, headers: dict[str, Any], body: Any) -> Any:
    # Each request runs in a savepoint rolled back afterwards, so a POST that
    # succeeds (a persona allowed to close a year) leaves the next door as it was.
    with transaction.atomic():
        if method == "get":
            response = client.get(url, **headers)
        else:
            response = getattr(client, method)(
                url, data=json.dumps(body), content_type="application/json", **headers
            )
        transaction.set_rollback(True)
    return response


def knock(client: Client, door: Door, url: str, headers: dict[str, Any], side: Any) -> Any:
    if isinstance(door, ApiDoor):
        return _send(client, door.method, url, headers, door.body(side) if door.body else {})
    response = _send(client, "get", url, headers, None)
    if response.status_code == 405:  # a form's target: knock with a POST
        with transaction.atomic():
            response = client.post(url, data=door.data(side) if door.data else {}, **headers)
            transaction.set_rollback(True)
    return response


def api_path(operations: list[tuple[str, str, str]], op_id: str, params: dict[str, Any]) -> str:
    for op, _method, path in operations:
        if f"api:{op}" == op_id:
            return path.format(**params)
    raise AssertionError(op_id)


@pytest.fixture(scope="module")
def door_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and the objects behind the doors (two assessments through the cycle,
    certificates, an import job, evidence files…), built once for the persona tests
    below instead of once each (conftest.module_rows)."""
    media = tmp_path_factory.mktemp("door-media")
    with module_rows(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
            built = door_world.build(build_world())
        yield built, media


@pytest.fixture
def built(door_rows, db, settings) -> door_world.DoorWorld:
    """Each persona test's own instances of the module's door objects."""
    rows, media = door_rows
    settings.MEDIA_ROOT = media
    return fresh(rows)


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_every_door_with_every_persona(built, persona):
    world = built.world
    client = Client()
    headers: dict[str, Any] = {}
    if persona is not None:
        client.force_login(world.users[persona])
        _token, key = ApiToken.issue(user=world.users[persona], name="door test")
        api_headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    else:
        api_headers = {}
    wrong: list[str] = []
    checked = 0
    # The schema once per persona, not once per API door (building it takes ~0.15 s).
    operations = api_operations(schema())
    for door in all_doors().values():
        sides = [(True, built.inside), (False, built.outside)] if door.kwargs else [(True, None)]
        for inside, side in sides:
            params = door.kwargs(side) if door.kwargs else {}
            if isinstance(door, ApiDoor):
                url = api_path(operations, door.name, params)
                response = knock(Client(), door, url, api_headers, side or built.inside)
            else:
                url = reverse(door.name, kwargs=params) + door.query
                response = knock(client, door, url, headers, side or built.inside)
            got = outcome(response)
            if door.lands_on_login and got == "login":
                got = "pass"
            if persona is not None and "_auth_user_id" not in client.session:
                client.force_login(world.users[persona])  # the logout door logged it out
            if hasattr(response, "streaming_content"):
                close_response(response)
            want = expected(door, persona, inside)
            checked += 1
            if OBSERVE:
                OBSERVED.setdefault(f"{door.name} {'in' if inside else 'out'}", {})[
                    str(persona)
                ] = got
            if got != want:
                where = "inside" if inside else "outside"
                wrong.append(
                    f"{door.name} {where} {url}: {got} ({response.status_code}), rule says {want}"
                )
    add_figure("door_checks", checked)
    if OBSERVE:
        out = Path(settings.BASE_DIR) / "test-artifacts" / "doors-observed.json"
        out.parent.mkdir(exist_ok=True)
        previous = json.loads(out.read_text()) if out.exists() else {}
        for key, seen in OBSERVED.items():
            previous.setdefault(key, {}).update(seen)
        out.write_text(json.dumps(previous, indent=1, sort_keys=True))
    if wrong:
        pytest.fail(
            f"{persona}: {len(wrong)} doors disagree with their rules:\n" + "\n".join(wrong)
        )
