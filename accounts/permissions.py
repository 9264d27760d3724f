"""Who may do what: the one place where roles turn into rights.

Deny by default: an action is allowed only to the roles listed for it here, an
anonymous or inactive user has no role, and asking about an action that is not
listed is a programming error. Object-level rules (a focal point and their own
organisations) build on these helpers in the apps that own the objects.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.models import Role, User

ADMIN = Role.ADMINISTRATOR
COORDINATOR = Role.COORDINATOR
FOCAL_POINT = Role.FOCAL_POINT
OBSERVER = Role.OBSERVER
EVERY_ROLE = frozenset(Role)

RULES: dict[str, frozenset[Role]] = {
    # Read the internal pages: register (non-personal data), analyses, dashboards.
    "internal.view": EVERY_ROLE,
    # Change vocabularies and user accounts; enter the Django admin.
    "vocabulary.change": frozenset({ADMIN}),
    "user.manage": frozenset({ADMIN}),
    # Read and write everything in the register, coordination and steering.
    "register.manage": frozenset({ADMIN, COORDINATOR}),
    # See contact persons who were not shared, export personal data.
    "personal_data.view": frozenset({ADMIN, COORDINATOR}),
    # See the background tasks (e-mails, exports) and their errors.
    "tasks.view": frozenset({ADMIN, COORDINATOR}),
}


def add_rules(rules: dict[str, frozenset[Role]]) -> None:
    """An app's own actions, declared in its access.py (read when it loads)."""
    for action, roles in rules.items():
        if RULES.get(action, roles) != roles:
            raise ValueError(f"Action {action!r} is already declared otherwise.")
        RULES[action] = roles


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def role_of(user: User | AnonymousUser | None) -> Role | None:
    """The user's role, or None for an anonymous or deactivated user."""
    if user is None:
        return None
    if not user.is_authenticated:
        return None
    if not user.is_active:
        return None
    assert isinstance(user, User)  # noqa: S101 - the auth model is always ours
    return Role(user.role)


def can(user: User | AnonymousUser | None, action: str) -> bool:
    """Whether the user may perform the action (a key of RULES)."""
    if action not in RULES:
        raise ValueError(f"Unknown action {action!r}: add it to accounts.permissions.")
    role = role_of(user)
    if role is None:
        return False
    return role in RULES[action]


def current_user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware keeps anonymous visitors out)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def require(request: HttpRequest, action: str) -> None:
    """Raise PermissionDenied unless the request's user may perform the action."""
    if not can(request.user, action):
        raise PermissionDenied


def permission_required(action: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous users go to the login page, others need the right."""
    if action not in RULES:
        raise ValueError(f"Unknown action {action!r}: add it to accounts.permissions.")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request, action)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
