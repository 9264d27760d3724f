"""The bulk write services: the same rules as the single ones, in a few queries."""

import datetime
from typing import Any, ClassVar

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.testing import BaseTestCase
from lib.reasons import reason_text
from register.models import Organisation, Relation, Service
from register.search import organisation_search_text, service_search_text
from register.services import (
    ManyInvalid,
    NewOrganisation,
    NewRelation,
    NewService,
    organisation_reindex,
    organisations_archive_many,
    organisations_create_many,
    relations_create_many,
    services_create_many,
)
from register.tests.factories import make_organisation, make_relation
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)

DAY = datetime.date(2026, 3, 1)


class CreateManyTestCase(BaseTestCase):
    org_fields: ClassVar[dict[str, Any]]
    housing: ClassVar[Theme]
    shelter: ClassVar[Theme]
    french_courses: ClassVar[Theme]
    funds: ClassVar[RelationType]
    coordinates: ClassVar[RelationType]
    children: ClassVar[TargetGroup]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_reference", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        cls.org_fields = {
            "level_id": InstitutionalLevel.objects.get(code="municipal").pk,
            "sector_id": Sector.objects.get(code="public").pk,
            "actor_type_id": ActorType.objects.get(code="cpas").pk,
        }
        cls.housing = Theme.objects.get(code="housing")
        cls.shelter = Theme.objects.get(code="emergency-housing")
        cls.french_courses = Theme.objects.get(code="french-courses")
        cls.funds = RelationType.objects.get(code="funds")
        cls.coordinates = RelationType.objects.get(code="coordinates")
        cls.children = TargetGroup.objects.get(code="children")

    def organisations(self, *names: str, **fields: Any) -> list[Organisation]:
        return organisations_create_many(
            by=self.coordinator,
            organisations=[
                NewOrganisation(
                    fields={**self.org_fields, "name": name, **fields},
                    area_communes=["62063", "62063", "63023"],
                )
                for name in names
            ],
        )

    def service(self, organisation: Organisation, **fields: Any) -> NewService:
        return NewService(
            fields={
                "organisation_id": organisation.pk,
                "theme_id": self.housing.pk,
                "title": "Hébergement d'urgence",
                **fields,
            },
            communes=["62063", "63023"],
            target_groups=[self.children.pk],
        )

    def assertRefused(self, raised: Any, index: int, field: str) -> None:
        self.assertEqual(raised.exception.index, index)
        self.assertIn(field, raised.exception.message_dict)


class OrganisationsCreateManyTests(CreateManyTestCase):
    def test_it_creates_them_with_area_search_text_and_history(self):
        liege, eupen = self.organisations("CPAS de Liège", "ÖSHZ Eupen", acronym="X")
        self.assertEqual(
            set(liege.area_communes.values_list("nis", flat=True)), {"62063", "63023"}
        )
        stored = Organisation.objects.get(pk=eupen.pk)
        self.assertEqual(stored.search_text, "oshz eupen x")
        record = stored.history.get()
        self.assertEqual(
            (
                record.history_type,
                record.history_user,
                reason_text(record.history_change_reason),
            ),
            ("+", self.coordinator, "Création"),
        )
        self.assertEqual(
            set(record.area_communes.values_list("commune_id", flat=True)),
            {"62063", "63023"},
        )

    def test_it_takes_the_commune_from_the_postal_code(self):
        (organisation,) = self.organisations("CPAS d'Eupen", postal_code="4700")
        self.assertEqual(organisation.commune_id, "63023")

    def test_it_refuses_what_organisation_create_refuses_and_writes_nothing(self):
        archived = make_organisation("Ancienne fédération", status="archived")
        make_organisation("Prise", enterprise_number="0212344876")
        cases = (
            ({"postal_code": "9999"}, "postal_code"),
            ({"postal_code": "4700", "commune_id": "62063"}, "commune"),
            ({"parent_id": archived.pk}, "parent"),
            ({"enterprise_number": "BE 0212.344.876"}, "enterprise_number"),
            ({"enterprise_number": "0212.344.877"}, "enterprise_number"),
            ({"email": "pas une adresse"}, "email"),
            ({"status": "disparue"}, "status"),
            ({"level_id": 999_999}, "level"),
        )
        for fields, field in cases:
            with self.subTest(field=field), self.assertRaises(ManyInvalid) as raised:
                organisations_create_many(
                    by=self.coordinator,
                    organisations=[
                        NewOrganisation(fields={**self.org_fields, "name": "Bonne"}),
                        NewOrganisation(
                            fields={**self.org_fields, "name": "Mauvaise", **fields}
                        ),
                    ],
                )
            self.assertRefused(raised, 1, field)
        self.assertFalse(Organisation.objects.filter(name="Bonne").exists())

    def test_it_refuses_the_same_enterprise_number_twice(self):
        with self.assertRaises(ManyInvalid) as raised:
            self.organisations("Une", "Deux", enterprise_number="0212344876")
        self.assertRefused(raised, 1, "enterprise_number")

    def test_it_archives_in_bulk_with_a_new_version_and_history(self):
        first, second = self.organisations("Une", "Deux")
        organisations_archive_many(by=None, organisation_ids=[first.pk])
        archived = organisations_archive_many(
            by=None, organisation_ids=[first.pk, second.pk], reason="Fermées"
        )
        self.assertEqual(archived, 1)
        first.refresh_from_db()
        self.assertEqual((first.status, first.version), ("archived", 2))
        self.assertEqual(
            [
                (kind, reason_text(reason))
                for kind, reason in first.history.values_list(
                    "history_type", "history_change_reason"
                )
            ],
            [("~", "Archivage"), ("+", "Création")],
        )
        latest = second.history.first()
        self.assertEqual(
            (latest.status, latest.history_change_reason), ("archived", "Fermées")
        )
        self.assertEqual(latest.area_communes.count(), 2)


