"""The coordination bodies endpoints: read by every role, written by
coordinators."""

from typing import Any, ClassVar

from coordination import services
from coordination.models import BodyMember, CoordinationBody
from lib.text import DESCRIPTION_MAX_LENGTH
from register.models import Organisation
from register.tests.api_base import (
    BASTOGNE,
    FORMER_BASTOGNE,
    LIEGE,
    NAMUR,
    ApiTestCase,
)
from taxonomy.models import InstitutionalLevel, Theme
from territory.models import Commune

BODIES = "/api/v1/coordination/bodies"


class BodyTestCase(ApiTestCase):
    body: ClassVar[CoordinationBody]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.body = cls.make_body("Plateforme liégeoise Ukraine", "municipal")

    @classmethod
    def make_body(cls, name: str, level: str) -> CoordinationBody:
        return services.body_create(
            by=cls.coordinator,
            fields={
                "name": name,
                "level": InstitutionalLevel.objects.get(code=level),
                "formality": "semi_formal",
                "decision_power": "exchanges",
                "frequency": "monthly",
            },
            convenors=[cls.organisation_a],
            communes=Commune.objects.filter(nis__in=[LIEGE, NAMUR]),
            themes=Theme.objects.filter(code__in=["housing", "health"]),
            members=[(cls.organisation_a, "chair"), (cls.organisation_b, "member")],
        )

    def new_body(self, **fields: Any) -> dict[str, Any]:
        return {
            "name": "Comité de pilotage provincial",
            "acronym": "CoPil",
            "level": "provincial",
            "convenors": [self.organisation_c.pk],
            "communes": [FORMER_BASTOGNE],
            "themes": ["legal-status"],
            "formality": "formal",
            "decision_power": "decides",
            "frequency": "quarterly",
            "status": "active",
            "members": [
                {"organisation": self.organisation_c.pk, "role": "secretariat"},
                {"organisation": self.organisation_a.pk, "role": "member"},
            ],
            **fields,
        }


class BodyReadTests(BodyTestCase):
    def names(self, **query: Any) -> list[str]:
        response = self.call(self.focal_point_b, "get", BODIES, **query)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["name"] for item in response.json()["items"]]

    def test_every_role_reads_the_bodies_with_their_members(self):
        for persona, user in self.personas().items():
            with self.subTest(persona=persona):
                expected = 401 if user is None else 200
                self.assertEqual(self.attempt(user, "get", BODIES), expected)
                path = f"{BODIES}/{self.body.pk}"
                self.assertEqual(self.attempt(user, "get", path), expected)
        body = self.call(self.observer, "get", f"{BODIES}/{self.body.pk}").json()
        self.assertEqual(body["level"], "municipal")
        self.assertEqual(body["convenors"], [self.organisation_a.pk])
        self.assertEqual(body["communes"], [LIEGE, NAMUR])
        self.assertEqual(set(body["themes"]), {"housing", "health"})
        self.assertEqual(
            body["members"],
            [
                {"organisation": self.organisation_a.pk, "role": "chair"},
                {"organisation": self.organisation_b.pk, "role": "member"},
            ],
        )
        self.assertEqual((body["version"], body["status"]), (1, "existing"))

    def test_it_filters(self):
        other = self.make_body("Groupe de travail santé mentale", "regional")
        other.members.filter(organisation=self.organisation_b).delete()
        other.convenors.set([self.organisation_c])
        CoordinationBody.objects.filter(pk=other.pk).update(status="dormant")
        self.assertEqual(len(self.names()), 2)
        self.assertEqual(self.names(q="santé"), [other.name])
        self.assertEqual(self.names(status="dormant"), [other.name])
        self.assertEqual(self.names(level="municipal"), [self.body.name])
        self.assertEqual(self.names(theme="legal-aid"), [])
        self.assertEqual(
            self.names(organisation=self.organisation_b.pk), [self.body.name]
        )
        # Convenor without being a member.
        other.members.filter(organisation=self.organisation_a).delete()
        self.assertEqual(self.names(organisation=self.organisation_c.pk), [other.name])

    def test_a_missing_body_is_a_404(self):
        self.assert_problem(self.call(self.observer, "get", f"{BODIES}/0"), 404)

    def test_the_list_answers_in_fixed_queries(self):
        self.login(self.observer)
        for n in range(2):
            for i in range(4):
                self.make_body(f"Organe {n}-{i}", "federal")
            # Session, user, count, page, convenors, themes, communes, members.
            with self.assertNumQueries(8):
                response = self.client.get(BODIES)
            self.assertEqual(response.json()["count"], 1 + 4 * (n + 1))


