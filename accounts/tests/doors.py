from core.tests.doorlib import COMMUNE_EDITORS, EVERYONE, Door

DOORS = [
    Door("accounts:user_list", allow=COMMUNE_EDITORS | {"binh"}),
    Door("accounts:user_create", allow=COMMUNE_EDITORS | {"binh"}),
    Door("accounts:user_detail", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.officer.pk}),
    Door(
        "accounts:assignment_end", allow=COMMUNE_EDITORS, kwargs=lambda s: {"pk": s.assignment.pk}
    ),
]

DOORS += [
    Door("api_tokens", allow=EVERYONE),
    # Each user revokes only their own tokens: cuong's in A, binh's in B.
    Door(
        "api_token_revoke",
        allow=frozenset({"cuong"}),
        kwargs=lambda s: {"pk": s.token.pk},
        outside=frozenset({"binh"}),
    ),
]
