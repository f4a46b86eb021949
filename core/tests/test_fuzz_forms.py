"""Hypothesis against the page forms: generated POSTs to every form the pages show (and
GETs with generated query strings to every page), as a persona the door lets in, so the
values reach the form's validation. The answer is never a 5xx: a 200 with the form's
errors, a redirect, 400, 403, 404, 405, 422 or 429 are all fine.

The targets come from the door rules (core/tests/doorlib.py: every URL of the resolver,
with the objects of core/tests/door_world.py) and the fields from the forms each page
renders (every input, select and textarea name; a form target that answers a GET with
405 is posted the fields of its door's `data`). Each request runs in a savepoint rolled
back afterwards, so a form that succeeds leaves the next case as it was.

FUZZ_EXAMPLES (core/tests/security_figures.py) sets the cases per target: ×1/12 per form,
×1/24 per page, at least one (CI: ~230 cases; `make fuzz`: ~4,000). A 5xx fails the test
with the route, the persona, the error's last line and the input cut down to what still
breaks it; every target is tried before the test fails.
"""

from __future__ import annotations

import functools
import logging
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from conftest import close_response
from core.tests import door_world
from core.tests.doorlib import ApiDoor, Door, all_doors
from core.tests.security_figures import FUZZ, count_case, fuzz_examples

# Who posts a door's forms: the first of these the door lets in (a public door: nobody).
PERSONA_ORDER = ("cuong", "alice", "van", "dan", "olga", "hoa", "binh", "vera", "oscar")
# Doors left out: logging out ends the session every case would need.
SKIPPED = {"logout"}
# Cases per target, as a share of FUZZ_EXAMPLES: a form's POST, a page's query string.
FORM_WEIGHT = 1 / 12
GET_WEIGHT = 1 / 24
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
# Query names tried on every page besides those of its own GET forms.
COMMON_QUERY = ("q", "page", "year", "commune", "village", "status", "sort", "step", "kind")


@dataclass
class Form:
    method: str
    action: str
    enctype: str = ""
    # name -> the values the page offers (select options, radio/checkbox values, the default)
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                (a.get("method") or "get").lower(), a.get("action", ""), a.get("enctype", "")
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            if tag == "input" and a.get("type", "").lower() == "file":
                form.files.append(name)
                return
            values = form.fields.setdefault(name, [])
            if "value" in a and a["value"] not in values:
                values.append(a["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select is not None:
            values = form.fields.setdefault(self._select, [])
            if "value" in a and a["value"] not in values:
                values.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


@dataclass
class Target:
    door: str
    persona: str | None
    method: str
    url: str
    fields: dict[str, list[str]]
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url} as {self.persona or 'anonymous'}"


def persona_for(door: Door) -> str | None:
    if door.public:
        return None
    return next((p for p in PERSONA_ORDER if p in door.allow), None)


def _send(client: Client, method: str, url: str, data: Any) -> Any:
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    if hasattr(response, "streaming_content"):
        close_response(response)
    return response


def discover(built: Any, clients: dict[str | None, Client]) -> list[Target]:
    """Every page (a GET with a query string) and every form the pages render (a POST
    to its action, or the page itself), each with the persona that passes its door."""
    targets: list[Target] = []
    seen: set[tuple[str, str]] = set()

    def add(target: Target) -> None:
        key = (target.method, target.url)
        if key not in seen:
            seen.add(key)
            targets.append(target)

    for door in all_doors().values():
        if isinstance(door, ApiDoor) or door.name in SKIPPED or door.name.startswith("api:"):
            continue
        persona = persona_for(door)
        if persona is None and not door.public:
            continue
        side = built.inside
        url = reverse(door.name, kwargs=door.kwargs(side) if door.kwargs else {})
        client = clients[persona]
        response = _send(client, "get", url + door.query, None)
        if response.status_code == 405:
            data = door.data(side) if door.data else {}
            add(Target(door.name, persona, "post", url, {k: [str(v)] for k, v in data.items()}))
            continue
        forms: list[Form] = []
        if response.get("Content-Type", "").startswith("text/html") and not hasattr(
            response, "streaming_content"
        ):
            forms = page_forms(response.content.decode())
        query: dict[str, list[str]] = {name: [] for name in COMMON_QUERY}
        for form in forms:
            if form.method == "get":
                for name, values in form.fields.items():
                    query.setdefault(name, []).extend(values)
        add(Target(door.name, persona, "get", url, query))
        for form in forms:
            if form.method != "post":
                continue
            parts = urlsplit(form.action)
            if parts.scheme or parts.netloc:
                continue
            action = (parts.path or url) + (f"?{parts.query}" if parts.query else "")
            if resolve(parts.path or url).url_name in SKIPPED:
                continue  # the logout button in the page's header
            add(Target(door.name, persona, "post", action, form.fields, form.files))
    return targets


# --- generated values -------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e308",
    "NaN",
    "Infinity",
    "9" * 40,
    "-9223372036854775809",
    "2147483648",
    "0x1F",
    "１２３",  # full-width digits
    "٣٤",  # Arabic-Indic digits
    "Nguye\u0302\u0303n Va\u0306n A",  # NFD
    "\u202eRTL\u202c",
    "\u200f\u200e",
    "Lê\u200bThị\u200d",
    "\ufeffBOM",
    "😀👨‍👩‍👧",
    "\x00",
    "a\x00b",
    "\x01\x07\x1b\x7f\x9f",
    "\r\n\t",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE x; --',
    "%00",
    "%",
    "../../etc/passwd",
    "{{ 7*7 }}",
    '=HYPERLINK("http://x","y")',
    "null",
    "None",
    "true",
    "on",
    "[]",
    "{}",
]