class BodyWriteTests(BodyTestCase):
    def test_only_coordinators_record_and_change_bodies(self):
        path = f"{BODIES}/{self.body.pk}"
        expected = {
            "anonymous": (401, 401),
            "admin": (201, 200),
            "coordinator": (201, 200),
            "focal_point_a": (403, 403),
            "focal_point_b": (403, 403),
            "observer": (403, 403),
        }
        for persona, user in self.personas().items():
            with self.subTest(persona=persona):
                statuses = (
                    self.attempt(user, "post", BODIES, self.new_body()),
                    self.attempt(
                        user, "patch", path, {"version": 1, "status": "ended"}
                    ),
                )
                self.assertEqual(statuses, expected[persona])

    def test_a_coordinator_records_a_body_by_codes_and_ids(self):
        response = self.call(self.coordinator, "post", BODIES, self.new_body())
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["communes"], [BASTOGNE])
        self.assertEqual(body["themes"], ["legal-status"])
        self.assertEqual(
            body["members"],
            [
                {"organisation": self.organisation_a.pk, "role": "member"},
                {"organisation": self.organisation_c.pk, "role": "secretariat"},
            ],
        )
        record = CoordinationBody.objects.get(pk=body["id"]).history.get()
        self.assertEqual(record.history_user, self.coordinator)

    def test_a_change_replaces_the_lists_sent_and_keeps_the_rest(self):
        response = self.call(
            self.coordinator,
            "patch",
            f"{BODIES}/{self.body.pk}",
            {
                "version": 1,
                "members": [{"organisation": self.organisation_b.pk, "role": "chair"}],
                "mandate": "Coordonner l'accueil à Liège",
            },
        )
        body = response.json()
        self.assertEqual(
            body["members"], [{"organisation": self.organisation_b.pk, "role": "chair"}]
        )
        self.assertEqual(body["convenors"], [self.organisation_a.pk])
        self.assertEqual((body["version"], body["frequency"]), (2, "monthly"))

    def test_a_stale_version_is_a_409_and_nothing_is_written(self):
        path = f"{BODIES}/{self.body.pk}"
        self.call(self.coordinator, "patch", path, {"version": 1, "status": "active"})
        before = self.counts()
        response = self.call(
            self.admin, "patch", path, {"version": 1, "status": "ended", "members": []}
        )
        body = self.assert_problem(response, 409)
        self.assertEqual(body["version"], 2)
        self.assertEqual(body["current"]["status"], "active")
        self.assertEqual(len(body["current"]["members"]), 2)
        self.assertEqual(self.counts(), before)

    def test_bad_inputs_are_refused_and_nothing_is_written(self):
        Organisation.objects.filter(pk=self.organisation_b.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        before = self.counts()
        member = {"organisation": self.organisation_a.pk, "role": "member"}
        cases: list[tuple[dict[str, Any], str]] = [
            ({"level": "galactic"}, "body.level"),
            ({"themes": ["astrology"]}, "body.themes"),
            ({"communes": ["00000"]}, "body.communes"),
            ({"convenors": [999999]}, "body.convenors"),
            ({"convenors": [self.organisation_b.pk]}, "body.convenors"),
            ({"members": [{"organisation": 999999, "role": "member"}]}, "body.members"),
            ({"members": [member, member]}, "body.members"),
            ({"members": [{**member, "role": "king"}]}, "body.members.0.role"),
            ({"formality": "secret"}, "body.formality"),
            ({"name": ""}, "body.name"),
            ({"name": "Comité\x00"}, "body.name"),
            ({"mandate": "x" * (DESCRIPTION_MAX_LENGTH + 1)}, "body.mandate"),
            ({"description": "Deux\x0blignes"}, "body.description"),
        ]
        for fields, location in cases:
            with self.subTest(fields=fields):
                response = self.call(
                    self.coordinator, "post", BODIES, self.new_body(**fields)
                )
                self.assert_problem(response, 422, location)
        response = self.call(
            self.coordinator,
            "patch",
            f"{BODIES}/{self.body.pk}",
            {"version": 1, "level": None},
        )
        self.assert_problem(response, 422, "body.level")
        self.assertEqual(self.counts(), before)
        self.assertEqual(CoordinationBody.objects.get(pk=self.body.pk).version, 1)
        self.assertEqual(BodyMember.objects.filter(body=self.body).count(), 2)

    def test_a_missing_body_is_a_404(self):
        response = self.call(self.coordinator, "patch", f"{BODIES}/0", {"version": 1})
        self.assert_problem(response, 404)
