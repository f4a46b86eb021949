from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = "Quyết định, giấy công nhận"

    def ready(self) -> None:
        from recognition import checks, receivers  # noqa: F401 - typeface check; certificates follow decisions
