from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Cổng công dân"

    def ready(self) -> None:
        from portal import receivers  # noqa: F401 - purged records lose their change requests
