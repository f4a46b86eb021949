"""The December rush as locust users, driven by `bench.load_bench` (which writes the plan
file named by LOAD_PLAN: accounts, password, assessment ids, search names).

* OfficerUser — a commune officer: the home, household list pages, name searches, the
  review list, opens a submitted assessment and verifies it (POST with its version).
* CitizenUser — a citizen on a phone: home, the learning-citizen self-assessment screen
  by screen (every "next" saves), the summary, submit.
* LeaderUser — province leaders: the home (overview and map), the province dashboard
  (last year's official figures, and this year's provisional ones), a commune's
  dashboard, targets.
* FloorUser — the floor: a minimal view (`/healthz`, one `SELECT 1`) under the same load.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

from bench.forms import form_of, forms_of

PLAN: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_PLAN"]).read_text("utf-8"))
    if os.environ.get("LOAD_PLAN")
    else {}
)


class Member(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self) -> None:
        accounts = PLAN["accounts"][self.role]
        self.account = accounts[random.randrange(len(accounts))]
        page = self.client.get("/dang-nhap/", name="login page")
        with self.client.post(
            "/dang-nhap/",
            {
                **form_of(page.text),
                "username": self.account["username"],
                "password": PLAN["password"],
            },
            name="login",
            catch_response=True,
        ) as response:
            if "/dang-nhap/" in response.url:
                response.failure(f"đăng nhập không được: {self.account['username']}")
                raise StopUser()

    def post_form(self, url: str, page: str, name: str, **extra: str) -> Any:
        return self.client.post(url, {**form_of(page), **extra}, name=name)


class OfficerUser(Member):
    weight = 5
    role = "officer"

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="officer home")

    @task(3)
    def household_page(self) -> None:
        page = random.randint(1, max(1, self.account["households"] // 50))
        self.client.get(f"/so/ho/?page={page}", name="household list")

    @task(3)
    def search(self) -> None:
        self.client.get(
            "/so/cong-dan/", params={"q": random.choice(PLAN["names"])}, name="citizen search"
        )

    @task(2)
    def review_list(self) -> None:
        self.client.get(
            "/binh-xet/?danh_hieu=GDHT&trang_thai=submitted", name="review list (submitted)"
        )

    @task(2)
    def verify_one(self) -> None:
        pool = self.account["waiting"]
        if not pool:
            return
        pk = pool.pop()
        detail = self.client.get(f"/binh-xet/{pk}/", name="assessment detail")
        fields = form_of(detail.text, "/buoc/verify/")
        if "version" in fields:
            self.client.post(f"/binh-xet/{pk}/buoc/verify/", fields, name="verify (POST)")


class CitizenUser(Member):
    weight = 3
    role = "citizen"

    @task(1)
    def home(self) -> None:
        self.client.get("/ca-nhan/", name="citizen home")

    @task(3)
    def self_assess(self) -> None:
        """Resume the form; from the summary go back over every screen ("Lưu và tiếp")
        once, then submit. A submitted form's summary is read-only: nothing to do."""
        response = self.client.get("/ca-nhan/danh-gia/", name="self-assessment (resume)")
        reviewed = False
        for _ in range(10):
            if "population_group" in response.text:  # first time: choose the group
                response = self.post_form(response.url, response.text, "start (POST)")
                continue
            if "/buoc/" not in response.url:
                return
            submit = [(a, f) for a, f in forms_of(response.text) if a.endswith("/nop/")]
            if submit and not reviewed:
                reviewed = True
                first = re.sub(r"/buoc/\d+/", "/buoc/1/", response.url)
                response = self.client.get(first, name="screen")
                continue
            if submit:
                self.client.post(submit[0][0], submit[0][1], name="submit (POST)")
                return
            fields = form_of(response.text)
            if "version" not in fields:
                return  # submitted already: the summary is read-only
            reviewed = True
            response = self.client.post(response.url, fields, name="screen (POST)")


class LeaderUser(Member):
    weight = 2
    role = "leader"

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="leader home")

    @task(2)
    def province(self) -> None:
        self.client.get("/chi-tieu/", name="province dashboard")

    @task(1)
    def province_provisional(self) -> None:
        self.client.get("/chi-tieu/?so_lieu=tam_tinh", name="province dashboard (provisional)")

    @task(1)
    def commune(self) -> None:
        self.client.get(
            f"/chi-tieu/xa/{random.choice(PLAN['communes'])}/", name="commune dashboard"
        )

    @task(1)
    def targets(self) -> None:
        self.client.get("/chi-tieu/muc-tieu/", name="targets")


class FloorUser(HttpUser):
    wait_time = between(1, 3)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="floor: /healthz")
