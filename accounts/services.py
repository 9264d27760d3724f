import hashlib
import secrets
from functools import partial

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Role, User
from accounts.tasks import send_password_reset_email

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


TOKEN_PREFIX = "mlg_"  # noqa: S105 - a public marker, not a secret


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with the secret, shown only this once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:12], digest=token_digest(secret)
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_user(secret: str) -> User | None:
    """The active user behind an active token, or None; records the token's use."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write at most once a minute per token, not on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def password_reset_email_queue(
    *, user: User, domain: str, protocol: str, language: str
) -> None:
    """Queue the password-reset e-mail of `user`, once the current transaction
    commits; the worker builds and sends it (see accounts.tasks)."""
    transaction.on_commit(
        partial(
            send_password_reset_email.enqueue,
            user_id=user.pk,
            domain=domain,
            protocol=protocol,
            language=language,
        )
    )
