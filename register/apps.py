from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("État des lieux")

    def ready(self) -> None:
        # The register's actions join the permission table (see access.py).
        from lib.parts import Part, part_add
        from register import access  # noqa: F401

        part_add(
            Part(
                title=_("État des lieux"),
                description=_(
                    "L'inventaire des acteurs de l'accueil et de l'intégration, de "
                    "leurs services (qui fait quoi, où, quand, pour qui) et de leurs "
                    "relations."
                ),
                url_name="register:organisation_list",
                action="internal.view",
                position=10,
            )
        )
