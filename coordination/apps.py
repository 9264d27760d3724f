from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        # The organisation page's section (see register.sections).
        from coordination import sections  # noqa: F401
        from lib.parts import Part, part_add

        part_add(
            Part(
                title=_("Organes de coordination"),
                description=_(
                    "Les organes de coordination qui existent déjà : leur mandat, "
                    "leur territoire, leurs thèmes et leurs membres."
                ),
                url_name="coordination:body_list",
                action="internal.view",
                position=50,
            )
        )
