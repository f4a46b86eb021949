"""Signals other apps listen to, so places need not know about them."""

from django.dispatch import Signal

# Sent inside the transaction of every write that adds succession links or changes how a
# split legacy commune's history is shared: `predecessors` are the ids of the legacy places
# concerned (stats remakes the figures their successors inherit).
successions_changed = Signal()
