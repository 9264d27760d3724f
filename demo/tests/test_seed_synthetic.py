import datetime
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase

from demo.synthetic import _Builder
from register.models import Organisation, Relation, Service, ServiceCommune
from register.search import search
from taxonomy.models import Theme
from territory.models import Commune


def seed_synthetic(*args: str) -> str:
    out = StringIO()
    call_command("seed_synthetic", *args, stdout=out)
    return out.getvalue()


def sizes(organisations=50, services=3, relations=40, communes=2, seed=None):
    args = [
        f"--organisations={organisations}",
        f"--services-per-org={services}",
        f"--relations={relations}",
        f"--communes-per-service={communes}",
    ]
    return [*args, f"--seed={seed}"] if seed is not None else args


def snapshot():
    """The generated data without its ids, which may differ between runs."""
    return {
        "organisations": list(
            Organisation.objects.order_by("id").values_list(
                "name",
                "level__code",
                "actor_type__code",
                "commune_id",
                "languages",
                "status",
                "published",
                "search_text",
            )
        ),
        "areas": list(
            Organisation.area_communes.through.objects.order_by(
                "organisation_id", "commune_id"
            ).values_list("organisation__name", "commune_id")
        ),
        "services": list(
            Service.objects.order_by("id").values_list(
                "organisation__name",
                "title",
                "theme__code",
                "subtheme__code",
                "status",
                "start_date",
                "end_date",
                "published",
            )
        ),
        "service_communes": list(
            ServiceCommune.objects.order_by("service_id", "commune_id").values_list(
                "service__organisation__name", "service__title", "commune_id"
            )
        ),
        "relations": list(
            Relation.objects.order_by("id").values_list(
                "source__name", "target__name", "type__code", "since", "formal"
            )
        ),
    }


class SeedSyntheticTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_reference", stdout=StringIO())

    def test_it_builds_exactly_the_sizes_asked(self):
        output = seed_synthetic(*sizes(50, 3, 40, 2))
        self.assertEqual(Organisation.objects.count(), 50)
        self.assertEqual(Service.objects.count(), 150)
        self.assertEqual(ServiceCommune.objects.count(), 300)
        self.assertEqual(Relation.objects.count(), 40)
        self.assertIn("50 synthetic organisations", output)
        self.assertIn("300 service × commune rows", output)
        self.assertRegex(output, r"in \d+\.\d s\.")

    def test_its_data_is_well_formed(self):
        seed_synthetic(*sizes(60, 2, 80, 3))
        walloon = set(
            Commune.objects.filter(region_id="03000").values_list("nis", flat=True)
        )
        for service in Service.objects.select_related("subtheme").prefetch_related(
            "communes", "target_groups"
        ):
            communes = {commune.nis for commune in service.communes.all()}
            self.assertEqual(len(communes), 3)
            self.assertTrue(communes <= walloon)
            self.assertTrue(service.target_groups.all())
            if service.subtheme is not None:
                self.assertEqual(service.subtheme.parent_id, service.theme_id)
            if service.start_date and service.end_date:
                self.assertLessEqual(service.start_date, service.end_date)
        for organisation in Organisation.objects.all():
            self.assertTrue(organisation.name.startswith("Organisation synthétique"))
            self.assertTrue(organisation.area_communes.exists())
            self.assertIn(organisation.commune_id, walloon)
        triples = list(Relation.objects.values_list("source", "target", "type"))
        self.assertEqual(len(triples), len(set(triples)))
        self.assertFalse(any(source == target for source, target, _ in triples))
        self.assertFalse(Organisation.objects.filter(search_text="").exists())
        self.assertFalse(Service.objects.filter(search_text="").exists())
        # The full-text index follows bulk inserts too.
        self.assertEqual(search(Organisation.objects.all(), "synthetique").count(), 60)
        self.assertEqual(search(Service.objects.all(), "synthetique").count(), 120)

    def test_the_same_seed_gives_the_same_data(self):
        with transaction.atomic():
            seed_synthetic(*sizes(seed=7))
            first = snapshot()
            transaction.set_rollback(True)
        self.assertFalse(Organisation.objects.exists())
        seed_synthetic(*sizes(seed=7))
        self.assertEqual(snapshot(), first)
        with transaction.atomic():
            Relation.objects.all().delete()
            ServiceCommune.objects.all().delete()
            Service.target_groups.through.objects.all().delete()
            Service.objects.all().delete()
            Organisation.area_communes.through.objects.all().delete()
            Organisation.objects.all().delete()
            seed_synthetic(*sizes(seed=8))
            self.assertNotEqual(snapshot(), first)
            transaction.set_rollback(True)

    def test_it_adds_to_the_data_already_there(self):
        seed_synthetic(*sizes(20, 1, 10))
        seed_synthetic(*sizes(20, 1, 10))
        self.assertEqual(Organisation.objects.count(), 40)
        self.assertEqual(Relation.objects.count(), 20)
        names = list(Organisation.objects.values_list("name", flat=True))
        self.assertEqual(len(set(names)), 40)
        self.assertTrue(
            Organisation.objects.filter(
                name__startswith="Organisation synthétique 00040 "
            ).exists()
        )

    def test_without_new_organisations_it_relates_the_existing_ones(self):
        seed_synthetic(*sizes(10, 1, 0))
        seed_synthetic(*sizes(0, 1, 25))
        self.assertEqual(Organisation.objects.count(), 10)
        self.assertEqual(Relation.objects.count(), 25)

    def test_it_fills_every_possible_relation_when_asked(self):
        # 3 organisations × 2 others × 8 types: every triple exists once.
        seed_synthetic(*sizes(3, 0, 48))
        self.assertEqual(Relation.objects.count(), 48)

    def test_it_goes_through_the_register_rules(self):
        # A generated service that breaks a rule is refused as a person's would be.
        plan_service = _Builder.plan_service
        # Sub-themes of two themes: one is not of the service's theme.
        subthemes = dict(
            Theme.objects.filter(
                code__in=("first-line-legal-aid", "food-aid")
            ).values_list("parent_id", "pk")
        )

        def wrong(field):
            def plan(builder, *args):
                service = plan_service(builder, *args)
                if field == "subtheme":
                    service["subtheme_id"] = next(
                        pk
                        for parent, pk in subthemes.items()
                        if parent != service["theme_id"]
                    )
                if field == "end_date":
                    day = datetime.timedelta(days=1)
                    service["end_date"] = service["start_date"] - day
                return service

            return plan

        for field, message in (
            ("subtheme", "n'appartient pas au thème choisi"),
            ("end_date", "La date de fin précède la date de début"),
        ):
            with (
                self.subTest(field=field),
                mock.patch.object(_Builder, "plan_service", wrong(field)),
                self.assertRaisesMessage(CommandError, message),
            ):
                seed_synthetic(*sizes(5, 2, 4))
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(Service.objects.exists())

    def test_it_records_its_data_in_history_and_archives_last(self):
        seed_synthetic(*sizes(100, 2, 60))
        archived = Organisation.objects.filter(status="archived")
        self.assertTrue(archived.exists())
        # Archived after their services and relations were attached.
        self.assertTrue(Service.objects.filter(organisation__in=archived).exists())
        for organisation in archived:
            self.assertEqual(
                list(organisation.history.values_list("history_type", "status")),
                [("~", "archived"), ("+", "active")],
            )
        self.assertEqual(
            Service.history.filter(history_change_reason="Données synthétiques")
            .values("id")
            .distinct()
            .count(),
            200,
        )

    def test_it_rejects_bad_sizes_and_writes_nothing(self):
        cases = (
            (sizes(-1, 3, 4), "--organisations must be 0 or more"),
            (sizes(5, -3, 4), "--services-per-org must be 0 or more"),
            (sizes(5, 3, -4), "--relations must be 0 or more"),
            (sizes(5, 3, 4, -1), "--communes-per-service must be 0 or more"),
            (sizes(5, 3, 4, 300), "--communes-per-service must be at most 261"),
            (sizes(2, 3, 40), "Cannot create 40 relations between 2 organisations"),
            (sizes(1, 3, 1), "at most 0 distinct"),
            (sizes(0, 3, 1), "between 0 organisations"),
        )
        for args, message in cases:
            with (
                self.subTest(args=args),
                self.assertRaisesMessage(CommandError, message),
            ):
                seed_synthetic(*args)
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(Service.objects.exists())


class SeedSyntheticWithoutReferenceTests(TestCase):
    def test_it_asks_for_the_reference_data(self):
        with self.assertRaisesMessage(CommandError, "load_reference"):
            seed_synthetic(*sizes())
