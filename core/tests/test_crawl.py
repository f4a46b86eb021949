"""No dead ends, no raw strings: every persona walks the site from "/" as a user would.

For each persona of the root conftest (and an anonymous visitor) the crawler starts at
"/", follows every same-site `<a href>` breadth-first (GET only), and knocks on the
action of every `<form>` it is shown: a GET form's action is fetched, a POST form's
action is posted empty inside a savepoint rolled back at once (a form the persona cannot
use answers 403/404 there, the refusal a user would meet after filling it in). It fails
listing every link or form that answers 4xx/5xx, with the page it was found on, and
every raw string in the visible text of a page: an unfilled `{xa}` placeholder, a Python
repr, a title code, a model's field name or a choice key, English from Django.

The objects are those of the door test (core/tests/door_world.py: files in every state,
decisions, certificates, imports, requests, in commune A and commune B). The walk is
bounded so the test stays quick on two cores: at most PER_NAME URLs of one URL name (a
list's pages and filters count as one name), at most BUDGET requests per persona (a runaway guard: a walk that reaches it fails).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from conftest import build_world, close_response, fresh, module_rows
from core.tests import door_world
from core.tests.doorlib import PERSONAS
from core.tests.project import project_apps
from criteria.titles import Title

PER_NAME = 3
BUDGET = 2000  # a runaway guard only: every persona's walk ends well below it
PROJECT_APPS = set(project_apps())
# Paths never followed: leaving the session, the static files (served by WhiteNoise in
# production, not by the test client), the API (checked by test_api_schema.py).
SKIPPED = ("/dang-xuat/", "/static/", "/api/")
SKIPPED_NAMES = {"logout"}

# Visible text a page must never show.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # A placeholder quoted «{xa}» is an instruction to type it, not an unfilled one.
    ("chỗ trống chưa điền", re.compile(r"(?<!«)\{[a-z_]{1,30}\}|%\([a-z_]+\)s")),
    (
        "dạng Python",
        re.compile(r"\{'|\[\{|\['|<QuerySet|<[A-Z][A-Za-z]+: |\bNone\b|\bTrue\b|\bFalse\b"),
    ),
    (
        "tiếng Anh của Django",
        re.compile(
            r"Not Found|Server Error|Forbidden|This field is required|Enter a valid"
            r"|Select a valid choice|Ensure this value|Page not found|object \(\d+\)"
        ),
    ),
]


# A choice key that cannot be a Vietnamese word: snake_case, or capitals (3 or more).
CODE_RE = re.compile(r"[a-z]+(_[a-z]+)+|[A-Z]{3,}(_[A-Z]+)*")


def _initials(label: Any) -> str:
    return "".join(word[0] for word in str(label).split()).upper()


def _words() -> dict[str, str]:
    """The code words of the project: title codes, the models' field names and choice
    keys (snake_case or English, as stored), each with what it is."""
    # A title code that is also the Vietnamese initials of its name ("DHHT": Dòng họ học
    # tập, as the plan abbreviates it) cannot be told from that abbreviation: not a word.
    words: dict[str, str] = {
        code: "mã danh hiệu" for code in Title.values if code != _initials(Title(code).label)
    }
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for f in model._meta.get_fields():
            name = getattr(f, "name", "")
            if "_" in name and name.islower():
                words.setdefault(name, f"tên trường {model.__name__}.{name}")
            for key, _label in getattr(f, "flatchoices", None) or []:
                if isinstance(key, str) and CODE_RE.fullmatch(key):
                    words.setdefault(key, f"mã lựa chọn {model.__name__}.{name}")
    for code in Title.values:
        if code == _initials(Title(code).label):
            words.pop(code, None)
    return words


WORDS = _words()
WORD_RE = re.compile(
    r"(?<![\w/.-])("
    + "|".join(map(re.escape, sorted(WORDS, key=len, reverse=True)))
    + r")(?![\w/.-])"
)
# A `name: value` pair as a diff or a dict prints it (`state: submitted → returned`).
KEY_VALUE_RE = re.compile(r"(?<![\w/.-])([a-z]+(?:_[a-z]+)*): (?=\S)")
ENGLISH_KEYS = {w for w in WORDS if w.islower()} | {
    f.name
    for model in apps.get_models()
    if model._meta.app_label in PROJECT_APPS
    for f in model._meta.get_fields()
    if getattr(f, "name", "").isascii()
}


@dataclass
class Form:
    action: str
    method: str
    label: str = ""  # its first words, to name it in a failure
    fields: list[tuple[str, str]] = field(default_factory=list)  # what it sends as shown
    pressed: bool = False
    submits: bool = False  # has a submit button: a form without one cannot be sent


@dataclass
class Page:
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, link text)
    forms: list[Form] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    """Links, forms (with what they would send as shown) and the visible text (with titles,
    labels and placeholders) of a page. The content of <script>, <style>, <code>, <pre>
    and <textarea> is not prose."""

    HIDDEN = {"script", "style", "code", "pre", "textarea", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.hidden = 0
        self.anchor: list[Any] | None = None
        self.form: Form | None = None
        self.select: tuple[str, list[str]] | None = None  # name, (selected first) values

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag in self.HIDDEN:
            self.hidden += 1
        for attribute in ("title", "aria-label", "placeholder", "alt"):
            if found.get(attribute):
                self.page.text.append(found[attribute])
        if tag == "a" and "href" in found:
            self.anchor = [found["href"], ""]
        elif tag == "form":
            self.form = Form(found.get("action", ""), (found.get("method") or "get").lower())
            self.page.forms.append(self.form)
        elif tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.page.text.append(found["value"])
        if self.form is None or "disabled" in found:
            return
        kind = found.get("type", "submit" if tag == "button" else "text")
        if tag in ("button", "input") and kind in ("submit", "image"):
            self.form.submits = True
        if tag == "option" and self.select is not None:
            value = found.get("value", "")
            if "selected" in found:
                self.select[1].insert(0, value)
            else:
                self.select[1].append(value)
        if not found.get("name"):
            return
        name = found["name"]
        if tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            if kind not in ("checkbox", "radio") or "checked" in found:
                self.form.fields.append((name, found.get("value", "")))
        elif tag == "select":
            self.select = (name, [])
        elif tag == "button" and found.get("value") and not self.form.pressed:
            self.form.pressed = True
            self.form.fields.append((name, found["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        if tag == "a" and self.anchor is not None:
            self.page.links.append((self.anchor[0], " ".join(self.anchor[1].split())))
            self.anchor = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, values = self.select
            self.form.fields.append((name, values[0] if values else ""))
            self.select = None
        elif tag == "form":
            self.form = None

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.page.text.append(data)
        if self.anchor is not None:
            self.anchor[1] += data
        if self.form is not None and data.strip() and not self.form.label:
            self.form.label = data.strip()


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return reader.page


def raw_strings(text: str) -> Iterator[str]:
    """What in a page's visible text is a code, a repr or an unfilled template."""
    for what, pattern in PATTERNS:
        for match in pattern.finditer(text):
            yield f"{what}: «{_around(text, match)}»"
    for match in WORD_RE.finditer(text):
        yield f"{WORDS[match.group(1)]}: «{_around(text, match)}»"
    for match in KEY_VALUE_RE.finditer(text):
        if match.group(1) in ENGLISH_KEYS:
            yield f"tên trường «{match.group(1)}:»: «{_around(text, match)}»"


