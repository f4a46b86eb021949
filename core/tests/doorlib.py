"""The access rules every door is checked against, and the machinery that checks them.

A *door* is one URL name (from the URL resolver) or one API operation id (from
the OpenAPI schema). Each app declares the rules of its own doors in
`<app>/tests/doors.py` as a list `DOORS`; `all_doors()` collects those modules
from every installed app, so a new app adds its rules by adding that one file:

    # movement/tests/doors.py
    from core.tests.doorlib import OFFICERS, Door

    DOORS = [
        Door("movement:list", allow=OFFICERS),
        Door("movement:detail", allow=OFFICERS, kwargs=lambda s: {"pk": s.commune.pk}),
    ]

`allow` names the personas (see the root conftest) that get through with the
objects of commune A (the "inside" `Side` of core/tests/door_world.py); with
`kwargs` the same door is also tried with the matching objects of commune B
("outside"), where by default only the province personas of `allow` and binh
(commune B's officer, when cuong is allowed in A) get through — `outside=`
overrides that. Everybody else must get 404 or 403, and an anonymous visitor
the login page (401 on the API) unless the door is `public`. A URL or an API
operation without a rule fails core/tests/test_doors.py.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("alice", "vera", "cuong", "binh", "van", "olga", "hoa", "dan", "oscar")
EVERYONE = frozenset(PERSONAS)
ADMIN = frozenset({"alice"})
PROVINCE = frozenset({"alice", "vera"})
# Officers whose places hold commune A's records: the province, the commune, the village.
OFFICERS = frozenset({"alice", "vera", "cuong", "van"})
COMMUNE_EDITORS = frozenset({"alice", "cuong"})
NOBODY: frozenset[str] = frozenset()

Kwargs = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Door:
    name: str
    allow: frozenset[str]
    kwargs: Kwargs | None = None
    outside: frozenset[str] | None = None
    public: bool = False
    query: str = ""  # appended to the URL as is, e.g. "?step=verify"
    # What a form's target is posted (the objects of the side), when an empty POST
    # would stop at validation before the door's own check.
    data: Kwargs | None = None
    # An anonymous visitor's answer when it is not the login page ("denied", "pass").
    anonymous: str | None = None
    # The door's normal answer is a redirect to the login page (logging out).
    lands_on_login: bool = False

    def allowed_outside(self) -> frozenset[str]:
        if self.outside is not None:
            return self.outside
        derived = set(self.allow & PROVINCE)
        if "cuong" in self.allow:
            derived.add("binh")
        return frozenset(derived)


@dataclass(frozen=True)
class ApiDoor(Door):
    """An API operation; `name` is "api:" + its operationId, `kwargs` fill the path's {params}."""

    method: str = "get"
    # The JSON body, from the side's objects: valid enough to pass validation, so
    # that the answer is the operation's access check, not a 422.
    body: Kwargs | None = None


def _door_modules() -> Iterator[Any]:
    for config in apps.get_app_configs():
        module_name = f"{config.name}.tests.doors"
        try:
            found = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:
            found = None
        if found is not None:
            yield importlib.import_module(module_name)


def all_doors() -> dict[str, Door]:
    """Every declared rule by door name; a name declared twice is an error."""
    doors: dict[str, Door] = {}
    for module in _door_modules():
        for door in getattr(module, "DOORS", []):
            if door.name in doors:
                raise ValueError(f"door {door.name} declared twice")
            doors[door.name] = door
    return doors


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str


def routes(urlconf: Any = None) -> list[Route]:
    """Every URL pattern the resolver serves, with its namespaced name."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(entry, prefix + str(entry.pattern), ns or "")
            elif isinstance(entry, URLPattern):
                name = entry.name or f"<unnamed {prefix}{entry.pattern}>"
                full = f"{namespace}:{name}" if namespace else name
                found.append(Route(full, prefix + str(entry.pattern)))

    walk(get_resolver(urlconf), "/", "")
    return found


def api_operations(schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(operationId, method, path) of every operation in an OpenAPI schema."""
    ops = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                ops.append((op["operationId"], method, path))
    return sorted(ops)


API_NAMESPACE = "api"
# Framework routes of the API namespace that are not operations of the schema.
API_FRAMEWORK_ROUTES = {"api:openapi-json", "api:api-root"}


def uncovered(
    doors: dict[str, Door], route_list: Iterable[Route], operations: Iterable[tuple[str, str, str]]
) -> list[str]:
    """Route names and API operations that no rule covers: each one fails the door test."""
    missing = []
    for route in route_list:
        if route.name.startswith(f"{API_NAMESPACE}:") and route.name not in API_FRAMEWORK_ROUTES:
            continue  # an API route is covered through its operations (one route, several)
        if route.name not in doors:
            missing.append(f"{route.name} ({route.pattern})")
    for op in sorted({op for op, _method, _path in operations}):
        if f"api:{op}" not in doors:
            missing.append(f"API operation {op}")
    return missing


def stale(
    doors: dict[str, Door], route_list: Iterable[Route], operations: Iterable[tuple[str, str, str]]
) -> list[str]:
    """Rules naming a door that no longer exists (a renamed route must move its rule)."""
    names = {r.name for r in route_list} | {f"api:{op}" for op, _m, _p in operations}
    return sorted(set(doors) - names)
