"""The objects the door test opens: one set inside commune A, one in commune B.

Built on the root `world`; B's objects are kept apart from A's scopes (clan_a
has a member household in B, so B's household here is a fresh one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import RoleAssignment, User
from api.models import ApiToken
from assessments import services as cycle
from assessments.evidence import add_evidence
from assessments.models import (
    Assessment,
    AuthorityRule,
    CycleYear,
    Decision,
    Evidence,
    Revocation,
)
from assessments.tests.helpers import YEAR, open_years, recognise
from conftest import make_citizen, make_household, make_user
from criteria.models import CriteriaGroup, CriteriaSet, Criterion
from places.models import Place
from portal import services as portal_services
from portal.models import AccountRequest, ChangeRequest
from recognition.jobs import build_batch
from recognition.models import Certificate, CertificateBatch, LegalBasis
from registry import jobs
from registry.models import Citizen, Clan, Household, ImportJob, Organisation
from registry.tests.sheets import person, workbook
from stats import services as stats_services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Side:
    commune: Place
    village: Place
    citizen: Citizen
    member: Citizen
    household: Household
    clan: Clan
    organisation: Organisation
    assessment: Assessment
    evidence: Evidence
    decision: Decision
    certificate: Certificate
    batch: CertificateBatch
    import_job: ImportJob
    cycle_year: CycleYear
    account_request: AccountRequest
    change_request: ChangeRequest
    officer: User
    assignment: RoleAssignment
    token: ApiToken
    recognised: Assessment
    report: Any
    year: int = YEAR
    shared: Any = None
    revocation: Revocation | None = None


@dataclass
class Shared:
    criteria_set: CriteriaSet
    draft_set: CriteriaSet
    group: CriteriaGroup
    criterion: Criterion
    basis: LegalBasis
    rule: AuthorityRule


@dataclass
class DoorWorld:
    world: Any
    inside: Side
    outside: Side
    shared: Shared


def _evidence(actor: User, assessment: Assessment) -> Evidence:
    code = assessment.criteria_set.groups.first().criteria.first().code  # type: ignore[union-attr]
    return add_evidence(
        actor=actor,
        assessment=assessment,
        criterion_code=code,
        upload=SimpleUploadedFile("anh.png", PNG, content_type="image/png"),
    )


def _import_job(actor: User, commune: Place) -> ImportJob:
    # One faulty row, so the job stops as "invalid" with an annotated copy to download.
    data = workbook([person(**{"Họ và tên": "", "Thôn": "Không Có"})])
    job = jobs.start_import(
        kind="citizens", actor=actor, commune=commune, filename="loi.xlsx", data=data
    )
    job.refresh_from_db()
    return job


def _side(world: Any, key: str) -> Side:
    alice = world.users["alice"]
    if key == "a":
        commune, village = world.commune_a, world.village_a1
        household, clan, org = world.households["a1"], world.clan_a, world.org_a
        citizen, member = world.citizens["an"], world.citizens["lan"]
        officer, citizen_user = world.users["van"], world.users["dan"]
        decided = world.households["a2"]
        token_owner = world.users["cuong"]
    else:
        commune, village = world.commune_b, world.village_b1
        clan, org = world.clan_b, world.org_b
        household = make_household(village, "KC-002", clan=clan)
        citizen = make_citizen(
            village,
            "Vũ Văn Giang",
            1970,
            household=household,
            relation="head",
            identity_number="034070000456",
            phone="0987654321",
        )
        member = make_citizen(
            village, "Vũ Thị Hà", 1972, "female", household=household, relation="spouse"
        )
        member.workplace = org
        member.save()
        officer = world.users["binh"]
        citizen_user = make_user("giang")
        decided = make_household(village, "KC-003")
        make_citizen(village, "Đỗ Văn Khải", 1965, household=decided, relation="head")
        token_owner = world.users["binh"]
    citizen.user = citizen_user
    citizen.save()
    assessment = cycle.register(actor=alice, title="GDHT", year=YEAR, subject=household)
    evidence = _evidence(alice, assessment)
    recognised = recognise(
        world, cycle.register(actor=alice, title="GDHT", year=YEAR, subject=decided)
    )
    decision = recognised.decision
    assert decision is not None
    certificate = Certificate.objects.get(assessment=recognised)
    batch = CertificateBatch.objects.create(decision=decision, requested_by=alice, count=1)
    build_batch.call(batch.pk)
    batch.refresh_from_db()
    account_request = portal_services.register(
        data={
            "birth": (dt.date(1990, 5, 1), 1990),
            "full_name": f"Người Đăng Ký {key.upper()}",
            "gender": "male",
            "identity_number": "03309000001" + ("1" if key == "a" else "2"),
            "phone": "091111111" + ("1" if key == "a" else "2"),
            "village": village,
        },
        password="mat-khau-dai-2026",
    )
    change_request = portal_services.request_change(
        actor=citizen_user, citizen=citizen, changes={"phone": "0933333333"}
    )
    revoked = make_household(village, f"THU-HOI-{key.upper()}")
    make_citizen(village, f"Hộ Thu Hồi {key.upper()}", 1970, household=revoked, relation="head")
    held = recognise(world, cycle.register(actor=alice, title="GDHT", year=YEAR, subject=revoked))
    revocation = cycle.revoke(
        actor=alice,
        assessments=[held],
        number=f"1-{key}/QĐ-UBND",
        signed_on=dt.date(YEAR, 11, 25),
        signer_name="Nguyễn Văn Ký",
        signer_title="Chủ tịch",
        reason="Kê khai không trung thực",
    )
    return Side(
        revocation=revocation,
        commune=commune,
        village=village,
        citizen=citizen,
        member=member,
        household=household,
        clan=clan,
        organisation=org,
        assessment=assessment,
        evidence=evidence,
        decision=decision,
        certificate=certificate,
        batch=batch,
        import_job=_import_job(alice, commune),
        cycle_year=CycleYear.objects.get(commune=commune, year=YEAR),
        account_request=account_request,
        change_request=change_request,
        officer=officer,
        assignment=RoleAssignment.objects.filter(user=officer).first(),  # type: ignore[arg-type]
        token=ApiToken.issue(user=token_owner, name="cửa")[0],
        recognised=recognised,
        report=stats_services.report_for(actor=alice, commune=commune, year=YEAR),
    )


def build(world: Any) -> DoorWorld:
    open_years(world)
    inside = _side(world, "a")
    outside = _side(world, "b")
    published = CriteriaSet.objects.filter(status="published").order_by("pk").first()
    assert published is not None
    draft = CriteriaSet.objects.filter(status="draft").order_by("pk").first()
    if draft is None:
        from criteria import services as criteria_services

        draft = criteria_services.new_draft(actor=world.users["alice"], criteria_set=published)
    group = draft.groups.order_by("pk").first()
    assert group is not None
    criterion = group.criteria.order_by("pk").first()
    assert criterion is not None
    shared = Shared(
        criteria_set=published,
        draft_set=draft,
        group=group,
        criterion=criterion,
        basis=LegalBasis.objects.order_by("pk").first(),  # type: ignore[arg-type]
        rule=AuthorityRule.objects.order_by("pk").first(),  # type: ignore[arg-type]
    )
    inside.shared = outside.shared = shared
    return DoorWorld(world, inside, outside, shared)
