"""What the portal keeps about a person goes when the registry purges their personal data."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from portal.models import ChangeRequest
from registry.models import Citizen
from registry.signals import personal_data_purged


@receiver(personal_data_purged)
def delete_change_requests(sender: Any, citizens: list[Citizen], **kwargs: Any) -> None:
    """The person's pending and past change requests hold the very data being purged."""
    ChangeRequest.objects.filter(citizen__in=citizens).delete()
