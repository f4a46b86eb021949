"""The citizen's whole journey in a real (headless) Chromium on a phone-sized screen.

claim → self-assessment over several sessions (log out, connection drop, resume) → submit
→ village officer verifies → commune proposes and decides → the citizen downloads the
certificate. Every step leaves a screenshot in test-artifacts/browser/, and every portal
page is weighed from the browser's network log against the 150 KB budget.

Runs when Debian's Chromium is installed (`apt-get install chromium`); otherwise skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache

from accounts import notify
from assessments.models import Assessment, State
from assessments.tests.helpers import open_years
from conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
BUDGET = 150 * 1024  # bytes transferred per portal page, fonts and scripts included
NEW_PASSWORD = "Hoc-tap-suot-doi-2026"
# WCAG 2.1 AA contrast of every visible text against its effective background.
LOW_CONTRAST_JS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => { for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.closest(".skip")) continue;
    const a = lum(rgb(style.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) bad.push(el.tagName + " '" + el.textContent.trim().slice(0, 30) + "' " + ratio.toFixed(2));
  }
  return bad;
}"""
PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "vi-VN", "accept_downloads": True}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"không có Chromium ở {CHROMIUM}: bỏ qua kiểm thử trình duyệt "
        "(cài bằng `apt-get install chromium`, hoặc chạy .ci/run)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop on this thread; the test itself still
    # talks to the database synchronously, which is safe here (one thread per step).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Phone:
    """One person's browser at 360×740; the citizen's pages are weighed as they come."""

    def __init__(self, browser, base_url: str, who: str, weigh: bool = False):
        self.browser = browser
        self.context = browser.new_context(**PHONE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base_url = base_url
        self.who = who
        self.weigh_pages = weigh
        self.weights: dict[str, int] = {}

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.settle()

    def click(self, name: str, role: str = "button") -> None:
        """Press a button or follow a link and wait for the page it leads to."""
        try:
            with self.page.expect_navigation(wait_until="load"):
                self.page.get_by_role(role, name=name).first.click()
        except Exception:
            self.shot(f"failed-{self.who}")
            raise
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_load_state("load")
        path = re.sub(r"^https?://[^/]+", "", self.page.url).split("?")[0].split("#")[0]
        if self.weigh_pages and path not in self.weights:
            self.weights[path] = self.first_visit_weight(self.page.url)

    def first_visit_weight(self, url: str) -> int:
        """Bytes transferred (headers and bodies, as sent) loading the page on a phone
        that has nothing cached yet but is signed in as this person."""
        fresh = self.browser.new_context(**PHONE, storage_state=self.context.storage_state())
        page = fresh.new_page()
        finished: list = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(url, wait_until="load")
        total = 0
        for request in finished:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        fresh.close()
        return total

    def shot(self, name: str) -> None:
        # What the phone shows (a full-page shot stretches the viewport, and a click right
        # after it can miss the button).
        self.page.screenshot(path=ARTIFACTS / f"{self.who}-{name}.png")

    def text(self) -> str:
        return self.page.inner_text("main")

    def log_in(self, username: str, password: str) -> None:
        self.goto("/dang-nhap/")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.click("Đăng nhập")

    def fill_step(self, answers: dict[str, str]) -> None:
        for code, value in answers.items():
            self.page.fill(f'[name="c_{code}"]', value)


def test_citizen_journey_from_claim_to_certificate(world, live_server, browser, settings):
    settings.SMS_BACKEND = "memory"  # the province's SMS channel: the code reaches An's phone
    notify.outbox.clear()
    cache.clear()
    open_years(world)
    base = live_server.url
    an = Phone(browser, base, "an", weigh=True)

    # 1. Claim the record the village already keeps.
    an.goto("/ca-nhan/nhan-tai-khoan/")
    an.shot("01-nhan-tai-khoan")
    # ... with the keyboard alone: the skip link first, then field after field, Enter.
    keyboard = an.page.keyboard
    keyboard.press("Tab")
    assert an.page.evaluate("document.activeElement.className") == "skip"
    keyboard.press("Enter")
    for value in (
        "033075000123",
        "Nguyễn Văn An",
        "1975",
        "0901234567",
        NEW_PASSWORD,
        NEW_PASSWORD,
    ):
        keyboard.press("Tab")
        keyboard.type(value)
    assert an.page.input_value('[name="phone"]') == "0901234567"
    with an.page.expect_navigation():
        keyboard.press("Enter")
    an.settle()
    # The one-time code sent to the phone on file proves An holds it.
    assert "Nhập mã xác nhận" in an.text()
    an.shot("01b-nhap-ma")
    (sms,) = notify.outbox
    assert sms.to == "0901234567"
    code = sms.text.split(": ")[1][:6]
    an.page.fill('[name="code"]', code)
    with an.page.expect_navigation():
        an.page.keyboard.press("Enter")
    an.settle()
    assert an.page.url.split("#")[0] == f"{base}/ca-nhan/"
    assert "Xin chào, Nguyễn Văn An" in an.text()
    an.shot("02-trang-cua-toi")

    # 2. Start the learning-citizen self-assessment; the group is suggested from occupation.
    an.click("Tự đánh giá Công dân học tập 2026", role="link")
    an.shot("03-chon-nhom")
    an.click("Bắt đầu")
    assert "Phần 1/4" in an.text()
    an.fill_step({"1.1": "9", "1.2": "9", "1.3": "8", "1.4": "8"})
    an.shot("04-phan-1")
    an.click("Lưu và tiếp ›")
    assert "Phần 2/4" in an.text()

    # 3. Log out mid-way; log in again with the identity number and carry on at part 2.
    an.page.get_by_text("Danh mục").click()  # on a phone the menu is folded
    an.click("Đăng xuất")
    an.log_in("033075000123", NEW_PASSWORD)
    an.goto("/ca-nhan/")
    an.click("Tiếp tục tự đánh giá", role="link")
    assert "Phần 2/4" in an.text()
    an.fill_step({"2.1": "8", "2.2": "7", "2.3": "7", "2.4": "7"})
    an.click("Lưu và tiếp ›")
    assert "Phần 3/4" in an.text()
    an.shot("05-phan-3-sau-dang-nhap-lai")

    # 4. The connection drops while sending part 3: nothing saved is lost, and the
    #    citizen resumes at the part that was not saved.
    an.fill_step({"3.1": "9", "3.2": "9"})
    an.context.set_offline(True)
    an.page.get_by_role("button", name="Lưu và tiếp ›").click()
    an.page.wait_for_load_state()
    an.context.set_offline(False)
    an.goto("/ca-nhan/")
    an.click("Tiếp tục tự đánh giá", role="link")
    assert "Phần 3/4" in an.text()
    assert an.page.input_value('[name="c_3.1"]') == ""
    an.fill_step({"3.1": "9", "3.2": "9"})
    an.click("Lưu và tiếp ›")

    # 5. The summary shows the provisional score; submit.
    assert "Điểm tạm tính: 81/100 — đạt" in an.text()
    an.shot("06-tong-hop")
    an.click("Nộp bản tự đánh giá")
    assert "Đã nộp bản tự đánh giá" in an.text()
    an.shot("07-da-nop")
    assessment = Assessment.objects.get(title="CDHT", year=2026, citizen=world.citizens["an"])
    assert assessment.state == State.SUBMITTED and assessment.self_submitted
    # A second press of the same submit (back button, double tap) changes nothing.
    an.page.go_back()
    an.settle()
    an.click("Nộp bản tự đánh giá")
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version

    # 6. The village officer verifies.
    van = Phone(browser, base, "van")
    van.log_in("van", PASSWORD)
    van.goto(f"/binh-xet/{assessment.pk}/")
    van.shot("08-thon-xem")
    van.click("Xác nhận")
    assert Assessment.objects.get(pk=assessment.pk).state == State.VERIFIED
    van.shot("09-thon-da-xac-nhan")

    # 7. The commune proposes and records the recognition decision.
    cuong = Phone(browser, base, "cuong")
    cuong.log_in("cuong", PASSWORD)
    cuong.goto(f"/binh-xet/{assessment.pk}/")
    cuong.click("Đề nghị công nhận")
    cuong.goto("/binh-xet/quyet-dinh/moi/?nam=2026&danh_hieu=CDHT")
    cuong.page.fill('[name="number"]', "15/QĐ-UBND")
    cuong.page.fill('[name="authority"]', "UBND phường Phố Hiến")
    cuong.page.fill('[name="signer_name"]', "Trần Văn Ký")
    cuong.page.fill('[name="signer_title"]', "Chủ tịch")
    cuong.shot("10-xa-quyet-dinh")
    cuong.click("Ghi quyết định")
    assessment.refresh_from_db()
    assert assessment.state == State.RECOGNISED and assessment.decision.number == "15/QĐ-UBND"
    cuong.shot("11-xa-da-quyet-dinh")

    # 8. The citizen sees the title and downloads the certificate.
    an.goto("/ca-nhan/")
    assert "Quyết định số 15/QĐ-UBND" in an.text()
    an.shot("12-da-cong-nhan")
    with an.page.expect_download() as download_info:
        an.page.get_by_role("link", name="Tải giấy công nhận (PDF)").click()
    download = download_info.value
    saved = ARTIFACTS / "giay-cong-nhan.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    an.click(f"Kiểm tra: {assessment.certificate.display_code}", role="link")
    assert "Giấy công nhận là thật" in an.text() and "Công dân học tập năm 2026" in an.text()
    an.shot("13-xac-minh")

    # The household and details pages, and registration, on the same phone.
    an.goto("/ca-nhan/ho/")
    assert "Lê Thị Lan" in an.text()
    an.goto("/ca-nhan/thong-tin/")
    an.shot("14-thong-tin")

    # At 200 % zoom a 360 px phone is 180 CSS px wide: nothing may need sideways scrolling.
    zoomed = browser.new_context(
        **{**PHONE, "viewport": {"width": 180, "height": 370}},
        storage_state=an.context.storage_state(),
    )
    page = zoomed.new_page()
    for path in [*an.weights, "/ca-nhan/dang-ky/"]:
        page.goto(base + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} tràn ngang {overflow}px ở 200 %"
        assert page.evaluate(LOW_CONTRAST_JS) == [], path
    zoomed.close()
    an.page.get_by_text("Danh mục").click()  # on a phone the menu is folded
    an.click("Đăng xuất")
    an.goto("/ca-nhan/dang-ky/")

    # Every page the citizen saw stays within the budget (first visit, nothing cached).
    portal_pages = {p: w for p, w in an.weights.items() if not p.startswith("/binh-xet/")}
    assert any(p.startswith("/ca-nhan/danh-gia/") for p in portal_pages)
    report = "\n".join(f"{w:>8} B  {p}" for p, w in sorted(portal_pages.items()))
    (ARTIFACTS / "page-weights.txt").write_text(report + "\n", encoding="utf-8")
    heavy = {p: w for p, w in portal_pages.items() if w > BUDGET}
    assert not heavy, report
    assert min(portal_pages.values()) > 1000  # the log really counted something
