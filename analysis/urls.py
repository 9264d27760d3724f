from django.urls import path

from analysis import views

app_name = "analysis"
urlpatterns = [
    path("", views.index, name="index"),
    path("couverture/", views.coverage, name="coverage"),
    path("lacunes/", views.gaps, name="gaps"),
    path("chevauchements/", views.overlaps, name="overlaps"),
    path("grille/", views.grid, name="grid"),
    path("reseau/", views.network, name="network"),
    path("carte/", views.coverage_map, name="map"),
    path("rapport/", views.report, name="report"),
    path("rapport/fichier/", views.report_file_create, name="report_file_create"),
    path("rapport/fichiers/<str:pk>/", views.report_job, name="report_job"),
    path(
        "rapport/fichiers/<str:pk>/telecharger/",
        views.report_job_file,
        name="report_job_file",
    ),
    path("organes/", views.bodies, name="bodies"),
    path(
        "organes/<int:pk>/evaluations/",
        views.body_assessment_list,
        name="body_assessment_list",
    ),
    path(
        "organes/<int:pk>/evaluer/",
        views.body_assessment_create,
        name="body_assessment_create",
    ),
    path("population/", views.population_list, name="population_list"),
    path("population/ajouter/", views.population_create, name="population_create"),
    path("population/importer/", views.population_import, name="population_import"),
    path(
        "population/communes/<nis:nis>/",
        views.population_commune,
        name="population_commune",
    ),
    path(
        "population/chiffres/<int:pk>/modifier/",
        views.population_update,
        name="population_update",
    ),
]
