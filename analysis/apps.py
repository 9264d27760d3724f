from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Analyse du secteur")

    def ready(self) -> None:
        # The coordination body page's section (see coordination.sections).
        from analysis import sections  # noqa: F401
        from lib.parts import Part, part_add

        part_add(
            Part(
                title=_("Analyse du secteur"),
                description=_(
                    "Les chiffres de population par commune, sur lesquels se "
                    "mesurent la couverture des services et les lacunes."
                ),
                url_name="analysis:index",
                action="internal.view",
                position=30,
            )
        )
