"""Excel imports for the registries: validate every row, then commit all or nothing.

Each importer reads the sheet through the shared column layout
(`registry.columns`), validates every row with the same form fields the pages
use (one form instance reused, so 100,000 rows stay fast), matches rows to
existing records (system id, then CCCD / household code / name), and plans
creates and updates. Nothing is written unless the whole file is clean;
re-importing the same file changes nothing.

The package, by concern:

* `base` — the shared flow (read, plan, write all or nothing) and row helpers;
* `citizen_rows` — the named rows of the citizen import and its cell validation;
* `citizens` — the citizen import's plan, in small steps;
* `citizen_writes` — its bulk writes and audit trail;
* `households` — the household import and the household sheet's clan labels;
* `groups` — the clan and organisation imports (heads by CCCD);
* `audit` — naming things in the audit trail as the pages do.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts.models import User
from core.xlsx import ImportReport
from places.models import Place
from registry.imports.audit import range_events
from registry.imports.base import BATCH, MAX_ERRORS, Importer, Progress, RowForm
from registry.imports.citizen_rows import CITIZEN_COMPARE
from registry.imports.citizens import CitizenImporter, registered_elsewhere
from registry.imports.groups import ClanImporter, OrganisationImporter
from registry.imports.households import HouseholdImporter

__all__ = [
    "BATCH",
    "CITIZEN_COMPARE",
    "IMPORTERS",
    "KIND_LABELS",
    "MAX_ERRORS",
    "CitizenImporter",
    "ClanImporter",
    "HouseholdImporter",
    "Importer",
    "OrganisationImporter",
    "Progress",
    "RowForm",
    "range_events",
    "registered_elsewhere",
    "run_import",
]

IMPORTERS: dict[str, type[Importer]] = {
    "citizens": CitizenImporter,
    "households": HouseholdImporter,
    "clans": ClanImporter,
    "organisations": OrganisationImporter,
}
KIND_LABELS = {
    "villages": gettext_lazy("thôn, tổ dân phố"),
    "households": gettext_lazy("hộ gia đình"),
    "citizens": gettext_lazy("công dân"),
    "clans": gettext_lazy("dòng họ"),
    "organisations": gettext_lazy("đơn vị"),
}


def run_import(
    *,
    kind: str,
    actor: User | None,
    commune: Place,
    data: bytes,
    dry_run: bool,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    importer = IMPORTERS[kind](actor=actor, commune=commune, filename=filename, progress=progress)
    return importer.run(data, dry_run=dry_run)
