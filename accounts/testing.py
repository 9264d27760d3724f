"""Shared test scaffolding: a base test case with a persona for every role."""

from typing import Any, ClassVar

from django.test import TestCase

from accounts.models import Role, User

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test personas only


def make_user(email: str, role: str, **fields: Any) -> User:
    return User.objects.create_user(email, PASSWORD, role=role, **fields)


class BaseTestCase(TestCase):
    """Personas: an administrator, a coordinator, two focal points (organisations A
    and B once the register exists), an observer; `self.client` starts anonymous."""

    admin: ClassVar[User]
    coordinator: ClassVar[User]
    focal_point_a: ClassVar[User]
    focal_point_b: ClassVar[User]
    observer: ClassVar[User]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.admin = make_user("alice.admin@example.org", Role.ADMINISTRATOR)
        cls.coordinator = make_user("charles.coord@example.org", Role.COORDINATOR)
        cls.focal_point_a = make_user("fanny.focal@example.org", Role.FOCAL_POINT)
        cls.focal_point_b = make_user("felix.focal@example.org", Role.FOCAL_POINT)
        cls.observer = make_user("olga.observer@example.org", Role.OBSERVER)

    def personas(self) -> dict[str, User | None]:
        """Every persona by name, the anonymous visitor as None."""
        return {
            "anonymous": None,
            "admin": self.admin,
            "coordinator": self.coordinator,
            "focal_point_a": self.focal_point_a,
            "focal_point_b": self.focal_point_b,
            "observer": self.observer,
        }

    def login(self, user: User | None) -> None:
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
