"""Deterministic generation of realistic Vietnamese people, households and places.

Pure Python, no database: the same seed gives the same rows. `seed_demo`
writes a few communes through the ORM; the province-scale seeder streams the
same rows into PostgreSQL COPY.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from demo import names

T = TypeVar("T")


def weighted(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items], k=1)[0]


@dataclass
class Person:
    full_name: str
    gender: str  # "male" / "female"
    birth_year: int
    birth_month: int
    birth_day: int
    relation: str
    surname: str


@dataclass
class Household:
    number: int
    members: list[Person] = field(default_factory=list)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def village_names(self, count: int) -> list[tuple[str, str]]:
        """(unit type, name) pairs, unique within the commune."""
        pool = list(names.VILLAGE_PAIRS)
        self.rng.shuffle(pool)
        chosen: list[tuple[str, str]] = []
        for index in range(count):
            base = pool[index % len(pool)]
            name = base if index < len(pool) else f"{base} {index // len(pool) + 1}"
            unit = "Tổ dân phố" if self.rng.random() < 0.15 else "Thôn"
            chosen.append((unit, name))
        return chosen

    def given_name(self, gender: str) -> str:
        middle = self.rng.choice(names.MIDDLE_MALE if gender == "male" else names.MIDDLE_FEMALE)
        given = self.rng.choice(names.GIVEN_MALE if gender == "male" else names.GIVEN_FEMALE)
        return f"{middle} {given}"

    def person(self, *, surname: str, gender: str, birth_year: int, relation: str) -> Person:
        return Person(
            full_name=f"{surname} {self.given_name(gender)}",
            gender=gender,
            birth_year=birth_year,
            birth_month=self.rng.randint(1, 12),
            birth_day=self.rng.randint(1, 28),
            relation=relation,
            surname=surname,
        )

    def household(self, number: int, this_year: int) -> Household:
        """A household of 1-7: a head, often a spouse, children, sometimes a grandparent."""
        rng = self.rng
        surname = weighted(rng, names.SURNAMES)
        head_gender = "male" if rng.random() < 0.78 else "female"
        head_age = rng.randint(24, 78)
        household = Household(number)
        household.members.append(
            self.person(
                surname=surname,
                gender=head_gender,
                birth_year=this_year - head_age,
                relation="head",
            )
        )
        if head_age < 75 and rng.random() < 0.85:
            spouse_gender = "female" if head_gender == "male" else "male"
            spouse_surname = weighted(rng, names.SURNAMES)
            spouse_age = max(20, head_age + rng.randint(-6, 3))
            household.members.append(
                self.person(
                    surname=spouse_surname,
                    gender=spouse_gender,
                    birth_year=this_year - spouse_age,
                    relation="spouse",
                )
            )
        if head_age < 60:
            children = rng.choices([0, 1, 2, 3, 4], weights=[10, 25, 40, 18, 7])[0]
            for _ in range(children):
                age = rng.randint(1, max(1, min(head_age - 20, 30)))
                gender = "male" if rng.random() < 0.52 else "female"
                household.members.append(
                    self.person(
                        surname=surname, gender=gender, birth_year=this_year - age, relation="child"
                    )
                )
        if 28 <= head_age <= 55 and rng.random() < 0.2:
            age = rng.randint(max(head_age + 18, 60), 92)
            gender = "female" if rng.random() < 0.6 else "male"
            household.members.append(
                self.person(
                    surname=surname if gender == "male" else weighted(rng, names.SURNAMES),
                    gender=gender,
                    birth_year=this_year - age,
                    relation="parent",
                )
            )
        return household