class ServicesCreateManyTests(CreateManyTestCase):
    def test_it_creates_them_indexed_and_in_history_as_service_create_does(self):
        (organisation,) = self.organisations("CPAS de Liège")
        (service,) = services_create_many(
            by=self.coordinator,
            services=[self.service(organisation, subtheme_id=self.shelter.pk)],
        )
        stored = Service.objects.get(pk=service.pk)
        self.assertEqual(
            set(stored.communes.values_list("nis", flat=True)), {"62063", "63023"}
        )
        self.assertEqual(list(stored.target_groups.all()), [self.children])
        self.assertEqual(
            stored.search_text, service_search_text(stored, stored.organisation)
        )
        self.assertIn("urgence", stored.search_text)
        organisation.refresh_from_db()
        indexed = organisation.search_text
        self.assertIn("hebergement d urgence", indexed)
        organisation_reindex(organisation_ids=[organisation.pk])
        organisation.refresh_from_db()
        self.assertEqual(organisation.search_text, indexed)
        self.assertEqual(
            organisation.search_text,
            organisation_search_text(organisation, ["Hébergement d'urgence", ""]),
        )
        record = stored.history.get()
        self.assertEqual(
            (record.history_type, record.history_user), ("+", self.coordinator)
        )
        self.assertEqual(
            list(record.target_groups.values_list("targetgroup_id", flat=True)),
            [self.children.pk],
        )

    def test_it_refuses_what_service_create_refuses_and_writes_nothing(self):
        (organisation,) = self.organisations("CPAS de Liège")
        archived = make_organisation("Fermée", status="archived")
        cases: tuple[tuple[dict[str, Any], dict[str, Any], str], ...] = (
            ({"subtheme_id": self.french_courses.pk}, {}, "subtheme"),
            (
                {"start_date": DAY, "end_date": DAY - datetime.timedelta(1)},
                {},
                "end_date",
            ),
            ({"organisation_id": archived.pk}, {}, "organisation"),
            ({}, {"funders": [archived.pk]}, "funders"),
            ({"status": "oublié"}, {}, "status"),
            ({"title": "x" * 300}, {}, "title"),
            ({"theme_id": None}, {}, "theme"),
        )
        for fields, links, field in cases:
            bad = self.service(organisation, **fields)
            if links:
                bad = NewService(fields=bad.fields, **links)
            with self.subTest(field=field), self.assertRaises(ManyInvalid) as raised:
                services_create_many(
                    by=None, services=[self.service(organisation), bad]
                )
            self.assertRefused(raised, 1, field)
        self.assertFalse(Service.objects.exists())

    def test_its_queries_do_not_grow_with_the_services(self):
        (organisation,) = self.organisations("CPAS de Liège")

        def queries(count: int) -> int:
            with CaptureQueriesContext(connection) as captured:
                services_create_many(
                    by=None, services=[self.service(organisation)] * count
                )
            return len(captured)

        self.assertEqual(queries(2), queries(40))


class RelationsCreateManyTests(CreateManyTestCase):
    def test_it_creates_them_with_themes_and_history(self):
        source, target = self.organisations("Région", "CPAS")
        (relation,) = relations_create_many(
            by=self.coordinator,
            relations=[
                NewRelation(
                    fields={
                        "source_id": source.pk,
                        "target_id": target.pk,
                        "type_id": self.funds.pk,
                        "since": DAY,
                    },
                    themes=[self.housing.pk],
                )
            ],
        )
        stored = Relation.objects.get(pk=relation.pk)
        self.assertEqual(list(stored.themes.all()), [self.housing])
        record = stored.history.get()
        self.assertEqual(record.history_type, "+")
        self.assertEqual(
            list(record.themes.values_list("theme_id", flat=True)), [self.housing.pk]
        )

    def test_it_refuses_what_relation_create_refuses_and_writes_nothing(self):
        source, target = self.organisations("Région", "CPAS")
        archived = make_organisation("Fermée", status="archived")
        make_relation(target, source, type="funds")

        def relation(**fields: Any) -> NewRelation:
            return NewRelation(
                fields={
                    "source_id": source.pk,
                    "target_id": target.pk,
                    "type_id": self.funds.pk,
                    **fields,
                }
            )

        cases = (
            ([relation(), relation(target_id=source.pk)], "target"),
            ([relation(), relation(target_id=archived.pk)], "target"),
            ([relation(), relation(source_id=archived.pk)], "source"),
            ([relation(), relation()], "type"),
            (
                [relation(), relation(source_id=target.pk, target_id=source.pk)],
                "type",
            ),
            (
                [relation(), relation(type_id=self.coordinates.pk, since="hier")],
                "since",
            ),
        )
        for relations, field in cases:
            with self.subTest(field=field), self.assertRaises(ManyInvalid) as raised:
                relations_create_many(by=None, relations=relations)
            self.assertRefused(raised, 1, field)
        self.assertEqual(Relation.objects.count(), 1)
