"""API operations (operationId from /api/v1/openapi.json); a token acts as its user.

Lists answer every token holder (an empty page outside one's scope); objects
outside the scope answer 404; writes by someone who may only read answer 403.
"""

from core.tests.doorlib import EVERYONE, ApiDoor, Door

REGISTRY_READERS = frozenset({"alice", "vera", "cuong", "van", "hoa"})
EDITORS = frozenset({"alice", "cuong", "van"})
COMMUNE_EDITORS = frozenset({"alice", "cuong"})
ASSESSMENT_READERS = frozenset({"alice", "vera", "cuong", "van", "dan"})  # dan: his household


def ident(field, attr):
    return lambda s: {field: getattr(s, attr).pk}


def new_citizen(s):
    return {
        "full_name": "Ngô Văn Mới",
        "gender": "male",
        "birth": "1990",
        "village_id": s.village.pk,
    }


DOORS: list[Door] = [
    Door("api:openapi-json", allow=EVERYONE, public=True),
    # django-ninja names the bare prefix; it serves nothing (404 for everyone).
    Door("api:api-root", allow=frozenset(), anonymous="denied"),
    ApiDoor("api:api_urls_me", allow=EVERYONE),
    ApiDoor("api:api_registry_list_citizens", allow=EVERYONE),
    ApiDoor("api:api_registry_create_citizen", allow=EDITORS, method="post", body=new_citizen),
    ApiDoor(
        "api:api_registry_get_citizen",
        allow=REGISTRY_READERS,
        kwargs=ident("citizen_id", "citizen"),
    ),
    ApiDoor(
        "api:api_registry_update_citizen",
        allow=EDITORS,
        kwargs=ident("citizen_id", "citizen"),
        method="patch",
        body=lambda s: {"phone": "0900000001"},
    ),
    ApiDoor("api:api_registry_list_households", allow=EVERYONE),
    ApiDoor(
        "api:api_registry_create_household",
        allow=EDITORS,
        method="post",
        body=lambda s: {"code": "MOI-01", "village_id": s.village.pk},
    ),
    ApiDoor(
        "api:api_registry_get_household",
        allow=REGISTRY_READERS,
        kwargs=ident("household_id", "household"),
    ),
    ApiDoor(
        "api:api_registry_update_household",
        allow=EDITORS,
        kwargs=ident("household_id", "household"),
        method="patch",
        body=lambda s: {"address": "Số 1"},
    ),
    ApiDoor("api:api_registry_list_clans", allow=EVERYONE),
    ApiDoor(
        "api:api_registry_create_clan",
        allow=COMMUNE_EDITORS,
        method="post",
        body=lambda s: {"name": "Phạm", "home_village_id": s.village.pk},
    ),
    ApiDoor("api:api_registry_get_clan", allow=REGISTRY_READERS, kwargs=ident("clan_id", "clan")),
    ApiDoor(
        "api:api_registry_update_clan",
        allow=COMMUNE_EDITORS | {"hoa"},
        kwargs=ident("clan_id", "clan"),
        method="patch",
        body=lambda s: {"branch_name": "Chi 9"},
    ),
    ApiDoor("api:api_registry_list_organisations", allow=EVERYONE),
    ApiDoor(
        "api:api_registry_create_organisation",
        allow=COMMUNE_EDITORS,
        method="post",
        body=lambda s: {"name": "Trường Mới", "kind": "school", "commune_id": s.commune.pk},
    ),
    ApiDoor(
        "api:api_registry_get_organisation",
        allow=frozenset({"alice", "vera", "cuong", "olga"}),
        kwargs=ident("organisation_id", "organisation"),
    ),
    ApiDoor(
        "api:api_registry_update_organisation",
        allow=COMMUNE_EDITORS | {"olga"},
        kwargs=ident("organisation_id", "organisation"),
        method="patch",
        body=lambda s: {"declared_staff": 31},
    ),
    ApiDoor("api:api_assessments_list_assessments", allow=EVERYONE),
    ApiDoor(
        "api:api_assessments_get_assessment",
        allow=ASSESSMENT_READERS,
        kwargs=ident("assessment_id", "assessment"),
    ),
    ApiDoor(
        "api:api_assessments_save_answers",
        allow=EDITORS | {"dan"},
        kwargs=ident("assessment_id", "assessment"),
        method="post",
        body=lambda s: {"answers": {}},
    ),
    ApiDoor(
        "api:api_assessments_return_assessment",
        allow=EDITORS,
        kwargs=ident("assessment_id", "assessment"),
        method="post",
        body=lambda s: {"reasons": {"": "Thiếu minh chứng"}},
    ),
    ApiDoor(
        "api:api_assessments_take_step",
        allow=EDITORS | {"dan"},
        kwargs=lambda s: {"assessment_id": s.assessment.pk, "step": "submit"},
        method="post",
    ),
    ApiDoor(
        "api:api_assessments_create_decision",
        # Who may decide the record (A's inside, B's outside): its commune's officer and the
        # province admin; the province viewer sees it and is refused (403). No path
        # parameters: the record of each side is in the body.
        allow=COMMUNE_EDITORS,
        kwargs=lambda s: {},
        method="post",
        body=lambda s: {
            "assessment_ids": [s.assessment.pk],
            "number": "99/QĐ-UBND",
            "signed_on": "2026-11-20",
            "signer_name": "Nguyễn Văn Ký",
            "signer_title": "Chủ tịch",
            "authority_place_id": s.commune.pk,
        },
    ),
    ApiDoor(
        "api:api_assessments_get_decision",
        allow=frozenset({"alice", "vera", "cuong"}),  # who sees the whole decision
        kwargs=lambda s: {"decision_id": s.recognised.decision_id},
    ),
    ApiDoor(
        "api:api_assessments_create_revocation",
        # Who may decide the title may revoke it; the viewer is refused (403). The side's
        # recognised record: the access check answers before the rules.
        allow=COMMUNE_EDITORS,
        kwargs=lambda s: {},
        method="post",
        body=lambda s: {
            "assessment_ids": [s.recognised.pk],
            "number": "98/QĐ-UBND",
            "signed_on": "2026-11-26",
            "signer_name": "Nguyễn Văn Ký",
            "signer_title": "Chủ tịch",
            "reason": "Kê khai không trung thực",
        },
    ),
    ApiDoor(
        "api:api_assessments_get_revocation",
        allow=frozenset({"alice", "vera", "cuong"}),
        kwargs=lambda s: {"revocation_id": s.revocation.pk},
    ),
    ApiDoor("api:api_stats_get_indicators", allow=EVERYONE),
    ApiDoor("api:api_stats_list_targets", allow=EVERYONE),
    # Indicator definitions: the dashboards' readers (issue 18).
    ApiDoor(
        "api:api_stats_list_indicator_definitions",
        allow=frozenset({"alice", "vera", "cuong", "binh"}),
    ),
    ApiDoor(
        "api:api_stats_get_report",
        allow=frozenset({"alice", "vera", "cuong"}),
        kwargs=lambda s: {"commune_id": s.commune.pk, "year": s.year},
    ),
    ApiDoor(
        "api:api_stats_put_report",
        allow=COMMUNE_EDITORS,
        kwargs=lambda s: {"commune_id": s.commune.pk, "year": s.year},
        method="put",
        body=lambda s: {"figures": {}},
    ),
]
