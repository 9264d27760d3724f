from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("État des lieux")

    def ready(self) -> None:
        # The register's actions join the permission table (see access.py).
        from register import access  # noqa: F401
