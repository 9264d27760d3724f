from django.urls import path

from taxonomy import views

app_name = "taxonomy"
urlpatterns = [
    path("", views.index, name="index"),
    # Before the vocabulary pattern, which would also match "competences".
    path("competences/", views.competences, name="competences"),
    path("<slug:kind>/", views.vocabulary, name="vocabulary"),
]