def _around(text: str, match: re.Match[str]) -> str:
    return " ".join(text[max(0, match.start() - 30) : match.end() + 30].split())


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def same_site(base: str, href: str) -> str | None:
    """The path and query of a same-site link, or None for another site, an anchor, a
    mail or phone link."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
        return None
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.scheme not in ("http", "https") or url.netloc not in ("testserver", ""):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


@dataclass
class Crawl:
    client: Client
    persona: str | None
    seen: set[str] = field(default_factory=set)
    per_name: Counter[str] = field(default_factory=Counter)
    broken: list[str] = field(default_factory=list)
    raw: dict[str, list[str]] = field(default_factory=dict)
    requests: int = 0

    def admit(self, url: str) -> bool:
        """Whether to fetch this URL: not seen, not skipped, its name under the cap."""
        if url in self.seen or url.split("?")[0].startswith(SKIPPED):
            return False
        name = url_name(url.split("?")[0]) or url
        if name in SKIPPED_NAMES or self.per_name[name] >= PER_NAME:
            return False
        self.seen.add(url)
        self.per_name[name] += 1
        return True

    def fetch(self, method: str, url: str, data: Any = None) -> Any:
        self.requests += 1
        with transaction.atomic():
            if method == "get":
                response = self.client.get(url, data)
            else:
                response = self.client.post(url, data or {})
            transaction.set_rollback(True)
        if hasattr(response, "streaming_content"):
            close_response(response)
        return response

    def run(self, user: Any) -> None:
        queue: deque[tuple[str, str, str]] = deque([("/", "(điểm bắt đầu)", "")])
        self.admit("/")
        while queue and self.requests < BUDGET:
            url, found_on, label = queue.popleft()
            response = self.fetch("get", url)
            if user is not None and "_auth_user_id" not in self.client.session:
                self.client.force_login(user)
            where = f"«{label}» ({url}) trên trang {found_on}"
            if response.status_code in (301, 302, 303):
                target = same_site(url, response["Location"])
                if target and target.startswith("/dang-nhap/") and user is not None:
                    self.broken.append(f"{where}: chuyển về trang đăng nhập")
                elif target and self.admit(target):
                    queue.append((target, found_on, label))
                continue
            if response.status_code >= 400:
                self.broken.append(f"{where}: trả lời {response.status_code}")
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            page = read(response.content.decode())
            found = raw_strings(" ".join(" ".join(page.text).split()))
            problems = sorted(set(found))
            if problems:
                self.raw[url] = problems
            for href, text in page.links:
                target = same_site(url, href)
                if target and self.admit(target):
                    queue.append((target, url, text))
            for form in page.forms:
                self.check_form(form, url)

    def check_form(self, form: Form, found_on: str) -> None:
        """Send the form as it is shown (its hidden fields, the selected options, the
        first button's value): a form the persona cannot use answers 403 or 404."""
        target = same_site(found_on, form.action or found_on)
        if not form.submits or target is None or target.split("?")[0].startswith(SKIPPED):
            return
        path = target.split("?")[0] if form.method == "get" else target
        name = url_name(path.split("?")[0]) or path
        key = f"{form.method} {path} {sorted(form.fields)}"
        if key in self.seen or name in SKIPPED_NAMES or self.requests >= BUDGET:
            return
        if self.per_name[f"form {name}"] >= PER_NAME:
            return
        self.seen.add(key)
        self.per_name[f"form {name}"] += 1
        data: dict[str, list[str]] = {}
        for field_name, value in form.fields:
            data.setdefault(field_name, []).append(value)
        response = self.fetch("post" if form.method == "post" else "get", path, data)
        if response.status_code in (403, 404) or response.status_code >= 500:
            self.broken.append(
                f"biểu mẫu «{form.label}» ({form.method.upper()} {path}) trên trang "
                f"{found_on}: trả lời {response.status_code}"
            )


@pytest.fixture(scope="module")
def crawl_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The door test's world, built once for every persona's walk (conftest.module_rows)."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("crawl-media")
    with module_rows(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
            built = door_world.build(build_world())
        yield built, media


@pytest.fixture
def built(crawl_rows, db, settings) -> door_world.DoorWorld:
    rows, media = crawl_rows
    settings.MEDIA_ROOT = media
    return fresh(rows)


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_every_link_shown_works_and_no_raw_strings(built, persona):
    client = Client()
    user = built.world.users[persona] if persona else None
    if user is not None:
        client.force_login(user)
    crawl = Crawl(client, persona)
    crawl.run(user)
    report = []
    if crawl.broken:
        report.append(f"{len(crawl.broken)} liên kết, biểu mẫu hỏng:")
        report += [f"  {line}" for line in crawl.broken]
    if crawl.raw:
        report.append(f"{len(crawl.raw)} trang có chữ thô:")
        for url, problems in crawl.raw.items():
            report += [f"  {url}: {p}" for p in problems]
    assert not report, f"{persona or 'khách'} ({crawl.requests} lượt):\n" + "\n".join(report)
    assert crawl.requests > (1 if persona in (None, "oscar") else 10), "the walk went nowhere"
    assert crawl.requests < BUDGET, "the walk was cut short: every page was not reached"


def test_the_crawler_finds_a_dead_link_and_a_raw_string():
    page = read(
        '<p>Trạng thái: state: submitted</p><a href="/so/ho/0/">Hộ</a>'
        "<p>Ủy ban nhân dân {xa} {'a': 1} GDHT</p><code>identity_number</code>"
        '<form method="post" action="/x/"><button>Ghi</button></form>'
    )
    assert page.links == [("/so/ho/0/", "Hộ")]
    assert [(f.action, f.method, f.label) for f in page.forms] == [("/x/", "post", "Ghi")]
    found = " | ".join(raw_strings(" ".join(page.text)))
    assert "{xa}" in found and "{'a'" in found and "GDHT" in found and "state:" in found
    assert "identity_number" not in found  # inside <code>
    assert list(raw_strings("Ủy ban nhân dân Phường Phố Hiến, Gia đình học tập")) == []


# The cases the reviewer met (issue 19), each through the page of the persona shown it
# (on the crawl's world: a second `world` cannot be built beside the module's).


def as_persona(built: door_world.DoorWorld, persona: str) -> Client:
    return built.world.client(persona)


@pytest.mark.parametrize("persona", ["van", "olga", "hoa"])
def test_review_years_link_only_for_who_opens_them(built, persona):
    page = as_persona(built, persona).get("/binh-xet/").content.decode()
    assert "Năm bình xét" not in page
    assert as_persona(built, persona).get("/binh-xet/nam/").status_code == 404
    assert "Năm bình xét" in as_persona(built, "cuong").get("/binh-xet/").content.decode()


@pytest.mark.parametrize("persona", ["vera", "van", "olga", "hoa"])
def test_decision_link_only_for_who_can_decide(built, persona):
    assert (
        "Ghi quyết định công nhận"
        not in as_persona(built, persona).get("/binh-xet/").content.decode()
    )
    assert as_persona(built, persona).get("/binh-xet/quyet-dinh/moi/").status_code == 404
    assert (
        "Ghi quyết định công nhận" in as_persona(built, "cuong").get("/binh-xet/").content.decode()
    )


def test_the_viewer_is_refused_bulk_steps_up_front(built):
    page = as_persona(built, "vera").get("/binh-xet/").content.decode()
    assert 'name="step"' not in page
    assert as_persona(built, "vera").get("/binh-xet/hang-loat/?step=verify").status_code == 404
    assert as_persona(built, "cuong").get("/binh-xet/hang-loat/?step=verify").status_code == 200


def test_viewer_gets_no_request_or_import_links(built):
    home = as_persona(built, "vera").get("/", follow=True).content.decode()
    assert "Yêu cầu công dân" not in home
    reports = as_persona(built, "vera").get("/chi-tieu/bao-cao/").content.decode()
    assert "Nhập từ Excel" not in reports and "Tải mẫu Excel" not in reports
    assert "Nhập từ Excel" in as_persona(built, "cuong").get("/chi-tieu/bao-cao/").content.decode()


def test_a_clan_out_of_sight_is_named_not_linked(built):
    household = built.world.households["b1"]  # commune B's household in clan_a (commune A)
    page = as_persona(built, "binh").get(f"/so/ho/{household.pk}/").content.decode()
    assert built.world.clan_a.name in page
    assert f"/so/dong-ho/{built.world.clan_a.pk}/" not in page
    page = (
        as_persona(built, "cuong")
        .get(f"/so/ho/{built.world.households['a1'].pk}/")
        .content.decode()
    )
    assert f"/so/dong-ho/{built.world.clan_a.pk}/" in page


def test_authority_templates_are_shown_in_words_and_checked(built):
    from assessments.models import AuthorityRule

    page = as_persona(built, "alice").get("/cau-hinh/").content.decode()
    text = " ".join(read(page).text)
    assert list(raw_strings(text)) == []
    assert "Ủy ban nhân dân [tên xã, phường]" in text
    rule = AuthorityRule.objects.filter(level="commune").order_by("pk").first()
    response = as_persona(built, "alice").post(
        f"/cau-hinh/tham-quyen/{rule.pk}/",
        {"level": "commune", "authority": "Ủy ban nhân dân {huyen}", "signer_title": "Chủ tịch"},
    )
    assert response.status_code == 200
    assert "Chỉ dùng được «{xa}»" in response.content.decode()
