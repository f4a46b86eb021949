"""Signals other apps listen to, so the registry need not know about them."""

from django.dispatch import Signal

# Sent inside the merge transaction before `gone` is deleted: re-point your links
# from `gone` to `keep` (assessments, accounts...).
citizen_merged = Signal()

# Sent inside the purge transaction (purge_departed) before the records lose their personal
# data: delete what you keep about these `citizens` (the portal's change requests...).
personal_data_purged = Signal()

# Sent inside the transaction of every registry write (services, imports) that can change a
# commune's counts: `communes` are the ids of the communes touched (stats recounts them).
registry_changed = Signal()
