"""Signals other apps listen to, so the registry need not know about them."""

from django.dispatch import Signal

# Sent inside the merge transaction before `gone` is deleted: re-point your links
# from `gone` to `keep` (assessments, accounts...).
citizen_merged = Signal()
