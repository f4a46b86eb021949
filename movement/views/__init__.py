"""Pages of the movement: access → form → service → redirect, for each kind of record.

One module per kind (`centres`, `activities`, `members`, `trainings`, `communications`,
`resources`, `commendations`), the home page in `home`, and what they share in
`common`. Every view is importable from `movement.views`, as `movement.urls` names them.
"""

from __future__ import annotations

from movement.views.activities import activity_list
from movement.views.centres import (
    CHILD_FORMS,
    centre_child,
    centre_child_delete,
    centre_create,
    centre_detail,
    centre_edit,
    centre_list,
)
from movement.views.commendations import (
    commendation_create,
    commendation_detail,
    commendation_edit,
    commendation_list,
    commendation_review,
    exemplary,
)
from movement.views.common import KINDS, PAGE_SIZE, Kind, _chosen_place, _year
from movement.views.communications import (
    communication_create,
    communication_detail,
    communication_edit,
    communication_file,
    communication_list,
)
from movement.views.home import home
from movement.views.members import member_create, member_detail, member_edit, member_list
from movement.views.resources import (
    contribution_create,
    contribution_edit,
    estimate_create,
    estimate_edit,
    resources,
)
from movement.views.trainings import (
    AttendanceForm,
    training_attendance,
    training_create,
    training_detail,
    training_edit,
    training_list,
)

__all__ = [
    "CHILD_FORMS",
    "KINDS",
    "PAGE_SIZE",
    "AttendanceForm",
    "Kind",
    "_chosen_place",
    "_year",
    "activity_list",
    "centre_child",
    "centre_child_delete",
    "centre_create",
    "centre_detail",
    "centre_edit",
    "centre_list",
    "commendation_create",
    "commendation_detail",
    "commendation_edit",
    "commendation_list",
    "commendation_review",
    "communication_create",
    "communication_detail",
    "communication_edit",
    "communication_file",
    "communication_list",
    "contribution_create",
    "contribution_edit",
    "estimate_create",
    "estimate_edit",
    "exemplary",
    "home",
    "member_create",
    "member_detail",
    "member_edit",
    "member_list",
    "resources",
    "training_attendance",
    "training_create",
    "training_detail",
    "training_edit",
    "training_list",
]
