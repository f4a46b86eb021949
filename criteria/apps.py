from django.apps import AppConfig

from audit.gates import register


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = "Bộ tiêu chí"

    def ready(self) -> None:
        # Models load only once the app registry is ready, hence imports here.
        from accounts.scope import scope_of
        from criteria.models import CriteriaSet

        def readers(user):  # type: ignore[no-untyped-def]
            # the history of a set (edits, adoptions) is as public as the set's page
            if scope_of(user).roles - {"citizen"}:
                return CriteriaSet.objects.all()
            return CriteriaSet.objects.none()

        register("criteria.criteriaset", readers)
