from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Réunions")

    def ready(self) -> None:
        # The rules of access, the organisation page's section (the
        # engagement log, see register.sections), and what an erased contact
        # takes with them.
        from meetings import access, erasure, sections  # noqa: F401
