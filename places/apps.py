from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = "Địa bàn"

    def ready(self) -> None:
        from audit.gates import register
        from places.models import Place

        register("places.place", lambda user: Place.objects.visible_to(user))
