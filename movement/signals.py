"""Signals other apps listen to, so the movement's records need not know about them."""

from django.dispatch import Signal

# Sent inside the transaction of every write to the movement's records (a record created,
# changed or deleted, a training's attendance, an Excel import): `communes` are the ids of
# the communes whose yearly figures (learning centre, cadres, members) it may change —
# stats recounts them once the write commits.
movement_changed = Signal()
