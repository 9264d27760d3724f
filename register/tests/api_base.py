"""Scaffolding for the API tests: reference data, personas and a small register.

Organisation A (CPAS de Liège) has focal_point_a as member, organisation B
(CPAS de Namur) has focal_point_b; C (Croix-Rouge) has no member. A and B each
have a service, a shared contact and a contact that is not shared; A declared a
relation to B, B one to A.
"""

import datetime
import json
from io import StringIO
from typing import Any, ClassVar

from django.core.management import call_command
from django.db import transaction
from django.test.client import Client

from accounts.models import ApiToken, User
from accounts.testing import BaseTestCase
from coordination.models import BodyMember, CoordinationBody
from register import services
from register.models import (
    Assessment,
    Contact,
    Membership,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
)
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from territory.models import Commune

API = "/api/v1/register"
LIEGE, NAMUR, VERVIERS = "62063", "92094", "63079"
BASTOGNE, FORMER_BASTOGNE = "82039", "82003"


def organisation_fields(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "level": InstitutionalLevel.objects.get(code=fields.pop("level", "municipal")),
        "sector": Sector.objects.get(code=fields.pop("sector", "public")),
        "actor_type": ActorType.objects.get(code=fields.pop("actor_type", "cpas")),
        **fields,
    }


class ApiTestCase(BaseTestCase):
    organisation_a: ClassVar[Organisation]
    organisation_b: ClassVar[Organisation]
    organisation_c: ClassVar[Organisation]
    service_a: ClassVar[Service]
    service_b: ClassVar[Service]
    shared_contact_a: ClassVar[Contact]
    private_contact_a: ClassVar[Contact]
    shared_contact_b: ClassVar[Contact]
    private_contact_b: ClassVar[Contact]
    relation_ab: ClassVar[Relation]
    relation_ba: ClassVar[Relation]
    assessment_a: ClassVar[Assessment]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        call_command("load_reference", stdout=StringIO())
        by = cls.coordinator
        cls.organisation_a = services.organisation_create(
            by=by,
            fields=organisation_fields(
                "CPAS de Liège",
                acronym="CPAS Liège",
                postal_code="4000",
                languages=["fr", "uk"],
            ),
            area_communes=[Commune.objects.get(nis=LIEGE)],
        )
        cls.organisation_b = services.organisation_create(
            by=by,
            fields=organisation_fields("CPAS de Namur", postal_code="5000"),
            area_communes=[Commune.objects.get(nis=NAMUR)],
        )
        cls.organisation_c = services.organisation_create(
            by=by,
            fields=organisation_fields(
                "Croix-Rouge de Belgique",
                level="non-governmental",
                sector="non-profit",
                actor_type="association",
            ),
        )
        services.membership_add(user=cls.focal_point_a, organisation=cls.organisation_a)
        services.membership_add(user=cls.focal_point_b, organisation=cls.organisation_b)
        cls.service_a = cls.make_service(cls.organisation_a, "Logement d'urgence")
        cls.service_b = cls.make_service(
            cls.organisation_b,
            "Cours de français",
            theme="language-learning",
            communes=[NAMUR],
        )
        cls.shared_contact_a = cls.make_contact(cls.organisation_a, "Anne", shared=True)
        cls.private_contact_a = cls.make_contact(cls.organisation_a, "Arthur")
        cls.shared_contact_b = cls.make_contact(
            cls.organisation_b, "Beatrice", shared=True
        )
        cls.private_contact_b = cls.make_contact(cls.organisation_b, "Bruno")
        cls.relation_ab = cls.make_relation(
            cls.organisation_a, cls.organisation_b, "refers-to", cls.organisation_a
        )
        cls.relation_ba = cls.make_relation(
            cls.organisation_b, cls.organisation_a, "refers-to", cls.organisation_b
        )
        cls.assessment_a = services.assessment_create(
            by=by,
            fields={
                "organisation": cls.organisation_a,
                "influence": 4,
                "interest": 5,
                "attitude": "supportive",
                "capacity": 3,
                "strategy": "collaborate",
                "assessed_on": datetime.date(2026, 3, 1),
            },
        )

    # Builders

    @classmethod
    def make_organisation(cls, name: str, **fields: Any) -> Organisation:
        return services.organisation_create(
            by=cls.coordinator,
            fields=organisation_fields(name, **fields),
            area_communes=Commune.objects.filter(nis__in=[LIEGE, NAMUR]),
        )

    @classmethod
    def make_service(
        cls,
        organisation: Organisation,
        title: str,
        theme: str = "housing",
        communes: tuple[str, ...] | list[str] = (LIEGE, NAMUR),
    ) -> Service:
        return services.service_create(
            by=cls.coordinator,
            fields={
                "organisation": organisation,
                "theme": Theme.objects.get(code=theme),
                "title": title,
                "start_date": datetime.date(2026, 1, 1),
            },
            communes=Commune.objects.filter(nis__in=communes),
            target_groups=TargetGroup.objects.filter(
                code__in=["children", "older-people"]
            ),
            funders=[cls.organisation_c] if hasattr(cls, "organisation_c") else [],
        )

    @classmethod
    def make_contact(
        cls, organisation: Organisation, name: str, *, shared: bool = False
    ) -> Contact:
        return services.contact_create(
            by=cls.coordinator,
            fields={
                "organisation": organisation,
                "name": name,
                "email": f"{name.lower()}@example.org",
                "legal_basis": "public_task",
                "shared": shared,
            },
        )

    @classmethod
    def make_relation(
        cls,
        source: Organisation,
        target: Organisation,
        type_code: str,
        declared_by: Organisation | None,
    ) -> Relation:
        return services.relation_create(
            by=cls.coordinator,
            fields={
                "source": source,
                "target": target,
                "type": RelationType.objects.get(code=type_code),
                "declared_by": declared_by,
            },
            themes=Theme.objects.filter(code__in=["housing", "health"]),
        )

    # Requests

    def call(
        self,
        user: User | None,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        client: Client | None = None,
        **query: Any,
    ) -> Any:
        """A request to the API as the user (signed in by session)."""
        self.login(user)
        client = client or self.client
        if method == "get":
            return client.get(path, query)
        return getattr(client, method)(
            path,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
        )

    def attempt(
        self, user: User | None, method: str, path: str, body: Any = None
    ) -> int:
        """The status a request answers; whatever it wrote is rolled back."""
        with transaction.atomic():
            status = int(self.call(user, method, path, body).status_code)
            transaction.set_rollback(True)
        return status

    def assert_problem(
        self, response: Any, status: int, *locations: str
    ) -> dict[str, Any]:
        """A problem details answer, with an error at each location given."""
        self.assertEqual(response.status_code, status, response.content[:2000])
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body: dict[str, Any] = response.json()
        self.assertEqual(body["status"], status)
        self.assertTrue(body["title"])
        self.assertTrue(body["detail"])
        found = {error["location"] for error in body.get("errors") or []}
        for location in locations:
            self.assertIn(location, found, body)
        return body

    def counts(self) -> dict[str, int]:
        """How many rows the register holds, to show that nothing was written."""
        models = (
            Organisation,
            Organisation.area_communes.through,
            Organisation.history.model,
            Contact,
            Service,
            ServiceCommune,
            Service.history.model,
            Relation,
            Assessment,
            Membership,
            CoordinationBody,
            BodyMember,
            ApiToken,
        )
        return {model.__name__: model.objects.count() for model in models}

    def versions(self) -> dict[str, int]:
        return {
            "organisations": sum(
                Organisation.objects.values_list("version", flat=True)
            ),
            "services": sum(Service.objects.values_list("version", flat=True)),
            "contacts": sum(Contact.objects.values_list("version", flat=True)),
            "relations": sum(Relation.objects.values_list("version", flat=True)),
        }
