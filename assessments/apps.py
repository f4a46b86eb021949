from django.apps import AppConfig

from audit.gates import register


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Bình xét, công nhận"

    def ready(self) -> None:
        # Models load only once the app registry is ready, hence imports here.
        from assessments import (
            receivers,  # noqa: F401 - recounts after decisions
            signals,  # noqa: F401 - connects the registry merge hook
        )
        from assessments.models import Assessment

        register("assessments.assessment", lambda user: Assessment.objects.visible_to(user))
