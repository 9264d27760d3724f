"""Edge cases of the register's write services (the views and API test the rest)."""

import datetime
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F

from accounts.testing import BaseTestCase
from lib.reasons import reason_text
from lib.versioning import VersionConflict
from register.models import Contact, Organisation, Relation, Service, ServiceCommune
from register.services import (
    contact_create,
    contact_erase,
    organisation_archive,
    organisation_create,
    organisation_restore,
    organisation_revert,
    organisation_update,
    relation_create,
    service_create,
    service_update,
)
from taxonomy.models import ActorType, InstitutionalLevel, RelationType, Sector, Theme
from territory.models import Commune


class ServiceTestCase(BaseTestCase):
    base_fields: ClassVar[dict[str, object]]
    theme: ClassVar[Theme]
    liege: ClassVar[Commune]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("load_reference", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        cls.base_fields = {
            "level": InstitutionalLevel.objects.get(code="municipal"),
            "sector": Sector.objects.get(code="public"),
            "actor_type": ActorType.objects.get(code="cpas"),
        }
        cls.theme = Theme.objects.get(code="language-learning")
        cls.liege = Commune.objects.get(nis="62063")

    def organisation(self, name: str = "CPAS de Liège", **fields) -> Organisation:
        return organisation_create(
            by=self.coordinator,
            fields={**self.base_fields, "name": name, **fields},
            area_communes=[self.liege],
        )


class OrganisationServiceTests(ServiceTestCase):
    def test_it_resolves_the_commune_from_the_postal_code(self):
        organisation = self.organisation(postal_code="4700")
        self.assertEqual(organisation.commune_id, "63023")

    def test_it_normalises_and_checks_the_enterprise_number(self):
        organisation = self.organisation(enterprise_number="BE 0212.344.876")
        self.assertEqual(organisation.enterprise_number, "0212344876")
        with self.assertRaises(ValidationError) as raised:
            self.organisation("Autre", enterprise_number="0212.344.877")
        self.assertIn("enterprise_number", raised.exception.message_dict)

    def test_it_refuses_an_unknown_postal_code(self):
        with self.assertRaises(ValidationError) as raised:
            self.organisation(postal_code="9999")
        self.assertIn("postal_code", raised.exception.message_dict)
        self.assertFalse(Organisation.objects.exists())

    def test_it_refuses_a_stale_version_and_keeps_the_first_write(self):
        organisation = self.organisation()
        organisation_update(
            organisation_id=organisation.pk,
            by=self.coordinator,
            expected_version=1,
            fields={"description": "première"},
        )
        with self.assertRaises(VersionConflict) as raised:
            organisation_update(
                organisation_id=organisation.pk,
                by=self.admin,
                expected_version=1,
                fields={"description": "seconde"},
            )
        self.assertEqual(raised.exception.current.description, "première")
        organisation.refresh_from_db()
        self.assertEqual(
            (organisation.description, organisation.version), ("première", 2)
        )

    def test_an_update_that_changes_nothing_keeps_the_version(self):
        organisation = self.organisation()
        organisation_update(
            organisation_id=organisation.pk,
            by=self.coordinator,
            expected_version=1,
            fields={"name": organisation.name},
            area_communes=[self.liege],
        )
        organisation.refresh_from_db()
        self.assertEqual(organisation.version, 1)
        self.assertEqual(organisation.history.count(), 1)

    def test_it_archives_and_restores_with_history(self):
        organisation = self.organisation()
        organisation_archive(organisation_id=organisation.pk, by=self.coordinator)
        organisation_restore(organisation_id=organisation.pk, by=self.coordinator)
        reasons = [
            (reason_text(reason), email)
            for reason, email in organisation.history.order_by(
                "history_date"
            ).values_list("history_change_reason", "history_user__email")
        ]
        self.assertEqual(
            reasons,
            [
                ("Création", self.coordinator.email),
                ("Archivage", self.coordinator.email),
                ("Restauration", self.coordinator.email),
            ],
        )

    def test_it_reverts_fields_and_area_to_a_former_version(self):
        organisation = self.organisation(description="avant")
        first = organisation.history.get().history_id
        organisation_update(
            organisation_id=organisation.pk,
            by=self.coordinator,
            expected_version=1,
            fields={"description": "après"},
            area_communes=Commune.objects.filter(nis__in=["62063", "62096"]),
        )
        reverted = organisation_revert(
            organisation_id=organisation.pk, history_id=first, by=self.coordinator
        )
        self.assertEqual(reverted.description, "avant")
        self.assertEqual(
            list(reverted.area_communes.values_list("nis", flat=True)), ["62063"]
        )
        self.assertEqual(reverted.version, 3)

    def test_an_organisation_cannot_be_its_own_parent(self):
        organisation = self.organisation()
        with self.assertRaises(ValidationError):
            organisation_update(
                organisation_id=organisation.pk,
                by=self.coordinator,
                expected_version=1,
                fields={"parent": organisation},
            )

    def test_a_parent_may_not_be_one_of_the_organisation_s_descendants(self):
        federation = self.organisation()
        member = self.organisation("Membre de la fédération", parent=federation)
        antenna = self.organisation("Antenne du membre", parent=member)
        for descendant in (member, antenna):
            with (
                self.subTest(parent=descendant.name),
                self.assertRaises(ValidationError) as refused,
            ):
                organisation_update(
                    organisation_id=federation.pk,
                    by=self.coordinator,
                    expected_version=None,
                    fields={"parent": descendant},
                )
            self.assertIn("boucle", str(refused.exception.message_dict["parent"]))
        federation.refresh_from_db()
        self.assertIsNone(federation.parent_id)
        # Another branch is fine.
        other = self.organisation("Autre fédération")
        organisation_update(
            organisation_id=federation.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"parent": other},
        )


