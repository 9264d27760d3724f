from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_calendar, name="calendar"),
    path("nouvelle/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/modifier/", views.meeting_update, name="meeting_update"),
    path("<int:pk>/annuler/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/copier/", views.meeting_copy, name="meeting_copy"),
    path("<int:pk>/reunion.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "<int:pk>/invitations/envoyer/", views.invitations_send, name="invitations_send"
    ),
    path("<int:pk>/invitations/ajouter/", views.invitation_add, name="invitation_add"),
    path("<int:pk>/presences/", views.attendance_edit, name="attendance_edit"),
    path("<int:pk>/proces-verbal/", views.minutes_edit, name="minutes_edit"),
    path(
        "<int:pk>/proces-verbal/<int:number>/",
        views.minutes_version,
        name="minutes_version",
    ),
    path(
        "<int:pk>/proces-verbal/<int:number>/approuver/",
        views.minutes_approve,
        name="minutes_approve",
    ),
    path(
        "<int:pk>/proces-verbal/<int:number>/pdf/",
        views.minutes_pdf,
        name="minutes_pdf",
    ),
    path(
        "<int:pk>/proces-verbal/<int:number>/docx/",
        views.minutes_docx,
        name="minutes_docx",
    ),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/actions/nouvelle/", views.action_create, name="action_create"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/retirer/", views.document_delete, name="document_delete"),
    path("actions/", views.action_board, name="action_board"),
    path("actions/export.xlsx", views.actions_export, name="actions_export"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", views.action_update, name="action_update"),
    path("mes-actions/", views.my_actions, name="my_actions"),
    path("agendas/", views.feed_list, name="feed_list"),
    path("agendas/<str:token>.ics", views.feed, name="feed"),
    path("reponse/<str:token>/", views.invitation_answer, name="invitation_answer"),
]
