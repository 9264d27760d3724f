from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main menu: only the sections that exist and that the user may open."""
    items: list[tuple[str, str | Promise]] = [
        (reverse("territory:province_list"), _("Territoire")),
    ]
    if can(request.user, "internal.view"):
        items.append((reverse("taxonomy:index"), _("Vocabulaires")))
    current = request.path
    return {
        "navigation": [
            {"url": url, "label": label, "current": current.startswith(url)}
            for url, label in items
        ]
    }
