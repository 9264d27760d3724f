from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo ecosystem and the scaled synthetic data: above every app, which
    it fills; no app imports it."""

    name = "demo"