def _date_forms(d) -> list[str]:
    return [
        d.isoformat(),
        f"{d.day:02}/{d.month:02}/{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d.year:04}{d.month:02}{d.day:02}",
        f"{d.day:02}.{d.month:02}.{d.year}",
        f"{d.month:02}/{d.day:02}/{d.year}",
        f"31/02/{d.year}",
        f"{d.year}-13-{d.day:02}",
        f"{d.day:02}/{d.month:02}/{d.year % 100:02}",
        f" {d.isoformat()}T25:61:00Z ",
    ]


odd_dates = st.dates().flatmap(lambda d: st.sampled_from(_date_forms(d)))
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True).map(str),
)
LONG_CHARS = st.sampled_from(["a", "Ư", "😀", "\u0301", "\x00", "\u202e"])
# A page's query string stays under what a proxy lets through (~8 KB); a form's fields
# go to 70,000 characters, and one case in a few carries a body past the upload limit
# (`oversize`, one value of 6 MB: every field that long would take gigabytes to encode).
long_query = st.builds(lambda ch, n: ch * n, LONG_CHARS, st.integers(256, 3000))
long_body = st.builds(
    lambda ch, n: ch * n,
    LONG_CHARS,
    st.one_of(st.integers(256, 20_000), st.just(70_000)),
)
short = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),  # any code point but surrogates, NUL and controls included
    numbers,
    odd_dates,
)
TEXT = {"get": st.one_of(short, long_query), "post": st.one_of(short, long_body)}


