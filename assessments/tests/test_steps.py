"""One step table (`services.STEPS`) and one transition (`services._take`): a record
verified on its own page and records verified from the list's bulk page are refused in
the same cases, with the same words, and leave the same trace."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import permissions as can
from assessments import services
from assessments.models import Assessment, Rollup, State
from assessments.stats import differences
from assessments.tests.helpers import YEAR, good_answers, open_years, set_dates
from audit.models import AuditEvent
from core.forms import error_text


def submitted(world, *keys: str) -> list[Assessment]:
    open_years(world)
    alice = world.users["alice"]
    items = []
    for key in keys:
        a = services.register(actor=alice, title="GDHT", year=YEAR, subject=world.households[key])
        a = services.save_answers(actor=alice, assessment=a, answers=good_answers(a))
        items.append(services.submit(actor=alice, assessment=a))
    return items


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def refusal(call) -> tuple[type, str]:
    with pytest.raises((ValidationError, PermissionDenied)) as caught:
        call()
    exc = caught.value
    assert isinstance(exc, ValidationError | PermissionDenied)
    return type(exc), error_text(exc)


def snapshot() -> tuple[list, list, int]:
    rows = list(Assessment.objects.order_by("pk").values_list("pk", "state", "version"))
    counts = list(Rollup.objects.order_by("pk").values_list("pk", "state", "count"))
    return rows, counts, AuditEvent.objects.count()


def registered_only(world, assessment):
    """Another record, registered and not yet submitted."""
    return services.register(
        actor=world.users["alice"], title="GDHT", year=YEAR, subject=world.households["a1"]
    )


def past_deadline(world, assessment):
    set_dates(world.commune_a, review_until=dt.date(YEAR, 1, 1))
    return assessment


def closed_year(world, assessment):
    services.close_year(actor=world.users["alice"], commune=world.commune_a, year=YEAR)
    return assessment


def returned_meanwhile(world, assessment):
    """Listed (or its page loaded) at this version, then returned by someone else."""
    services.return_for_correction(
        actor=world.users["cuong"], assessment=fresh(assessment), reasons={"": "Thiếu ảnh"}
    )
    return assessment  # the stale copy, as the page and the list hold it


# case, who, what happens to the record before the step, the refusal's type and words
REFUSALS = [
    ("wrong state", "cuong", registered_only, ValidationError, "Chỉ xác nhận được hồ sơ"),
    ("another commune", "binh", None, PermissionDenied, "Bạn không có quyền"),
    ("another village", "van", None, PermissionDenied, "Bạn không có quyền"),
    ("after the deadline", "cuong", past_deadline, ValidationError, "Đã quá hạn bình xét"),
    ("closed year", "cuong", closed_year, ValidationError, "đã khóa sổ"),
    ("changed since listed", "cuong", returned_meanwhile, ValidationError, "vừa được người khác"),
]


@pytest.mark.parametrize(
    ("who", "before", "kind", "words"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_bulk_and_single_verify_refuse_the_same_cases(world, who, before, kind, words):
    # a2 lies in village An Lạc: outside the village officer van's village
    (target,) = submitted(world, "a2")
    if before is not None:
        target = before(world, target)
    actor = world.users[who]
    unchanged = snapshot()
    single = refusal(
        lambda: services.verify(actor=actor, assessment=target, version=target.version)
    )
    assert snapshot() == unchanged
    many = refusal(lambda: services.bulk(actor=actor, step="verify", assessments=[target]))
    assert snapshot() == unchanged
    assert single == many
    assert single[0] is kind or issubclass(single[0], kind)
    assert words in single[1]
    assert not AuditEvent.objects.filter(action="assessment.verify").exists()


def test_one_refused_record_refuses_the_whole_bulk(world):
    a1, a2 = submitted(world, "a1", "a2")
    # a1 (village Đông Tảo) is van's; a2 (An Lạc) is not
    unchanged = snapshot()
    kind, words = refusal(
        lambda: services.bulk(actor=world.users["van"], step="verify", assessments=[a1, a2])
    )
    assert kind is PermissionDenied and "Bạn không có quyền" in words
    assert snapshot() == unchanged


def test_the_province_admin_passes_the_deadline_on_both_paths(world):
    a1, a2 = submitted(world, "a1", "a2")
    past_deadline(world, a1)
    alice = world.users["alice"]
    services.verify(actor=alice, assessment=a1, version=a1.version)
    assert services.bulk(actor=alice, step="verify", assessments=[a2]) == 1
    assert set(Assessment.objects.values_list("state", flat=True)) == {State.VERIFIED}


def test_bulk_and_single_verify_write_the_same_record_and_audit_entry(world):
    one, other = submitted(world, "a1", "a2")
    cuong = world.users["cuong"]
    services.verify(actor=cuong, assessment=one, version=one.version)
    assert services.bulk(actor=cuong, step="verify", assessments=[fresh(other)]) == 1
    rows = {a.pk: a for a in Assessment.objects.filter(pk__in=[one.pk, other.pk])}
    for before in (one, other):
        after = rows[before.pk]
        assert after.state == State.VERIFIED
        assert after.version == before.version + 1
        assert after.verified_at is not None and after.updated_at >= after.verified_at
    fields = ("action", "actor_id", "content_type_id", "changes", "note", "ip")
    single = AuditEvent.objects.get(action="assessment.verify", object_id=str(one.pk))
    bulk = AuditEvent.objects.get(action="assessment.verify", object_id=str(other.pk))
    assert [getattr(single, f) for f in fields] == [getattr(bulk, f) for f in fields]
    assert single.changes == {"state": [State.SUBMITTED, State.VERIFIED]}
    assert single.actor_id == cuong.pk
    assert single.object_repr == str(rows[one.pk])
    assert bulk.object_repr == str(rows[other.pk])
    assert differences() == []


def test_bulk_leaves_out_a_record_verified_meanwhile(world):
    a1, a2 = submitted(world, "a1", "a2")
    cuong = world.users["cuong"]
    services.verify(actor=world.users["van"], assessment=fresh(a1))  # a second tab
    assert services.bulk(actor=cuong, step="verify", assessments=[a1, a2]) == 1
    events = AuditEvent.objects.filter(action="assessment.verify")
    assert sorted(events.values_list("object_id", "actor_id")) == sorted(
        [(str(a1.pk), world.users["van"].pk), (str(a2.pk), cuong.pk)]
    )
    assert differences() == []


def test_bulk_propose_and_submit_take_the_same_steps(world):
    a1, a2 = submitted(world, "a1", "a2")
    cuong = world.users["cuong"]
    assert services.bulk(actor=cuong, step="verify", assessments=[a1, a2]) == 2
    listed = [fresh(a1), fresh(a2)]
    assert services.bulk(actor=cuong, step="propose", assessments=listed) == 2
    assert set(Assessment.objects.values_list("state", flat=True)) == {State.PROPOSED}
    assert all(a.proposed_at for a in Assessment.objects.all())
    # proposing again: the records are no longer verified, refused on both paths alike
    again = fresh(a1)
    single = refusal(lambda: services.propose(actor=cuong, assessment=again))
    many = refusal(lambda: services.bulk(actor=cuong, step="propose", assessments=[again]))
    assert single == many
    assert "Chỉ đề nghị được hồ sơ đã xác nhận" in single[1]
    assert differences() == []


def test_the_step_table_is_the_one_the_gates_use(world, as_user):
    """The table's "who may" is the gate's (`get_assessment_or_404(write=step)`), and the
    list page offers the table's steps with the table's words."""
    for name, step in services.STEPS.items():
        assert step.name == name
        assert can.WRITES[name][0] is step.may
        assert step.target not in step.sources
        assert step.bulk_source in step.sources
        assert step.function.__name__ == name
    open_years(world)
    page = as_user("cuong").get(f"/binh-xet/?nam={YEAR}&danh_hieu=GDHT")
    assert page.context["bulk_steps"] == {n: s.label for n, s in services.STEPS.items()}
    html = page.content.decode()
    for step in services.STEPS.values():
        assert f'<option value="{step.name}">{step.label}</option>' in html


def test_the_deadline_refusal_reads_the_same_on_the_page_and_the_bulk_page(world, as_user):
    (target,) = submitted(world, "a1")
    past_deadline(world, target)
    cuong = as_user("cuong")
    expected = f"Đã quá hạn bình xét (01/01/{YEAR}) của năm {YEAR}."
    single = cuong.post(
        f"/binh-xet/{target.pk}/buoc/verify/", {"version": target.version}, follow=True
    )
    assert expected in single.content.decode()
    bulk = cuong.post(
        "/binh-xet/hang-loat/",
        {"nam": YEAR, "danh_hieu": "GDHT", "step": "verify", "confirm": "1"},
        follow=True,
    )
    assert f"Không thực hiện được, chưa thay đổi hồ sơ nào: {expected}" in bulk.content.decode()
    assert fresh(target).state == State.SUBMITTED
    assert not AuditEvent.objects.filter(action="assessment.verify").exists()
