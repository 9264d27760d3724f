from django.apps import AppConfig


class MaillageConfig(AppConfig):
    name = "maillage"
    verbose_name = "Maillage"
