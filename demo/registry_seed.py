"""Households, people, clans and organisations for a demo commune (ORM bulk writes)."""

from __future__ import annotations

import datetime as dt
import random

from core.text import fold
from demo import names
from demo.generator import Generator, Person
from places.models import Place
from registry.identity import make_identity
from registry.models import Citizen, Clan, Household, Occupation, Organisation

HOUSEHOLDS_PER_VILLAGE = 40
CLANS_PER_COMMUNE = 6


def household_prefix(commune: Place) -> str:
    return "".join(word[0] for word in fold(commune.short_name).split()).upper()


def occupation_for(rng: random.Random, age: int, in_school: bool | None) -> str:
    if in_school:
        return Occupation.STUDENT
    if age >= 60:
        return Occupation.RETIRED if rng.random() < 0.55 else Occupation.FARMER
    if age < 15:
        return Occupation.OTHER
    return rng.choices(
        [Occupation.FARMER, Occupation.WORKER, Occupation.OFFICIAL, Occupation.OTHER],
        weights=[45, 30, 10, 15],
    )[0]


def citizen_from(
    person: Person,
    *,
    rng: random.Random,
    year: int,
    village: Place,
    province_code: str,
    serial: int,
) -> Citizen:
    age = year - person.birth_year
    in_school = (rng.random() < 0.97) if 6 <= age <= 18 else None
    birth_date = dt.date(person.birth_year, person.birth_month, person.birth_day)
    return Citizen(
        full_name=person.full_name,
        gender=person.gender,
        birth_date=birth_date,
        birth_year=person.birth_year,
        identity_number=(
            make_identity(
                province=province_code,
                gender=person.gender,
                birth_year=person.birth_year,
                serial=serial,
            )
            if age >= 14
            else None
        ),
        phone=f"09{rng.randint(10_000_000, 99_999_999)}"
        if age >= 18 and rng.random() < 0.8
        else "",
        occupation=occupation_for(rng, age, in_school),
        in_school=in_school,
        commune=village.parent,
        village=village,
        # The head is the household's (Household.head, below); their own relation blank.
        relation="" if person.relation == "head" else person.relation,
    )


def seed_registry(
    *, commune: Place, villages: list[Place], seed: int, index: int
) -> dict[str, object]:
    """Returns counts and the created organisations/clans; does nothing if the commune has households."""
    if Household.objects.filter(commune=commune).exists():
        return {
            "organisations": list(Organisation.objects.filter(commune=commune).order_by("pk")),
            "clans": list(Clan.objects.filter(commune=commune).order_by("pk")),
        }
    generator = Generator(seed * 7919 + index)
    rng = generator.rng
    year = dt.date.today().year
    province_code = "034" if commune.code and commune.code >= "12400" else "033"
    prefix = household_prefix(commune)

    organisations = []
    for kind, pattern in names.ORG_TEMPLATES:
        name = pattern.format(place=commune.short_name, word=rng.choice(names.BUSINESS_WORDS))
        organisation = Organisation(
            name=name, kind=kind, commune=commune, declared_staff=rng.randint(8, 60)
        )
        organisation.refresh_search_key()
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations)

    clans = []
    for surname, _weight in names.SURNAMES[:CLANS_PER_COMMUNE]:
        clan = Clan(name=surname, commune=commune, home_village=rng.choice(villages))
        clan.refresh_search_key()
        clans.append(clan)
    Clan.objects.bulk_create(clans)
    clan_by_name = {c.name: c for c in clans}

    households: list[Household] = []
    members: list[list[Citizen]] = []
    serial = index * 100_000
    number = 0
    for village in villages:
        for _ in range(HOUSEHOLDS_PER_VILLAGE):
            number += 1
            generated = generator.household(number, year)
            people = []
            for person in generated.members:
                serial += 1
                people.append(
                    citizen_from(
                        person,
                        rng=rng,
                        year=year,
                        village=village,
                        province_code=province_code,
                        serial=serial,
                    )
                )
            surname = generated.members[0].surname
            household = Household(
                commune=commune,
                village=village,
                code=f"{prefix}-{number:04d}",
                address=f"Số {rng.randint(1, 200)}, {village.name}",
                clan=clan_by_name.get(surname) if rng.random() < 0.8 else None,
            )
            households.append(household)
            members.append(people)
    for household in households:
        household.refresh_search_key()
    Household.objects.bulk_create(households, batch_size=1000)
    citizens: list[Citizen] = []
    for household, people in zip(households, members, strict=True):
        for citizen in people:
            citizen.household = household
            citizen.refresh_search_key()
            citizens.append(citizen)
    Citizen.objects.bulk_create(citizens, batch_size=1000)
    for household, people in zip(households, members, strict=True):
        household.head = people[0]
        household.refresh_search_key()
    Household.objects.bulk_update(households, ["head", "search_key"], batch_size=1000)
    workers = [c for c in citizens if c.occupation in (Occupation.OFFICIAL, Occupation.WORKER)]
    for citizen in workers:
        if rng.random() < 0.6:
            citizen.workplace = rng.choice(organisations)
    Citizen.objects.bulk_update(workers, ["workplace"], batch_size=1000)
    heads = [household.head for household in households if household.head is not None]
    for clan in clans:
        head = next(
            (c for c in heads if c.full_name.startswith(clan.name + " ") and c.gender == "male"),
            None,
        )
        clan.head = head
    Clan.objects.bulk_update(clans, ["head"])
    return {
        "households": len(households),
        "citizens": len(citizens),
        "organisations": organisations,
        "clans": clans,
    }
