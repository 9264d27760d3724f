from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from maillage import views
from maillage.api import api


def _public_api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URLs, exempt from the login redirect: the API answers 401 itself."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns, app_name, namespace


handler400 = views.bad_request

admin.site.site_header = "Maillage"
admin.site.site_title = "Maillage"

urlpatterns = [
    path("", views.home, name="home"),
    path("a-propos/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("comptes/", include("accounts.urls")),
    path("territoire/", include("territory.urls")),
    path("vocabulaires/", include("taxonomy.urls")),
    path("registre/", include("register.urls")),
    path("coordination/", include("coordination.urls")),
    path("reunions/", include("meetings.urls")),
    path("consultations/", include("consultations.urls")),
    path("analyse/", include("analysis.urls")),
    path("echanges/", include("exchange.urls")),
    path("taches/", include("jobs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", _public_api_urls()),
]
