from django.apps import AppConfig

from audit.gates import register


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Địa bàn"

    def ready(self) -> None:
        # Models load only once the app registry is ready, hence imports here.
        from places.models import Place

        register("places.place", lambda user: Place.objects.visible_to(user))
