from django.urls import path, register_converter

from territory import views


class NisConverter:
    """A NIS (REFNIS) code: five digits."""

    regex = "[0-9]{5}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NisConverter, "nis")

app_name = "territory"
urlpatterns = [
    path("provinces/", views.province_list, name="province_list"),
    path("provinces/<nis:nis>/", views.province_detail, name="province_detail"),
    path(
        "arrondissements/<nis:nis>/",
        views.arrondissement_detail,
        name="arrondissement_detail",
    ),
    path("communes/", views.commune_list, name="commune_list"),
    path("communes/<nis:nis>/", views.commune_detail, name="commune_detail"),
]
