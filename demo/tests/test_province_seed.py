"""The province-wide part of the demo (`demo.province`), alone: a few communes, quickly."""

import pytest

from accounts.models import Role, User
from demo.seed import DEMO_COMMUNES
from places.models import Place


@pytest.mark.django_db
def test_the_province_part_is_deterministic_by_seed():
    """The bulk communes: the same seed writes the same rows (by natural keys)."""
    import hashlib

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from assessments.models import Assessment
    from conftest import make_user
    from demo.province import seed_province
    from movement.models import Member
    from registry.models import Citizen, Household

    def run(seed: int) -> str:
        with transaction.atomic():
            province = Place.objects.current().filter(kind="province", code="33").first()
            admin = make_user("quantri", Role.PROVINCE_ADMIN, province)
            seed_province(
                seed=seed,
                admin=admin,
                password=make_password("x"),
                skip=set(DEMO_COMMUNES),
                households=6,
                limit=2,
            )
            rows = sorted(
                repr(r)
                for r in [
                    *Citizen.objects.values_list(
                        "full_name", "identity_number", "village__name", "household__code"
                    ),
                    *Household.objects.values_list("code", "address", "clan__name"),
                    *Assessment.objects.values_list("subject_name", "year", "state", "total"),
                    *Member.objects.values_list("full_name", "position", "joined_year"),
                    *User.objects.values_list("username", "full_name"),
                ]
            )
            transaction.set_rollback(True)
        assert rows
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()

    first = run(5)
    assert run(5) == first
    assert run(6) != first
