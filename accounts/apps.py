from django.apps import AppConfig

from audit.gates import register
from places.scope import provide


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản và vai trò"

    def ready(self) -> None:
        # These load models, which exist only once the app registry is ready.
        from accounts.access import users_visible_to
        from accounts.scope import scope_of

        register("accounts.user", users_visible_to)
        provide(scope_of)  # places asks accounts who sees which places (places.scope)
