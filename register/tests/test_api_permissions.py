"""Every register endpoint and method, asked by every persona: the same rights as
the HTML pages. Each request's writes are rolled back before the next one."""

from typing import Any

from register.tests.api_base import API, LIEGE, ApiTestCase

PERSONAS = (
    "anonymous",
    "admin",
    "coordinator",
    "focal_point_a",
    "focal_point_b",
    "observer",
)


def statuses(*codes: int) -> dict[str, int]:
    """The status each persona gets, in the order of PERSONAS."""
    return dict(zip(PERSONAS, codes, strict=True))


READ = statuses(401, 200, 200, 200, 200, 200)


class RegisterPermissionTests(ApiTestCase):
    def check(self, method: str, path: str, body: Any, expected: dict[str, int]):
        for persona, user in self.personas().items():
            with self.subTest(method=method, path=path, persona=persona):
                self.assertEqual(
                    self.attempt(user, method, path, body), expected[persona]
                )

    def test_organisations(self):
        a = f"{API}/organisations/{self.organisation_a.pk}"
        new: dict[str, Any] = {
            "name": "CPAS de Huy",
            "level": "municipal",
            "sector": "public",
            "actor_type": "cpas",
        }
        self.check("get", f"{API}/organisations", None, READ)
        self.check("get", a, None, READ)
        self.check(
            "post", f"{API}/organisations", new, statuses(401, 201, 201, 403, 403, 403)
        )
        self.check(
            "patch",
            a,
            {"version": 1, "description": "Aide sociale"},
            statuses(401, 200, 200, 200, 403, 403),
        )
        for action in ("archive", "restore"):
            self.check(
                "post",
                f"{a}/{action}",
                {"version": 1},
                statuses(401, 200, 200, 403, 403, 403),
            )

    def test_contacts(self):
        shared_a = f"{API}/contacts/{self.shared_contact_a.pk}"
        private_a = f"{API}/contacts/{self.private_contact_a.pk}"
        new: dict[str, Any] = {
            "organisation": self.organisation_a.pk,
            "name": "Nina",
            "legal_basis": "consent",
        }
        self.check("get", f"{API}/contacts", None, READ)
        self.check("get", shared_a, None, statuses(401, 200, 200, 200, 200, 404))
        self.check("get", private_a, None, statuses(401, 200, 200, 200, 404, 404))
        self.check(
            "post", f"{API}/contacts", new, statuses(401, 201, 201, 201, 403, 403)
        )
        change = {"version": 1, "function": "Assistante sociale"}
        self.check("patch", shared_a, change, statuses(401, 200, 200, 200, 403, 404))
        self.check("patch", private_a, change, statuses(401, 200, 200, 200, 404, 404))
        self.check("delete", shared_a, None, statuses(401, 204, 204, 204, 403, 404))
        self.check("delete", private_a, None, statuses(401, 204, 204, 204, 404, 404))

    def test_services(self):
        a = f"{API}/services/{self.service_a.pk}"
        new: dict[str, Any] = {
            "organisation": self.organisation_a.pk,
            "theme": "health",
            "title": "Permanence santé",
            "communes": [LIEGE],
        }
        self.check("get", f"{API}/services", None, READ)
        self.check("get", a, None, READ)
        self.check(
            "post", f"{API}/services", new, statuses(401, 201, 201, 201, 403, 403)
        )
        self.check(
            "patch",
            a,
            {"version": 1, "capacity": 12},
            statuses(401, 200, 200, 200, 403, 403),
        )
        self.check("delete", a, None, statuses(401, 204, 204, 204, 403, 403))

    def test_relations(self):
        ab = f"{API}/relations/{self.relation_ab.pk}"
        new: dict[str, Any] = {
            "source": self.organisation_a.pk,
            "target": self.organisation_c.pk,
            "type": "partners-with",
        }
        self.check("get", f"{API}/relations", None, READ)
        self.check("get", ab, None, READ)
        # B is on neither side: its focal point may not declare it.
        self.check(
            "post", f"{API}/relations", new, statuses(401, 201, 201, 201, 403, 403)
        )
        self.check(
            "patch",
            ab,
            {"version": 1, "formal": True},
            statuses(401, 200, 200, 200, 403, 403),
        )
        self.check("delete", ab, None, statuses(401, 204, 204, 204, 403, 403))

    def test_assessments(self):
        # Judgements about organisations: not for the organisations' focal points.
        one = f"{API}/assessments/{self.assessment_a.pk}"
        new: dict[str, Any] = {
            "organisation": self.organisation_b.pk,
            "influence": 2,
            "interest": 4,
            "attitude": "neutral",
            "capacity": 2,
            "strategy": "consult",
        }
        readers = statuses(401, 200, 200, 403, 403, 200)
        self.check("get", f"{API}/assessments", None, readers)
        self.check("get", one, None, readers)
        self.check(
            "post", f"{API}/assessments", new, statuses(401, 201, 201, 403, 403, 403)
        )
