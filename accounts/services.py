from django.db import transaction

from accounts.models import Role, User

DEMO_PASSWORD = "maillage-demo"  # noqa: S105 - printed by `make run`, demo only
DEMO_ACCOUNTS = (
    ("admin@example.org", "Ada Admin", Role.ADMINISTRATOR),
    ("coordinator@example.org", "Camille Coordination", Role.COORDINATOR),
    ("observer@example.org", "Oscar Observation", Role.OBSERVER),
)


@transaction.atomic
def demo_accounts_create() -> list[tuple[User, bool]]:
    """Create the demo accounts that are missing; leave existing ones as they are.

    Returns each demo account with whether it was created now.
    """
    accounts = []
    for email, full_name, role in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, full_name=full_name, role=role
            )
        accounts.append((user, created))
    return accounts
