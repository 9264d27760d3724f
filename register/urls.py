from django.urls import path
from django.views.generic import RedirectView

from register import views
from territory import urls as territory_urls  # noqa: F401 - registers <nis:>

app_name = "register"
urlpatterns = [
    # The register's address, as the README gives it, opens its list.
    path(
        "",
        RedirectView.as_view(pattern_name="register:organisation_list"),
        name="index",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path(
        "organisations/nouvelle/",
        views.organisation_create,
        name="organisation_create",
    ),
    path(
        "organisations/suggestions/",
        views.organisation_suggestions,
        name="organisation_suggestions",
    ),
    path(
        "organisations/<int:pk>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:pk>/modifier/",
        views.organisation_update,
        name="organisation_update",
    ),
    path(
        "organisations/<int:pk>/archiver/",
        views.organisation_archive,
        name="organisation_archive",
    ),
    path(
        "organisations/<int:pk>/restaurer/",
        views.organisation_restore,
        name="organisation_restore",
    ),
    path(
        "organisations/<int:pk>/historique/",
        views.organisation_history,
        name="organisation_history",
    ),
    path(
        "organisations/<int:pk>/historique/<int:history_id>/retablir/",
        views.organisation_revert,
        name="organisation_revert",
    ),
    path(
        "organisations/<int:pk>/contacts/nouveau/",
        views.contact_create,
        name="contact_create",
    ),
    path("contacts/<int:pk>/modifier/", views.contact_update, name="contact_update"),
    path("contacts/<int:pk>/effacer/", views.contact_erase, name="contact_erase"),
    path(
        "organisations/<int:pk>/services/nouveau/",
        views.service_create,
        name="service_create",
    ),
    path("services/", views.service_list, name="service_list"),
    path(
        "services/sous-themes/",
        views.subtheme_options,
        name="subtheme_options",
    ),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/modifier/", views.service_update, name="service_update"),
    path("services/<int:pk>/supprimer/", views.service_delete, name="service_delete"),
    path(
        "organisations/<int:pk>/relations/nouvelle/",
        views.relation_create,
        name="relation_create",
    ),
    path("relations/<int:pk>/modifier/", views.relation_update, name="relation_update"),
    path(
        "relations/<int:pk>/supprimer/",
        views.relation_delete,
        name="relation_delete",
    ),
    path(
        "organisations/<int:pk>/evaluations/",
        views.assessment_list,
        name="assessment_list",
    ),
    path(
        "organisations/<int:pk>/evaluations/nouvelle/",
        views.assessment_create,
        name="assessment_create",
    ),
    path("communes/<nis:nis>/", views.commune_detail, name="commune_detail"),
]
