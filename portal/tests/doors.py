from core.tests.doorlib import EVERYONE, Door

CITIZEN = frozenset({"dan"})
VILLAGE_REVIEWERS = frozenset({"alice", "cuong", "van"})

DOORS = [
    Door("portal:home", allow=EVERYONE),
    Door("portal:claim", allow=EVERYONE, public=True),
    # Every token gets the code form, whether or not a code was sent (the same answer
    # whatever exists); only the right code opens anything.
    Door(
        "portal:claim_code",
        allow=EVERYONE,
        public=True,
        kwargs=lambda s: {"token": "ma-khong-ton-tai"},
        outside=EVERYONE,
    ),
    Door("portal:register", allow=EVERYONE, public=True),
    Door("portal:start", allow=CITIZEN),
    Door(
        "portal:step",
        allow=CITIZEN,
        kwargs=lambda s: {"pk": s.assessment.pk, "step": 1},
        outside=frozenset(),
    ),
    Door(
        "portal:submit",
        allow=CITIZEN,
        kwargs=lambda s: {"pk": s.assessment.pk},
        outside=frozenset(),
    ),
    Door("portal:household", allow=CITIZEN),
    Door("portal:details", allow=CITIZEN),
    Door(
        "portal:withdraw_change",
        allow=CITIZEN,
        kwargs=lambda s: {"pk": s.change_request.pk},
        outside=frozenset(),
    ),
    Door("portal:my_data", allow=CITIZEN),
    Door("portal:my_data_file", allow=CITIZEN, kwargs=lambda s: {"kind": "json"}, outside=CITIZEN),
    Door("portal:review", allow=VILLAGE_REVIEWERS | {"binh"}),
    Door(
        "portal:review_account",
        allow=VILLAGE_REVIEWERS,
        kwargs=lambda s: {"pk": s.account_request.pk},
    ),
    Door(
        "portal:review_change",
        allow=VILLAGE_REVIEWERS,
        kwargs=lambda s: {"pk": s.change_request.pk},
    ),
    Door(
        "portal:password_reset",
        allow=VILLAGE_REVIEWERS,
        kwargs=lambda s: {"citizen_pk": s.citizen.pk},
    ),
]
