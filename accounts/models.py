from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.text import validate_line


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrateur·rice")
    COORDINATOR = "coordinator", _("Coordinateur·rice")
    FOCAL_POINT = "focal_point", _("Point focal")
    OBSERVER = "observer", _("Observateur·rice")


def normalise_email(email: str) -> str:
    """An address as accounts store it and as logins and lock-outs count it: no
    surrounding spaces, lower case (so `Olga@Example.org` is `olga@example.org`)."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **fields: Any
    ) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str, password: str | None = None, **fields: Any
    ) -> "User":
        fields["role"] = Role.ADMINISTRATOR
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Addresses are stored normalised: log in whatever the case typed.
        return self.get(email__iexact=normalise_email(username or ""))


class User(AbstractBaseUser):
    """A person who signs in; their role says what they may do (see permissions)."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(
        _("nom complet"), max_length=200, blank=True, validators=[validate_line]
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=Role.choices, default=Role.OBSERVER
    )
    language = models.CharField(
        _("langue préférée"), max_length=5, blank=True, default=""
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    # The Django admin and its permission checks: administrators may do everything
    # there, nobody else enters it. Roles replace Django's per-model permissions.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.role == Role.ADMINISTRATOR

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list: Any, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown
    once, when created."""

    user = models.ForeignKey(
        User,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("utilisateur·rice"),
    )
    name = models.CharField(_("nom"), max_length=100, validators=[validate_line])
    prefix = models.CharField(_("début du jeton"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(
        _("dernière utilisation"), null=True, blank=True
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
