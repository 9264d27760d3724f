from django.apps import AppConfig
from django.db.backends.signals import connection_created

from lib.collation import on_connection_created


class LibConfig(AppConfig):
    name = "lib"

    def ready(self) -> None:
        # Every SQLite connection learns the names' collation (lib.collation).
        connection_created.connect(on_connection_created, dispatch_uid="collation")
