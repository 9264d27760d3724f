from django.urls import path

from coordination import views

app_name = "coordination"
urlpatterns = [
    path("organes/", views.body_list, name="body_list"),
    path("organes/nouveau/", views.body_create, name="body_create"),
    path("organes/<int:pk>/", views.body_detail, name="body_detail"),
    path("organes/<int:pk>/modifier/", views.body_update, name="body_update"),
]
