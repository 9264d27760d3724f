from io import StringIO
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Max, Sum
from django.test import TestCase, override_settings

from accounts.models import Role, User
from coordination.models import BodyMember, CoordinationBody
from register.models import (
    Assessment,
    Contact,
    Membership,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
)
from register.search import search
from register.validators import validate_enterprise_number
from territory.models import Commune, PopulationFigure

COUNTED = (
    User,
    Membership,
    Organisation,
    Organisation.area_communes.through,
    Service,
    ServiceCommune,
    Relation,
    Contact,
    Assessment,
    CoordinationBody,
    BodyMember,
    Organisation.history.model,
    Service.history.model,
)


def seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
class SeedDemoTests(TestCase):
    output: ClassVar[str]

    @classmethod
    def setUpTestData(cls):
        call_command("load_reference", stdout=StringIO())
        cls.output = seed_demo()

    def counts(self):
        return {model.__name__: model.objects.count() for model in COUNTED}

    def test_it_creates_nothing_new_when_run_again(self):
        before = self.counts()
        output = seed_demo()
        self.assertEqual(self.counts(), before)
        self.assertIn("already there", output)
        self.assertIn("(0 new)", output)
        self.assertNotRegex(output, r"\([1-9]\d* new\)")

    def test_it_builds_an_ecosystem_of_the_expected_size(self):
        self.assertGreaterEqual(Organisation.objects.count(), 60)
        self.assertTrue(60 <= Service.objects.count() <= 90)
        self.assertGreaterEqual(Relation.objects.count(), 40)
        self.assertGreaterEqual(CoordinationBody.objects.count(), 6)
        self.assertGreaterEqual(Assessment.objects.count(), 5)
        self.assertGreaterEqual(Contact.objects.count(), 60)
        for body in CoordinationBody.objects.all():
            self.assertTrue(body.members.filter(role=BodyMember.Role.CHAIR).exists())
            self.assertTrue(body.convenors.exists(), body)

    def test_it_names_the_real_public_bodies(self):
        for name in (
            "Office des étrangers",
            "Fedasil",
            "SPW Intérieur et Action sociale",
            "Le Forem",
            "AViQ",
            "Croix-Rouge de Belgique",
            "CRIPEL",
            "CeRAIC",
            "CRILux",
            "DisCRI",
            "CPAS de Liège",
            "Ville d'Eupen",
        ):
            self.assertTrue(Organisation.objects.filter(name=name).exists(), name)

    def test_it_creates_five_accounts_and_two_focal_points_of_two_cpas(self):
        self.assertEqual(
            sorted(User.objects.values_list("email", "role")),
            [
                ("admin@example.org", Role.ADMINISTRATOR),
                ("coordinator@example.org", Role.COORDINATOR),
                ("focal.point.b@example.org", Role.FOCAL_POINT),
                ("focal.point@example.org", Role.FOCAL_POINT),
                ("observer@example.org", Role.OBSERVER),
            ],
        )
        self.assertEqual(
            list(
                Membership.objects.order_by("user__email").values_list(
                    "user__email", "organisation__name"
                )
            ),
            [
                ("focal.point.b@example.org", "CPAS de Namur"),
                ("focal.point@example.org", "CPAS de Liège"),
            ],
        )
        focal_point = User.objects.get(email="focal.point@example.org")
        self.assertTrue(focal_point.check_password("maillage-demo"))
        self.assertTrue(focal_point.full_name)
        self.assertIn("focal.point@example.org", self.output)
        self.assertIn("CPAS de Liège", self.output)

    def test_it_keeps_a_changed_demo_password(self):
        user = User.objects.get(email="focal.point@example.org")
        user.set_password("a-private-passphrase-9")
        user.save(update_fields=["password"])
        seed_demo()
        user.refresh_from_db()
        self.assertTrue(user.check_password("a-private-passphrase-9"))

    def test_every_contact_is_fictitious(self):
        for email, phone in Contact.objects.values_list("email", "phone"):
            self.assertTrue(email.endswith("@example.org"), email)
            self.assertTrue(phone.startswith("+32 0 000 "), phone)
        for email in Organisation.objects.exclude(email="").values_list(
            "email", flat=True
        ):
            self.assertTrue(email.endswith("@example.org"), email)
        shared = set(Contact.objects.values_list("shared", flat=True))
        self.assertEqual(shared, {True, False})
        self.assertTrue(Contact.objects.filter(is_focal_point=True).exists())
        self.assertEqual(
            Contact.objects.filter(
                legal_basis=Contact.LegalBasis.CONSENT, consent_date__isnull=True
            ).count(),
            0,
        )

    def test_only_fictitious_organisations_have_valid_enterprise_numbers(self):
        numbered = Organisation.objects.exclude(enterprise_number="")
        self.assertTrue(numbered.exists())
        for organisation in numbered:
            validate_enterprise_number(organisation.enterprise_number)
            self.assertRegex(organisation.name, r"\(ficti(ve|f)\)")
        with self.assertRaises(ValidationError):
            validate_enterprise_number("0000000198")

    def test_services_are_consistent_and_some_are_published(self):
        self.assertTrue(Service.objects.filter(published=True).exists())
        self.assertTrue(Service.objects.filter(published=False).exists())
        statuses = set(Service.objects.values_list("status", flat=True))
        self.assertEqual(statuses, set(Service.Status.values))
        for service in Service.objects.select_related("subtheme"):
            if service.subtheme is not None:
                self.assertEqual(service.subtheme.parent_id, service.theme_id)
            if service.start_date and service.end_date:
                self.assertLessEqual(service.start_date, service.end_date)
            if service.status == Service.Status.ENDED:
                self.assertIsNotNone(service.end_date, service)
            self.assertTrue(service.target_groups.exists(), service)
        self.assertFalse(Service.objects.filter(service_communes__isnull=True).exists())

    def test_areas_follow_each_level(self):
        def area(name):
            organisation = Organisation.objects.get(name=name)
            return set(organisation.area_communes.values_list("nis", flat=True))

        walloon = set(
            Commune.objects.filter(region_id="03000").values_list("nis", flat=True)
        )
        self.assertEqual(area("CPAS de Liège"), {"62063"})
        self.assertEqual(area("SPW Intérieur et Action sociale"), walloon)
        self.assertEqual(
            area("Fedasil"), set(Commune.objects.values_list("nis", flat=True))
        )
        self.assertEqual(
            area("Ministerium der Deutschsprachigen Gemeinschaft"),
            set(
                Commune.objects.filter(language_area="de").values_list("nis", flat=True)
            ),
        )
        cripel = area("CRIPEL")
        self.assertIn("62063", cripel)
        self.assertTrue(
            cripel
            <= set(
                Commune.objects.filter(province_id="60000").values_list(
                    "nis", flat=True
                )
            )
        )
        self.assertNotIn("63079", cripel)  # Verviers is CRVI's

    def test_every_organisation_and_service_is_searchable(self):
        self.assertFalse(Organisation.objects.filter(search_text="").exists())
        self.assertFalse(Service.objects.filter(search_text="").exists())
        found = set(
            search(Organisation.objects.all(), "Liege").values_list("name", flat=True)
        )
        self.assertIn("CPAS de Liège", found)
        # An organisation is found by the words of its services.
        self.assertIn(
            "Fédération Wallonie-Bruxelles",
            set(
                search(Organisation.objects.all(), "daspa").values_list(
                    "name", flat=True
                )
            ),
        )

    def test_relations_have_a_declarant_a_date_and_themes(self):
        self.assertFalse(Relation.objects.filter(since__isnull=True).exists())
        self.assertGreater(
            Relation.objects.filter(declared_by__isnull=False).count(),
            Relation.objects.count() // 2,
        )
        types = set(Relation.objects.values_list("type__code", flat=True))
        self.assertTrue(
            {"funds", "supervises", "coordinates", "refers-to", "member-of"} <= types
        )
        self.assertFalse(Relation.objects.filter(themes__isnull=True).exists())

    def test_population_figures_are_plausible_and_marked_fictitious(self):
        figures = PopulationFigure.objects.filter(
            indicator=PopulationFigure.Indicator.TEMPORARY_PROTECTION
        )
        self.assertFalse(figures.filter(fictitious=False).exists())
        latest = figures.aggregate(date=Max("date"))["date"]
        on_latest = figures.filter(date=latest)
        self.assertEqual(
            on_latest.count(),
            Commune.objects.in_scope(settings.TERRITORY_SCOPE).count(),
        )
        total = on_latest.aggregate(total=Sum("value"))["total"]
        # About 11,000 people under temporary protection in Wallonia.
        self.assertTrue(9_000 <= total <= 13_000, total)

    def test_assessments_are_by_the_coordinator(self):
        authors = set(Assessment.objects.values_list("author__email", flat=True))
        self.assertEqual(authors, {"coordinator@example.org"})

    def test_changes_are_recorded_in_history_by_the_administrator(self):
        organisation = Organisation.objects.get(name="Fedasil")
        record = organisation.history.earliest()
        self.assertEqual(record.history_user.email, "admin@example.org")

    def test_it_keeps_edits_made_since(self):
        Organisation.objects.filter(name="CPAS de Liège").update(
            description="Edited by the CPAS."
        )
        Contact.objects.filter(email="focal.point@example.org").delete()
        seed_demo()
        self.assertEqual(
            Organisation.objects.get(name="CPAS de Liège").description,
            "Edited by the CPAS.",
        )
        # What was removed comes back; nothing else is duplicated.
        self.assertEqual(
            Contact.objects.filter(email="focal.point@example.org").count(), 1
        )

    def test_the_summary_says_everything_is_fictitious(self):
        self.assertIn("fictitious", self.output)
        self.assertIn("maillage-demo", self.output)
        self.assertRegex(self.output, r"\d+ organisations \(\d+ new\)")
        self.assertRegex(self.output, r"\d+ coordination bodies")


class SeedDemoRefusalTests(TestCase):
    @override_settings(DEBUG=True)
    def test_it_asks_for_the_reference_data_first(self):
        with self.assertRaisesMessage(CommandError, "load_reference"):
            seed_demo()
        self.assertFalse(User.objects.exists())
        self.assertFalse(Organisation.objects.exists())

    @override_settings(DEBUG=False)
    def test_it_refuses_to_create_known_passwords_in_production(self):
        with self.assertRaisesMessage(CommandError, "--allow-production"):
            seed_demo()
        self.assertFalse(User.objects.exists())

    @override_settings(DEBUG=False)
    def test_it_runs_in_production_when_told_to(self):
        call_command("load_reference", stdout=StringIO())
        seed_demo("--allow-production")
        self.assertEqual(User.objects.count(), 5)