class ServiceAndRelationTests(ServiceTestCase):
    def test_an_archived_organisation_gets_no_new_service(self):
        organisation = self.organisation()
        organisation_archive(organisation_id=organisation.pk, by=self.coordinator)
        organisation.refresh_from_db()
        with self.assertRaises(ValidationError) as raised:
            service_create(
                by=self.coordinator,
                fields={
                    "organisation": organisation,
                    "theme": self.theme,
                    "title": "FLE",
                },
            )
        self.assertIn("organisation", raised.exception.message_dict)
        self.assertFalse(Service.objects.exists())

    def test_a_service_ends_after_it_starts(self):
        with self.assertRaises(ValidationError):
            service_create(
                by=self.coordinator,
                fields={
                    "organisation": self.organisation(),
                    "theme": self.theme,
                    "title": "FLE",
                    "start_date": datetime.date(2026, 5, 1),
                    "end_date": datetime.date(2026, 4, 1),
                },
            )
        self.assertFalse(Service.objects.exists())

    def test_a_subtheme_belongs_to_its_theme(self):
        other = Theme.objects.exclude(parent=None).exclude(parent=self.theme).first()
        with self.assertRaises(ValidationError) as raised:
            service_create(
                by=self.coordinator,
                fields={
                    "organisation": self.organisation(),
                    "theme": self.theme,
                    "subtheme": other,
                    "title": "FLE",
                },
            )
        self.assertIn("subtheme", raised.exception.message_dict)

    def test_a_service_makes_its_organisation_findable_by_its_description(self):
        organisation = self.organisation()
        service_create(
            by=self.coordinator,
            fields={
                "organisation": organisation,
                "theme": self.theme,
                "title": "Cours de français",
                "description": "Alphabétisation des adultes",
            },
            communes=[self.liege],
        )
        organisation.refresh_from_db()
        self.assertIn("alphabetisation", organisation.search_text)

    def test_a_relation_links_two_different_organisations_once(self):
        a, b = self.organisation("A"), self.organisation("B")
        kind = RelationType.objects.first()
        with self.assertRaises(ValidationError):
            relation_create(
                by=self.coordinator, fields={"source": a, "target": a, "type": kind}
            )
        relation_create(
            by=self.coordinator, fields={"source": a, "target": b, "type": kind}
        )
        with self.assertRaises(ValidationError):
            relation_create(
                by=self.coordinator, fields={"source": a, "target": b, "type": kind}
            )
        self.assertEqual(Relation.objects.count(), 1)


class ContactErasureTests(ServiceTestCase):
    def test_erasing_a_contact_leaves_no_personal_data_in_history(self):
        contact = contact_create(
            by=self.coordinator,
            fields={
                "organisation": self.organisation(),
                "name": "Nadia Exemple",
                "email": "nadia@example.org",
                "legal_basis": Contact.LegalBasis.CONSENT,
            },
        )
        contact_erase(contact_id=contact.pk, by=self.coordinator)
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(Contact.history.filter(id=contact.pk).exists())


class ArchivedParentTests(ServiceTestCase):
    def test_a_parent_archived_later_does_not_block_other_edits(self):
        parent = self.organisation("Fédération")
        child = self.organisation("Antenne", parent=parent)
        organisation_archive(organisation_id=parent.pk, by=self.coordinator)
        parent.refresh_from_db()
        updated = organisation_update(
            organisation_id=child.pk,
            by=self.coordinator,
            expected_version=1,
            fields={"parent": parent, "description": "mise à jour"},
        )
        self.assertEqual(updated.description, "mise à jour")
        with self.assertRaises(ValidationError) as raised:
            self.organisation("Nouvelle antenne", parent=parent)
        self.assertIn("parent", raised.exception.message_dict)


class ServiceCommuneKeysTests(ServiceTestCase):
    def test_service_commune_rows_repeat_their_service_s_keys(self):
        first, second = self.organisation(), self.organisation("CPAS de Huy")
        service = service_create(
            by=self.coordinator,
            fields={"organisation": first, "title": "Cours", "theme": self.theme},
            communes=[self.liege],
        )
        stale = ServiceCommune.objects.exclude(
            theme_id=F("service__theme_id"),
            organisation_id=F("service__organisation_id"),
        )
        self.assertFalse(stale.exists())
        housing = Theme.objects.get(code="housing")
        service_update(
            service_id=service.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"organisation": second, "theme": housing},
        )
        self.assertFalse(stale.exists())
        row = ServiceCommune.objects.get(service=service)
        self.assertEqual((row.theme_id, row.organisation_id), (housing.pk, second.pk))
