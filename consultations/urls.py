from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.questionnaire_list, name="questionnaire_list"),
    path(
        "questionnaires/importer/",
        views.questionnaire_import_page,
        name="questionnaire_import",
    ),
    path(
        "questionnaires/<int:pk>/",
        views.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "questionnaires/<int:pk>/xlsform.xlsx",
        views.questionnaire_xlsform,
        name="questionnaire_xlsform",
    ),
    path(
        "questionnaires/<int:pk>/apercu/",
        views.questionnaire_preview,
        name="questionnaire_preview",
    ),
    path(
        "questionnaires/<int:pk>/xform.xml",
        views.questionnaire_xform,
        name="questionnaire_xform",
    ),
]
