from django.urls import URLPattern, URLResolver, path

from jobs import views

app_name = "jobs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.task_list, name="task_list"),
]
