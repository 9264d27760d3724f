from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main menu: only the sections that exist and that the user may open.

    An item is current on every page under its section's prefix."""
    items: list[tuple[str, str, str | Promise]] = []
    if can(request.user, "internal.view"):
        items += [
            (
                reverse("register:organisation_list"),
                "/registre/",
                _("État des lieux"),
            ),
            (
                reverse("analysis:index"),
                "/analyse/",
                _("Analyse"),
            ),
        ]
    if can(request.user, "meetings.view"):
        items.append((reverse("meetings:calendar"), "/reunions/", _("Réunions")))
    if can(request.user, "consultations.view"):
        items.append(
            (
                reverse("consultations:index"),
                "/consultations/",
                _("Consultations"),
            )
        )
    if can(request.user, "internal.view"):
        items += [
            (
                reverse("coordination:body_list"),
                "/coordination/",
                _("Organes de coordination"),
            ),
        ]
    items.append((reverse("territory:province_list"), "/territoire/", _("Territoire")))
    if can(request.user, "internal.view"):
        items.append((reverse("taxonomy:index"), "/vocabulaires/", _("Vocabulaires")))
    if can(request.user, "register.manage"):
        items.append(
            (reverse("exchange:import_upload"), "/echanges/importer/", _("Importer"))
        )
    if can(request.user, "tasks.view"):
        items.append((reverse("jobs:task_list"), "/taches/", _("Tâches")))
    current = request.path
    public = current.startswith(tuple(settings.PUBLIC_LANGUAGE_PATHS))
    return {
        "interface_languages": settings.LANGUAGES
        if public
        else settings.STAFF_LANGUAGES,
        "demo_notice": settings.DEMO_NOTICE,
        "navigation": [
            {"url": url, "label": label, "current": current.startswith(prefix)}
            for url, prefix, label in items
        ],
    }
