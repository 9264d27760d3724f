from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The user's e-mail address.")
        parser.add_argument(
            "--name", default="command line", help="A name to recognise it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {options['email']!r}.")
        if not user.is_active:
            raise CommandError(f"The account {user.email} is deactivated.")
        _, secret = api_token_create(user=user, name=options["name"])
        self.stdout.write(secret)
