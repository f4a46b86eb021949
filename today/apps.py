from django.apps import AppConfig


class TodayConfig(AppConfig):
    """Each role's home ("Việc cần làm"): what waits on the user, read from the apps below."""

    name = "today"
    verbose_name = "Việc cần làm"
