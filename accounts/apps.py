from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản và vai trò"

    def ready(self) -> None:
        from accounts.access import users_visible_to
        from audit.gates import register

        register("accounts.user", users_visible_to)
