from django.urls import URLPattern, URLResolver, path

from exchange import views_export, views_import

app_name = "exchange"

urlpatterns: list[URLPattern | URLResolver] = [
    # Exports
    path("exporter/", views_export.export, name="export"),
    path("exports/<str:pk>/", views_export.export_job, name="export_job"),
    path(
        "exports/<str:pk>/fichier/",
        views_export.export_job_file,
        name="export_job_file",
    ),
    path("modeles/<slug:sheet>.xlsx", views_export.template, name="template"),
    # Imports
    path("importer/", views_import.import_upload, name="import_upload"),
    path("importer/lots/", views_import.import_batches, name="import_batches"),
    path(
        "importer/lots/<int:pk>/",
        views_import.import_batch_detail,
        name="import_batch_detail",
    ),
    path(
        "importer/lots/<int:pk>/annuler/",
        views_import.import_batch_undo,
        name="import_batch_undo",
    ),
]
