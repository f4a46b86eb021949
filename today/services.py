"""What waits on one user today, as plain data: one `Item` per kind of work, each with its
count and the links to the lists that show exactly those records.

Every count is made with the permission function that guards the step or the page it
counts for (`assessments.permissions`, `recognition.access`, the pages' own gates), so a
home never counts work its user could not open. Items are read-only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.scope import OFFICER_ROLES, Scope, scope_of
from assessments import permissions as can
from assessments.calendars import DATE_LABELS, DATES, label
from assessments.models import Assessment, Rollup, State, TitleCalendar
from criteria.titles import TITLES, SubjectKind, Title
from places.models import Place, PlaceKind
from portal.models import AccountRequest, ChangeRequest, RequestStatus
from recognition.access import may_get_batch
from recognition.models import BatchStatus, Certificate, CertificateBatch
from registry.access import editable_communes
from registry.models import Clan, ImportJob, ImportStatus, Organisation, OrganisationLevel
from stats.models import ReportStatus, StatReport

# Proposal (issue 19): deadlines "in the next 14 days" — two weeks is the horizon the issue
# asks for; a later date is on the calendar page.
DEADLINE_DAYS = 14
# Proposal: a failed import or a finished batch of certificates stays on the home for 30
# days (a month of working days to notice it); older ones are in their pages' lists.
RECENT_DAYS = 30
NOTHING = "Không có việc chờ"


@dataclass
class Link:
    text: str
    url: str
    count: int | None = None
    note: str = ""


@dataclass
class Item:
    """One kind of work on the home: its name, how many, where to do it."""

    key: str  # the item's anchor on the page (#viec-<key>) and its name in tests
    label: str
    count: int
    links: list[Link] = field(default_factory=list)
    help: str = ""
    empty: str = NOTHING


# --- files waiting for a step -------------------------------------------------------------

Check = Callable[[Any, Assessment], bool]


@dataclass(frozen=True)
class Wait:
    key: str
    label: str
    state: str
    may: Check
    help: str


WAITS = (
    Wait(
        "xac-nhan",
        "Hồ sơ chờ xác nhận",
        State.SUBMITTED,
        can.can_verify,
        "Đã tự đánh giá và nộp; chờ bạn kiểm tra, xác nhận hoặc trả lại.",
    ),
    Wait(
        "de-nghi",
        "Hồ sơ chờ đề nghị công nhận",
        State.VERIFIED,
        can.can_propose,
        "Đã được xác nhận; chờ bạn đề nghị công nhận hoặc trả lại.",
    ),
    Wait(
        "quyet-dinh",
        "Hồ sơ chờ quyết định công nhận",
        State.PROPOSED,
        can.can_decide,
        "Đã được đề nghị; chờ ghi quyết định công nhận.",
    ),
    Wait(
        "tra-lai",
        "Hồ sơ bị trả lại, cần sửa",
        State.RETURNED,
        can.can_fill,
        "Người xét đã trả lại kèm lý do; sửa rồi nộp lại.",
    ),
)


def _province_only(wait: Wait, title: str, unit_level: str) -> bool:
    """The province admin may take every step in every commune (it covers them all); its
    own work is what only the province does: the titles it reviews, the decisions of its
    authority (for a unit: by the unit's level). The rest waits on the communes and shows
    on their homes."""
    if wait.state in (State.SUBMITTED, State.VERIFIED):
        return TITLES[title].reviewed_by == "province"
    if wait.state == State.PROPOSED:
        return can.authority_level(title, unit_level) == "province"
    return False


def _unit_level(row: Assessment) -> str:
    """The level of the unit a file is about ("" for other subjects), as `can_decide` reads it."""
    return row.organisation.level if row.organisation_id and row.organisation else ""


def _list_url(title: str, year: int, state: str) -> str:
    return f"{reverse('assessments:list')}?nam={year}&danh_hieu={title}&trang_thai={state}"


# Group fields the officers' permissions read (`assessments.permissions`): the title and
# state, the commune (commune editors), the village (village officers) and, for a decision,
# the unit's level (`authority_for`). Never the year, nor the subject itself once the
# file lies in the officer's own places (there the officer's own right already covers
# what a manager or the subject could do: filling in, verifying).
FAST_ROLES = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER, Role.VILLAGE_OFFICER, Role.CITIZEN}


@dataclass(frozen=True)
class Group:
    """Open files that one permission check answers for: a real file (its sample) or an
    unsaved one carrying only the fields the officers' permissions read."""

    row: Assessment
    count: int


def assessment_items(user: Any, scope: Scope) -> list[Item]:
    """The open files per step this user may take, by title and year. Counted by groups of
    rows that the permission gives the same answer for, the permission asked once per group
    (`_officer_groups`, `_sampled_groups`)."""
    counts: dict[str, dict[tuple[str, int], int]] = defaultdict(lambda: defaultdict(int))
    by_state = {wait.state: wait for wait in WAITS}
    answers: dict[tuple[Any, ...], bool] = {}
    for group in [*_officer_groups(user, scope), *_sampled_groups(user, scope)]:
        row = group.row
        wait = by_state[row.state]
        level = _unit_level(row)
        key = (row.pk, row.state, row.title, row.commune_id, row.village_id, level)
        if key not in answers:
            answers[key] = wait.may(user, row) and not (
                scope.is_province_admin and not _province_only(wait, row.title, level)
            )
        if answers[key]:
            counts[wait.key][(row.title, row.year)] += group.count
    items = []
    for wait in WAITS:
        found = counts.get(wait.key, {})
        links = [
            Link(
                f"{Title(title).label} — năm {year}",
                _list_url(title, year, wait.state),
                n,
            )
            for (title, year), n in sorted(found.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
        ]
        items.append(Item(wait.key, wait.label, sum(found.values()), links, wait.help))
    return items


def _fast(scope: Scope) -> bool:
    """Whether the user's files in their own places are counted from the rollups: an
    admin, commune or village officer (a citizen too), managing no unit or clan. A
    viewer's or a manager's rights depend on more than the place (`_sampled_groups`)."""
    officer = any(a.role in OFFICER_ROLES for a in scope.assignments)
    return (
        officer and scope.roles <= FAST_ROLES and not scope.organisation_ids and not scope.clan_ids
    )


def _own_places(scope: Scope, commune: str, village: str) -> Q:
    """The records of the officer's places, by the commune and village each record stores
    (as `Assessment.visible_to` by path: a village lies under its commune)."""
    condition = Q(pk__in=[])
    for a in scope.assignments:
        if a.role not in OFFICER_ROLES:
            continue
        if a.place.kind == PlaceKind.COMMUNE:
            condition |= Q(**{f"{commune}_id": a.place_id})
        elif a.place.kind == PlaceKind.VILLAGE:
            condition |= Q(**{f"{village}_id": a.place_id})
        else:
            condition |= Q(**{f"{commune}__path__startswith": a.place.path})
    return condition


def _officer_groups(user: Any, scope: Scope) -> list[Group]:
    """The open files in the officer's own places, from the per-(year, commune, village,
    title, state) counts kept with every transition (`assessments.Rollup`), never from
    the millions of files: by commune (or village, for a village officer; by nothing more
    for the province's admin). A unit's proposed file is decided at its unit's level, so
    those few are counted from the files, by level."""
    if not _fast(scope):
        return []
    officers = [a for a in scope.assignments if a.role in OFFICER_ROLES]
    if any(a.role == Role.VILLAGE_OFFICER for a in officers):
        fields = ["commune_id", "village_key"]
    elif all(a.place.parent_id is None for a in officers):
        fields = []  # the province: every commune is covered alike
    else:
        fields = ["commune_id"]
    by_level = [t for t, spec in TITLES.items() if spec.subject == SubjectKind.ORGANISATION]
    own = _own_places(scope, "commune", "village")
    wanted = _province_work() if scope.is_province_admin else Q(state__in=_waiting_states())
    # The years as a list: the rollups' indexes all begin with the year.
    span = Rollup.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return []
    wanted &= Q(year__in=range(span["first"], span["last"] + 1))
    rows: list[dict[str, Any]] = []
    proposed_units: set[int] = set()
    for found in (
        Rollup.objects.filter(own, wanted)
        .values("year", "title", "state", *fields)
        .annotate(n=Sum("count"))
        .filter(n__gt=0)
        .order_by()
    ):
        if found["state"] == State.PROPOSED and found["title"] in by_level:
            proposed_units.add(found["year"])
        else:
            rows.append(found)
    units: list[dict[str, Any]] = []
    if proposed_units:
        units = list(
            Assessment.objects.filter(
                own, year__in=proposed_units, title__in=by_level, state=State.PROPOSED
            )
            .values("year", "title", "state", *fields[:1], "organisation__level")
            .annotate(n=Count("id"), unit=Min("organisation_id"))
            .order_by()
        )
    places = Place.objects.in_bulk(
        {r[f] for r in [*rows, *units] for f in fields if r.get(f)} | {a.place_id for a in officers}
    )
    province = next((a.place for a in officers if a.place.parent_id is None), None)

    def row(found: dict[str, Any], unit: Organisation | None = None) -> Assessment:
        commune = places[found["commune_id"]] if "commune_id" in found else province
        village = places.get(found.get("village_key") or 0)
        return Assessment(
            title=found["title"],
            year=found["year"],
            state=found["state"],
            subject_kind=TITLES[found["title"]].subject,
            commune=commune,
            village=village,
            organisation=unit,
            household_id=0,  # nobody's: the subject acting for itself is not asked here
        )

    groups = [Group(row(r), r["n"]) for r in rows]
    groups += [
        Group(row(u, Organisation(pk=u["unit"], level=u["organisation__level"])), u["n"])
        for u in units
    ]
    return groups


def _waiting_states() -> list[str]:
    return [wait.state for wait in WAITS]


def _province_work() -> Q:
    """The (state, title) pairs where the province's admin can have work of its own
    (`_province_only`), asked once per title and unit level: its rollup rows are then those of a title or two, not of every file of the province."""
    condition = Q(pk__in=[])
    for wait in WAITS:
        for title, spec in TITLES.items():
            levels = [""]
            if spec.subject == SubjectKind.ORGANISATION:
                levels = list(OrganisationLevel.values)
            if any(_province_only(wait, title, level) for level in levels):
                condition |= Q(state=wait.state, title=title)
    return condition


def _sampled_groups(user: Any, scope: Scope) -> list[Group]:
    """Open files counted by groups of real rows that the permission gives the same answer
    for (place, organisation, clan, the citizen's workplace; returned files also per
    household and citizen, for the subject acting for itself), the permission asked on
    one real row of each: a manager's or a viewer's files, and an officer's own files
    outside their places (`_officer_groups` counts those inside)."""
    keys = [
        "state",
        "title",
        "year",
        "commune_id",
        "village_id",
        "organisation_id",
        "clan_id",
        "citizen__workplace_id",
    ]
    visible = Assessment.objects.visible_to(user)
    if _fast(scope):
        if getattr(user, "citizen_record", None) is None:
            return []  # an officer sees nothing outside their places
        visible = visible.exclude(_own_places(scope, "commune", "village"))
    groups = list(
        visible.filter(state__in=[State.SUBMITTED, State.VERIFIED, State.PROPOSED])
        .values(*keys)
        .annotate(n=Count("id"), sample=Min("id"))
        .order_by()
    ) + list(
        visible.filter(state=State.RETURNED)
        .values(*keys, "household_id", "citizen_id")
        .annotate(n=Count("id"), sample=Min("id"))
        .order_by()
    )
    samples = Assessment.objects.select_related(
        "commune", "village", "organisation", "citizen"
    ).in_bulk([g["sample"] for g in groups])
    return [Group(samples[g["sample"]], g["n"]) for g in groups]


# --- deadlines ----------------------------------------------------------------------------


def _days_left(days: int) -> str:
    return "hôm nay là hạn cuối" if days == 0 else f"còn {days} ngày"


def _calendar_url(user: Any, cycle_pk: int) -> str:
    """The commune year's calendar page, if its own gate lets the user in."""
    try:
        can.get_cycle_year_or_404(user, cycle_pk)
    except Http404:
        return ""
    return reverse("assessments:calendar", args=[cycle_pk])


def _calendars(scope: Scope) -> Any:
    """Open calendars of the communes the user works in (the province: all of them)."""
    calendars = TitleCalendar.objects.filter(closed_at__isnull=True, cycle__closed_at__isnull=True)
    communes = scope.path_filter(OFFICER_ROLES, "cycle__commune__path")
    # Organisation and clan managers: their commune's calendar of their own titles.
    managed = Q(pk__in=[])
    for a in scope.assignments:
        if a.role == Role.ORG_MANAGER:
            managed |= Q(cycle__commune=a.place, title__in=[Title.DVHT, Title.CDHT])
        elif a.role == Role.CLAN_MANAGER:
            managed |= Q(cycle__commune=a.place, title=Title.DHHT)
    village_parent = [
        a.place.parent_id for a in scope.assignments if a.role == Role.VILLAGE_OFFICER
    ]
    condition = managed | Q(cycle__commune_id__in=village_parent)
    if communes is not None:
        condition |= communes
    return calendars.filter(condition).select_related("cycle__commune")


def deadline_item(user: Any, scope: Scope, today: dt.date) -> Item:
    """Each closing date of the next 14 days: one line per (step, title, date), with the
    communes it closes in (one commune: a link to its calendar)."""
    until = today + dt.timedelta(days=DEADLINE_DAYS)
    date_filter = Q()
    for name in DATES:
        date_filter |= Q(**{f"{name}__gte": today, f"{name}__lte": until})
    lines: dict[tuple[dt.date, str, tuple[str, str]], list[TitleCalendar]] = defaultdict(list)
    for calendar in _calendars(scope).filter(date_filter):
        for name in DATES:
            when = getattr(calendar, name)
            if today <= when <= until:
                lines[(when, name, calendar.key)].append(calendar)
    links = []
    for (when, name, key), found in sorted(lines.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        text = f"{DATE_LABELS[name]} — {label(key)}: {when:%d/%m/%Y}"
        if len(found) == 1:
            commune = found[0].cycle.commune
            url = _calendar_url(user, found[0].cycle_id)
            note = f"{_days_left((when - today).days)} · {commune.name}"
        else:
            url = reverse("assessments:years") if scope.is_province else ""
            note = f"{_days_left((when - today).days)} · {len(found)} xã, phường"
        links.append(Link(text, url, None, note))
    return Item(
        "han",
        f"Hạn trong {DEADLINE_DAYS} ngày tới",
        len(links),
        links,
        "Theo lịch bình xét của từng xã, phường (trang Lịch bình xét).",
        empty=f"Không có hạn nào trong {DEADLINE_DAYS} ngày tới",
    )


# --- statistical reports ------------------------------------------------------------------


def report_item(user: Any, scope: Scope, today: dt.date) -> Item | None:
    """A commune's reports to send (last year's and this year's, still being typed or
    returned; last year's not yet started); the province admin's reports to approve."""
    if scope.is_province_admin:
        waiting = (
            StatReport.objects.filter(status=ReportStatus.SUBMITTED)
            .values("year")
            .annotate(n=Count("id"))
            .order_by("-year")
        )
        links = [
            Link(
                f"Báo cáo năm {row['year']}",
                f"{reverse('stats:reports')}?nam={row['year']}&trang_thai={ReportStatus.SUBMITTED}",
                row["n"],
            )
            for row in waiting
        ]
        return Item(
            "bao-cao",
            "Báo cáo thống kê chờ duyệt",
            sum(link.count or 0 for link in links),
            links,
            "Xã, phường đã gửi; chờ tỉnh duyệt hoặc trả lại.",
        )
    communes = [a.place for a in scope.assignments if a.role == Role.COMMUNE_OFFICER]
    if not communes:
        return None
    # Proposal: a data year's report is made in that year and the next one's first months,
    # so last year's and this year's are the ones still to send.
    years = [today.year - 1, today.year]
    found = {
        (r.commune_id, r.year): r
        for r in StatReport.objects.filter(commune__in=communes, year__in=years)
    }
    links = []
    for commune in communes:
        for year in years:
            report = found.get((commune.pk, year))
            if report is None and year == today.year - 1:
                status = "chưa lập"
            elif report is not None and report.status in (
                ReportStatus.DRAFT,
                ReportStatus.RETURNED,
            ):
                status = report.get_status_display().lower()
            else:
                continue
            links.append(
                Link(
                    f"Báo cáo năm {year} — {commune.name}",
                    reverse("stats:report", args=[commune.pk, year]),
                    None,
                    status,
                )
            )
    return Item(
        "bao-cao",
        "Báo cáo thống kê cần gửi",
        len(links),
        links,
        "Báo cáo năm của xã, phường gửi tỉnh duyệt.",
    )


# --- citizens' requests, imports, certificates ----------------------------------------------

REVIEWERS = {Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER, Role.VILLAGE_OFFICER}


def request_item(user: Any, scope: Scope) -> Item | None:
    """Pending account and change requests in the user's villages (the portal's review page
    lets in the same roles and lists the same villages)."""
    if not scope.roles & REVIEWERS:
        return None
    villages = Place.objects.visible_to(user).current().villages()
    changes = ChangeRequest.objects.filter(
        status=RequestStatus.PENDING, citizen__village__in=villages
    ).count()
    accounts = AccountRequest.objects.filter(
        status=RequestStatus.PENDING, village__in=villages
    ).count()
    url = reverse("portal:review")
    links = []
    if changes:
        links.append(Link("Đề nghị sửa thông tin cá nhân", url, changes))
    if accounts:
        links.append(Link("Yêu cầu mở tài khoản", url, accounts))
    return Item(
        "yeu-cau",
        "Yêu cầu của công dân chờ xác nhận",
        changes + accounts,
        links,
        "Công dân gửi qua trang cá nhân; cán bộ thôn, xã xác nhận.",
    )


def import_item(user: Any, today: dt.date) -> Item | None:
    """This user's imports of the last 30 days that failed or were refused, unless a later
    import of the same register into the same commune went through."""
    communes = editable_communes(user)
    if not communes:
        return None
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    jobs = list(
        ImportJob.objects.filter(
            created_by=user,
            commune__in=communes,
            created_at__gte=since,
            status__in=[ImportStatus.INVALID, ImportStatus.FAILED],
        ).select_related("commune")
    )
    done = {
        (row["kind"], row["commune_id"]): row["last"]
        for row in ImportJob.objects.filter(
            commune__in=communes, status=ImportStatus.DONE, created_at__gte=since
        )
        .values("kind", "commune_id")
        .annotate(last=Max("created_at"))
        .order_by()
    }
    pending = [
        job
        for job in jobs
        if not (
            (job.kind, job.commune_id) in done and done[(job.kind, job.commune_id)] > job.created_at
        )
    ]
    links = [
        Link(
            f"{job.filename} — {job.commune.name}",
            reverse("registry:import_job", args=[job.pk]),
            None,
            f"{job.get_status_display().lower()}, {timezone.localtime(job.created_at):%d/%m/%Y}",
        )
        for job in pending
    ]
    return Item(
        "nhap-loi",
        "Lần nhập Excel bị lỗi",
        len(links),
        links,
        "Tệp bạn đã tải lên trong 30 ngày qua mà chưa nhập được; mở để xem lỗi từng dòng.",
    )


def certificate_item(user: Any, scope: Scope, today: dt.date) -> Item:
    """Certificates ready: batches this user asked for that are done (30 days), and for an
    organisation or clan manager the certificates of their own recognised titles (this year
    and last)."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    links = []
    batches = CertificateBatch.objects.filter(
        requested_by=user, status=BatchStatus.DONE, created_at__gte=since
    ).select_related("decision__authority_place", "village")
    for batch in batches:
        if may_get_batch(user, batch):
            where = f" — {batch.village.name}" if batch.village else ""
            links.append(
                Link(
                    f"Quyết định {batch.decision.number}{where}",
                    reverse("recognition:batch", args=[batch.pk]),
                    batch.count,
                )
            )
    if scope.organisation_ids or scope.clan_ids:
        own = Q(assessment__organisation_id__in=scope.organisation_ids) | Q(
            assessment__clan_id__in=scope.clan_ids
        )
        certificates = (
            Certificate.objects.filter(own)
            .filter(
                assessment__state=State.RECOGNISED,
                assessment__year__gte=today.year - 1,
                assessment__in=Assessment.objects.visible_to(user),
            )
            .select_related("assessment")
            .order_by("-assessment__year", "assessment__subject_name")
        )
        for certificate in certificates:
            a = certificate.assessment
            links.append(
                Link(
                    f"{a.get_title_display()} {a.year} — {a.subject_name}",
                    reverse("recognition:certificate_file", args=[a.pk]),
                )
            )
    return Item(
        "giay",
        "Giấy công nhận đã sẵn sàng",
        len(links),
        links,
        "Tệp PDF để in; mỗi giấy có mã kiểm tra.",
        empty="Chưa có giấy công nhận mới",
    )


# --- the whole home ---------------------------------------------------------------------


@dataclass
class Home:
    items: list[Item]
    own_records: list[Link]
    is_leader: bool

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items if item.key not in ("han", "giay"))


def own_records(scope: Scope) -> list[Link]:
    """The one record an organisation or clan manager acts for: their page, first."""
    links = [
        Link(f"Đơn vị: {org.name}", reverse("registry:organisation_detail", args=[org.pk]))
        for org in Organisation.objects.filter(pk__in=scope.organisation_ids).order_by("name")
    ]
    links += [
        Link(f"Dòng họ: {clan}", reverse("registry:clan_detail", args=[clan.pk]))
        for clan in Clan.objects.filter(pk__in=scope.clan_ids).order_by("name")
    ]
    return links


def home_for(user: Any, today: dt.date | None = None) -> Home:
    today = today or timezone.localdate()
    scope = scope_of(user)
    items = assessment_items(user, scope)
    if scope.is_province_admin:
        # The province never corrects a returned file itself (the commune does).
        items = [item for item in items if item.key != "tra-lai"]
    if not scope.roles & OFFICER_ROLES:
        # A manager's own files: returned ones to correct, submitted ones their step.
        items = [item for item in items if item.key in ("tra-lai", "xac-nhan")]
    if scope.roles == {Role.PROVINCE_VIEWER}:
        items = []  # the viewer reads; no step waits on them
    extra = [
        report_item(user, scope, today),
        request_item(user, scope),
        import_item(user, today),
    ]
    items += [item for item in extra if item is not None]
    items.insert(0, deadline_item(user, scope, today))
    items.append(certificate_item(user, scope, today))
    return Home(items, own_records(scope), scope.is_province)
