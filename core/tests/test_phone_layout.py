"""Phone-first for officers too (issue 19): at 360×740 the menu folds behind one
"Danh mục" button, list tables become cards whose every value keeps its column's name,
and what stands alone to be tapped is at least 44 px tall; at 1280 px the menu is a row.

Runs in headless Chromium like the citizen's walk (skipped where Chromium is missing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import PASSWORD
from core.tests.committed import committed, reference_data_back  # noqa: F401

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "vi-VN"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "vi-VN"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"không có Chromium ở {CHROMIUM}: bỏ qua kiểm thử trình duyệt",
    ),
]

# Visible links, buttons and summaries of the page's main part that stand alone (their
# parent holds no other text: not a link inside a sentence), shorter than 44 px.
SMALL_TARGETS_JS = """() => {
  const small = [];
  for (const el of document.querySelectorAll("main a, main button, main summary, main input[type=submit]")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    const parentText = (el.parentElement.innerText || "").replace(/\\s+/g, " ").trim();
    const ownText = (el.innerText || el.value || "").replace(/\\s+/g, " ").trim();
    if (parentText !== ownText && el.tagName === "A") continue;  // a link inside a sentence
    if (box.height < 43.5) small.push(el.tagName + " '" + ownText.slice(0, 30) + "' " + box.height.toFixed(0));
  }
  return small;
}"""
# Cells of card tables that show no column name.
UNLABELLED_JS = """() => {
  const bare = [];
  for (const cell of document.querySelectorAll("table.list:not(.compact):not(.scorecard) tbody td")) {
    if (!cell.getClientRects().length || !cell.innerText.trim()) continue;
    const before = getComputedStyle(cell, "::before").content;
    if (!before || before === "none" || before === '""') bare.push(cell.innerText.trim().slice(0, 30));
  }
  return bare;
}"""


@pytest.fixture(scope="module")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def signed_in(browser, base: str, username: str, screen: dict):
    context = browser.new_context(**screen)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Đăng nhập").click()
    return context, page


@pytest.mark.usefixtures("committed")
def test_officers_phones_fold_the_menu_label_cards_and_tap_easily_and_wide_screens_show_a_row(
    world, live_server, browser
):
    for username in ("van", "cuong"):
        phone_walk(browser, live_server.url, username)
    wide_walk(browser, live_server.url)
    for username in ("alice", "vera", "cuong", "van", "olga", "hoa"):
        for name, screen in (("phone", PHONE), ("wide", DESKTOP)):
            home_walk(browser, live_server.url, username, name, screen)


# Wider than the screen: what makes a phone scroll sideways (tables inside .scroll may).
OVERFLOW_JS = """() => [...document.querySelectorAll("main *")].filter(el => {
  const box = el.getBoundingClientRect();
  return box.right > document.documentElement.clientWidth + 1 && !el.closest(".scroll, svg");
}).map(el => el.tagName + "." + el.className).slice(0, 5)"""


def home_walk(browser, base: str, username: str, name: str, screen: dict) -> None:
    """Each role's home ("Việc cần làm") at 360 px and 1280 px: it fits the screen, breaks no
    rule of the page's security policy, and a leader's home leads with the province map."""
    context, page = signed_in(browser, base, username, screen)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(base + "/", wait_until="load")
    assert page.locator("h1").inner_text() == "Việc cần làm", username
    assert page.evaluate(OVERFLOW_JS) == [], (username, name)
    if username in ("alice", "vera"):
        circles = page.locator("svg.map a")
        assert circles.count() == 104  # every current commune of the merged province
        assert page.locator("svg.map").is_visible()
        href = circles.first.get_attribute("href") or ""
        assert href.startswith("/chi-tieu/xa/")
        assert page.goto(base + href, wait_until="load").status == 200
    assert violations == [], violations
    page.screenshot(path=ARTIFACTS / f"home-{username}-{name}.png", full_page=True)
    context.close()


def phone_walk(browser, base: str, username: str) -> None:
    context, page = signed_in(browser, base, username, PHONE)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    paths = ["/so/ho/", "/so/cong-dan/", "/binh-xet/"]
    if username == "cuong":
        paths.append("/chi-tieu/")  # the commune's dashboard: its wide tables scroll sideways
    for path in paths:
        page.goto(base + path, wait_until="load")
        header = page.locator("header.top").bounding_box()
        assert header is not None and header["height"] < 100, (path, header)
        assert not page.locator("nav.nav-wide").is_visible()
        assert page.evaluate(UNLABELLED_JS) == [], path
        assert page.evaluate(SMALL_TARGETS_JS) == [], path
        page.screenshot(
            path=ARTIFACTS / f"phone-{username}-{path.strip('/').replace('/', '-')}.png"
        )
    # The folded menu opens on a tap and leads where its links say.
    page.get_by_text("Danh mục").click()
    menu_link = page.locator("details.menu nav").get_by_role("link", name="Hộ gia đình")
    assert menu_link.is_visible()
    with page.expect_navigation(wait_until="load"):
        menu_link.click()
    assert page.url.endswith("/so/ho/")
    assert violations == [], violations
    context.close()


def wide_walk(browser, base: str) -> None:
    context, page = signed_in(browser, base, "cuong", DESKTOP)
    page.goto(base + "/so/ho/", wait_until="load")
    assert page.locator("nav.nav-wide").is_visible()
    assert not page.locator("details.menu").is_visible()
    header = page.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 160
    page.screenshot(path=ARTIFACTS / "wide-cuong-households.png")
    context.close()
