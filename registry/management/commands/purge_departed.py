"""Purge the personal data of people who died or moved away long ago (retention rule).

    python manage.py purge_departed             # dry run: how many, nothing changed
    python manage.py purge_departed --commit    # purge, in one transaction
    python manage.py purge_departed --years 10  # another period than RETENTION_YEARS

Why: personal data may be kept only as long as its purpose needs (Nghị định
13/2023/NĐ-CP). A record whose status is "moved away" or "died" since more than
RETENTION_YEARS years keeps what the statistics and past titles need (the record's
id, commune, village, birth year, gender, its assessments) and loses the name,
identity number, phone, exact birth date, ethnicity, workplace, household link and
portal account; that person's pending and past change requests are deleted (by the
portal, on registry.signals.personal_data_purged). One audit event per purged record
says who ran it and when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from audit.services import record_many
from registry.models import Citizen, ResidenceStatus
from registry.retention import PURGED_NAME, due_for_purge
from registry.signals import personal_data_purged


class Command(BaseCommand):
    help = "Xoá dữ liệu cá nhân của người đã mất hoặc đã chuyển đi quá thời hạn lưu trữ."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--years", type=int, default=None)
        parser.add_argument("--commit", action="store_true", help="thực hiện (mặc định: chạy thử)")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] if options["years"] is not None else settings.RETENTION_YEARS
        today = timezone.localdate()
        cutoff = today.replace(year=today.year - years) if years else today
        due = due_for_purge(cutoff)
        counts = {
            str(ResidenceStatus(status).label): due.filter(status=status).count()
            for status in (ResidenceStatus.DECEASED, ResidenceStatus.MOVED)
        }
        total = sum(counts.values())
        summary = ", ".join(f"{label}: {n}" for label, n in counts.items())
        self.stdout.write(
            f"Hồ sơ đến hạn xoá dữ liệu cá nhân (thay đổi tình trạng trước {cutoff:%d/%m/%Y}, "
            f"thời hạn {years} năm): {total} ({summary})."
        )
        if not options["commit"]:
            self.stdout.write("Chạy thử: chưa thay đổi gì. Thêm --commit để xoá.")
            return
        purged = purge(due, cutoff)
        self.stdout.write(self.style.SUCCESS(f"Đã xoá dữ liệu cá nhân của {purged} hồ sơ."))


@transaction.atomic
def purge(due: Any, cutoff: dt.date) -> int:
    citizens = list(due.select_for_update(of=("self",)))
    personal_data_purged.send(sender=Citizen, citizens=citizens)
    for citizen in citizens:
        citizen.full_name = PURGED_NAME
        citizen.identity_number = None
        citizen.phone = ""
        citizen.birth_date = None
        citizen.ethnicity = ""
        citizen.workplace = None
        citizen.household = None
        citizen.relation = ""
        citizen.user = None
        citizen.save()  # recomputes the search key from the purged fields
    record_many(
        actor=None,
        action="retention.purge",
        objects=citizens,
        note=f"thay đổi tình trạng trước {cutoff:%d/%m/%Y}",
    )
    return len(citizens)
