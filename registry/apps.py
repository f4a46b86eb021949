from django.apps import AppConfig

from audit.gates import register, register_masker


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Sổ đăng ký"

    def ready(self) -> None:
        # Models load only once the app registry is ready, hence imports here.
        from registry.models import Citizen, Clan, Household, Organisation
        from registry.privacy import mask_changes

        register("registry.citizen", lambda user: Citizen.objects.visible_to(user))
        register("registry.household", lambda user: Household.objects.visible_to(user))
        register("registry.clan", lambda user: Clan.objects.visible_to(user))
        register("registry.organisation", lambda user: Organisation.objects.visible_to(user))
        register_masker(mask_changes)  # personal fields in history as masked as on the page
