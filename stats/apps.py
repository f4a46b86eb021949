from django.apps import AppConfig

from audit.gates import register


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "Chỉ tiêu, số liệu, báo cáo"

    def ready(self) -> None:
        # Models load only once the app registry is ready, hence imports here.
        from accounts.scope import scope_of
        from stats import receivers  # noqa: F401 - keeps provisional figures current
        from stats.models import StatReport

        def visible(user):  # type: ignore[no-untyped-def]
            scope = scope_of(user)
            if scope.is_province:
                return StatReport.objects.all()
            condition = scope.path_filter({"commune_officer"}, "commune__path")
            return (
                StatReport.objects.filter(condition)
                if condition is not None
                else StatReport.objects.none()
            )

        register("stats.statreport", visible)
