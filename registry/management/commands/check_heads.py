"""Check that every household's head is one of its resident members.

    python manage.py check_heads

Who heads a household is stored once, as `Household.head` (a citizen's relation is the
relation to the head, blank for the head; the database refuses "head" there). That the
head is a resident member of the household is kept by `registry.services` (every change
of head goes through it) and by the citizen import; the database cannot check it
cheaply, so this command does: it lists the households whose head lives elsewhere, in
another household, or is no longer resident, and heads whose own relation is not
blank, and fails (exit status 1) if there is any.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Q

from registry.models import Household, ResidenceStatus

SHOWN = 20


class Command(BaseCommand):
    help = "Kiểm tra chủ hộ của mỗi hộ là thành viên đang cư trú của hộ đó."

    def handle(self, *args: Any, **options: Any) -> None:
        headed = Household.objects.filter(head__isnull=False)
        problems = {
            "Chủ hộ không thuộc hộ": headed.filter(
                Q(head__household__isnull=True) | ~Q(head__household_id=F("pk"))
            ),
            "Chủ hộ không còn cư trú": headed.exclude(head__status=ResidenceStatus.ACTIVE),
            "Chủ hộ có ghi quan hệ với chủ hộ": headed.filter(head__household_id=F("pk")).exclude(
                head__relation=""
            ),
        }
        found = 0
        for label, households in problems.items():
            count = households.count()
            found += count
            self.stdout.write(f"{label}: {count}")
            for household in households.select_related("commune", "head").order_by("pk")[:SHOWN]:
                self.stdout.write(
                    f"  - Hộ {household.code} ({household.commune.name}, mã hệ thống "
                    f"{household.pk}): {household.head_name} (mã {household.head_id})"
                )
        if found:
            raise CommandError(f"{found} chỗ chưa khớp; sửa ở trang hộ gia đình (“Làm chủ hộ”).")
        self.stdout.write("Mọi chủ hộ đều là thành viên đang cư trú của hộ mình.")
