from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Bình xét, công nhận"

    def ready(self) -> None:
        from assessments import signals  # noqa: F401 - connects the registry merge hook
        from assessments.models import Assessment
        from audit.gates import register

        register("assessments.assessment", lambda user: Assessment.objects.visible_to(user))