def value_strategy(offered: list[str], text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """None (the field left out), one value or a list of them; the page's own values
    (a select's options, a hidden version) often, so the other fields get validated."""
    one = st.one_of(st.sampled_from(offered), text) if offered else text
    return st.one_of(
        st.none(),
        one.map(lambda v: [v]),
        st.lists(one, min_size=2, max_size=3),
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FILE_NAMES = [
    "a.xlsx",
    "anh.png",
    "van-ban.pdf",
    "a",
    "a\x00.xlsx",
    "\u202exslx.exe",
    "Ư" * 300 + ".xlsx",
]


@functools.cache
def _payloads() -> list[bytes]:
    from registry.tests.sheets import person, workbook

    return [
        b"",
        b"%PDF-1.4 not a workbook",
        PNG,
        b"PK\x03\x04" + b"\x00" * 100,
        workbook([person()]),
        workbook([person(**{"Họ và tên": "\u202eA\u0301", "Năm sinh": "99999"})]),
    ]


def file_strategy() -> st.SearchStrategy[SimpleUploadedFile | None]:
    return st.one_of(
        st.none(),
        st.builds(
            SimpleUploadedFile,
            st.sampled_from(FILE_NAMES),
            st.one_of(st.sampled_from(_payloads()), st.binary(max_size=300)),
        ),
    )


EXTRA_NAMES = ["q", "page", "id", "pk", "commune", "xa", "year", "nam", "version", "next", "ids"]


def request_strategy(target: Target) -> st.SearchStrategy[dict[str, Any]]:
    text = TEXT[target.method]
    fields = {name: value_strategy(values, text) for name, values in target.fields.items()}
    files = {name: file_strategy() for name in target.files}
    return st.fixed_dictionaries(
        {
            "fields": st.fixed_dictionaries(fields),
            "files": st.fixed_dictionaries(files),
            "extra": st.dictionaries(
                st.one_of(st.sampled_from(EXTRA_NAMES), st.text(min_size=1, max_size=8)),
                text.map(lambda v: [v]),
                max_size=2,
            ),
            "urlencoded": st.booleans(),
            "oversize": st.integers(0, 9).map(lambda n: n == 9 and target.method == "post"),
        }
    )


def payload(drawn: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, values in {**drawn["extra"], **drawn["fields"]}.items():
        if values is not None:
            data[name] = values
    for name, upload in drawn["files"].items():
        if upload is not None:
            data[name] = upload
    if drawn.get("oversize"):
        name = next(iter(data), "q")
        data[name] = "a" * (6 * 1024 * 1024)
    return data


def shown(data: dict[str, Any]) -> str:
    """The input in a failure message, long values cut short."""

    def cut(v: Any) -> Any:
        if isinstance(v, SimpleUploadedFile):
            return f"<file {v.name!r} {v.size} bytes>"
        if isinstance(v, list):
            return [cut(x) for x in v]
        if isinstance(v, str) and len(v) > 60:
            return f"{v[:20]!r}…×{len(v)}"
        return v

    return repr({k: cut(v) for k, v in data.items()})


class ServerError(AssertionError):
    pass


def send(client: Client, target: Target, data: dict[str, Any], urlencoded: bool) -> tuple[int, str]:
    """One request in a savepoint rolled back afterwards: its status, and the last line of
    the exception that escaped the view (the test client re-raises it) or ""."""
    cache.clear()  # rate-limit counters: every case reaches the view
    for value in data.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    try:
        with transaction.atomic():
            if target.method == "get":
                response = client.get(target.url, data)
            elif urlencoded and not any(isinstance(v, SimpleUploadedFile) for v in data.values()):
                response = client.post(
                    target.url,
                    urlencode(data, doseq=True),
                    content_type="application/x-www-form-urlencoded",
                )
            else:
                response = client.post(target.url, data)
            transaction.set_rollback(True)
    except Exception as exc:
        return 500, traceback.format_exception_only(type(exc), exc)[-1].strip()
    if hasattr(response, "streaming_content"):
        close_response(response)
    return response.status_code, ""


def reduce(client: Client, target: Target, data: dict[str, Any], urlencoded: bool, error: str):
    """A smaller input with the same fault: drop each field, keep one value of a list,
    cut long strings (a few dozen requests; hypothesis's own shrinking is left out, as
    it replays whole pages hundreds of times)."""

    def same(candidate: dict[str, Any]) -> bool:
        status, err = send(client, target, candidate, urlencoded)
        return status >= 500 and err == error

    data = dict(data)
    for name in list(data):
        candidate = {k: v for k, v in data.items() if k != name}
        if same(candidate):
            data = candidate
    for name, value in list(data.items()):
        if isinstance(value, list) and len(value) > 1 and same({**data, name: value[:1]}):
            data[name] = value = value[:1]
        if isinstance(value, list) and len(value) == 1 and same({**data, name: value[0]}):
            data[name] = value = value[0]
        if isinstance(value, str) and len(value) > 40 and same({**data, name: value[:40]}):
            data[name] = value[:40]
    return data


def fire(client: Client, target: Target, drawn: dict[str, Any]) -> int:
    """Send one case; a 5xx answer or an exception out of the view is a ServerError."""
    data = payload(drawn)
    status, error = send(client, target, data, drawn["urlencoded"])
    fault = (str(target), error or str(status)) if status >= 500 else None
    count_case("forms", fault)
    if fault is not None:
        if error:
            data = reduce(client, target, data, drawn["urlencoded"], error)
        raise ServerError(f"{target}: {status} {error} with {shown(data)}")
    return status


# --- the test ---------------------------------------------------------------------------


@pytest.fixture
def quiet_logs():
    """Every refused case logs a warning, an oversize body an error with its traceback;
    pytest keeps each record of a test, frames and their megabytes of input included,
    until the test ends. The fuzz loop logs nothing below CRITICAL (a 5xx is still seen:
    the test client re-raises the view's exception)."""
    logging.disable(logging.ERROR)
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def fuzz_doors(world, settings, tmp_path, quiet_logs):
    settings.MEDIA_ROOT = tmp_path
    built = door_world.build(world)
    clients: dict[str | None, Client] = {None: Client()}
    for name in PERSONA_ORDER:
        clients[name] = Client()
        clients[name].force_login(world.users[name])
    return world, built, clients


def fuzz_target(world: Any, client: Client, target: Target, examples: int) -> None:
    @settings(FUZZ, max_examples=examples, phases=NO_SHRINK)
    @given(drawn=request_strategy(target))
    def case(drawn: dict[str, Any]) -> None:
        if target.persona is not None and "_auth_user_id" not in client.session:
            client.force_login(world.users[target.persona])  # a form logged it out
        fire(client, target, drawn)

    case()


def test_generated_form_posts_and_queries_never_answer_5xx(fuzz_doors):
    world, built, clients = fuzz_doors
    targets = discover(built, clients)
    assert len(targets) > 100  # every page and its forms, not a handful
    faults = []
    for target in targets:
        examples = fuzz_examples(FORM_WEIGHT if target.method == "post" else GET_WEIGHT)
        try:
            fuzz_target(world, clients[target.persona], target, examples)
        except ServerError as fault:
            faults.append(str(fault))
    assert faults == [], "\n".join(faults)
