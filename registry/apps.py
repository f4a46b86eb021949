from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Sổ đăng ký"

    def ready(self) -> None:
        from audit.gates import register
        from registry.models import Citizen, Clan, Household, Organisation

        register("registry.citizen", lambda user: Citizen.objects.visible_to(user))
        register("registry.household", lambda user: Household.objects.visible_to(user))
        register("registry.clan", lambda user: Clan.objects.visible_to(user))
        register("registry.organisation", lambda user: Organisation.objects.visible_to(user))
