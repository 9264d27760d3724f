from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
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
        "questionnaires/<int:pk>/editeur/",
        views.questionnaire_builder,
        name="questionnaire_builder",
    ),
    path(
        "questionnaires/<int:pk>/editeur/lignes/<int:index>/",
        views.questionnaire_row,
        name="questionnaire_row",
    ),
    path(
        "questionnaires/<int:pk>/editeur/choix/<int:index>/",
        views.questionnaire_choice,
        name="questionnaire_choice",
    ),
    path(
        "questionnaires/<int:pk>/editeur/traductions/",
        views.questionnaire_translations,
        name="questionnaire_translations",
    ),
    path(
        "questionnaires/<int:pk>/xform.xml",
        views.questionnaire_xform,
        name="questionnaire_xform",
    ),
    path("tours/nouveau/", views.round_create, name="round_create"),
    path("tours/<int:pk>/", views.round_detail, name="round_detail"),
    path("tours/<int:pk>/modifier/", views.round_edit, name="round_edit"),
    path("tours/<int:pk>/inviter/", views.round_invite, name="round_invite"),
    path("tours/<int:pk>/action/", views.round_action, name="round_action"),
    path("tours/<int:pk>/resultats/", views.round_results, name="round_results"),
    path("tours/<int:pk>/registre/", views.round_register, name="round_register"),
    path(
        "tours/<int:pk>/resultats.pdf",
        views.round_results_pdf,
        name="round_results_pdf",
    ),
    path(
        "tours/<int:pk>/reponses.<str:fmt>",
        views.round_results_export,
        name="round_results_export",
    ),
    path(
        "tours/<int:pk>/invitations/<int:invitation_pk>/retirer/",
        views.invitation_delete,
        name="invitation_delete",
    ),
    path("reponses/<int:pk>/", views.response_detail, name="response_detail"),
    path("reponses/<int:pk>/copie.pdf", views.response_pdf, name="response_pdf"),
    path(
        "reponses/<int:pk>/registre/",
        views.response_register,
        name="response_register",
    ),
    path(
        "reponses/<int:pk>/rouvrir/",
        views.response_reopen_view,
        name="response_reopen",
    ),
    path("repondre/<str:key>/", views.answer, name="answer"),
    path("repondre/<str:key>/merci/", views.answer_done, name="answer_done"),
    path("repondre/<str:key>/copie.pdf", views.answer_pdf, name="answer_pdf"),
    path(
        "repondre/<str:key>/resultats/",
        views.published_results,
        name="published_results",
    ),
    path("public/<str:key>/", views.public, name="public"),
]
