"""The exchange columns, derived from the register's model fields."""

from unittest import mock

from django.test import SimpleTestCase
from django.utils.translation import gettext_lazy

from exchange.columns import SHEETS, Kind, _field, columns_for
from exchange.mapping import map_columns
from register.models import Assessment, Organisation, Service
from taxonomy.models import TargetGroup


def column(sheet: str, key: str):
    return next(column for column in columns_for(sheet) if column.key == key)


class ColumnTests(SimpleTestCase):
    def test_a_renamed_field_renames_its_column_in_every_language(self) -> None:
        acronym = Organisation._meta.get_field("acronym")
        with mock.patch.object(acronym, "verbose_name", gettext_lazy("intitulé")):
            self.assertEqual(
                column("organisations", "acronym").labels,
                {"fr": "intitulé", "nl": "titel", "de": "Bezeichnung", "en": "title"},
            )
            for header in ("Intitulé", "Bezeichnung", "Abkürzung"):
                with self.subTest(header=header):
                    mapping = map_columns("organisations", [header])
                    self.assertEqual(mapping.keys, {"acronym"})
        self.assertEqual(column("organisations", "acronym").labels["de"], "Kürzel")

    def test_the_headers_of_earlier_templates_still_map(self) -> None:
        for sheet, header, key in (
            ("organisations", "numéro d'entreprise", "enterprise_number"),
            ("organisations", "Sprachen", "languages"),
            ("organisations", "moederorganisatie", "parent"),
            ("contacts", "date du consentement", "consent_date"),
            ("contacts", "Partagé", "shared"),
            ("services", "Zugangsvoraussetzungen", "eligibility"),
            ("services", "end date", "end_date"),
            ("relations", "declared by", "declared_by"),
            ("4w", "Modalität", "delivery_mode"),
        ):
            with self.subTest(header=header):
                self.assertEqual(map_columns(sheet, [header]).keys, {key})

    def test_a_field_gives_its_column_kind_vocabulary_and_choices(self) -> None:
        groups = column("services", "target_groups")
        self.assertEqual((groups.kind, groups.vocabulary), (Kind.CODES, TargetGroup))
        cost = column("services", "cost")
        self.assertEqual((cost.kind, cost.choices), (Kind.CHOICE, Service.Cost))
        for sheet, key, kind in (
            ("organisations", "parent", Kind.ORGANISATION),
            ("organisations", "area_communes", Kind.COMMUNES),
            ("organisations", "website", Kind.URL),
            ("organisations", "languages", Kind.LANGUAGES),
            ("contacts", "consent_date", Kind.DATE),
            ("contacts", "shared", Kind.BOOLEAN),
            ("services", "capacity", Kind.INTEGER),
            ("services", "funders", Kind.ORGANISATIONS),
            ("relations", "source_note", Kind.TEXT),
        ):
            with self.subTest(key=key):
                self.assertEqual(column(sheet, key).kind, kind)

    def test_a_field_without_blank_or_default_is_a_required_column(self) -> None:
        required = {
            sheet: {column.key for column in columns_for(sheet) if column.required}
            for sheet in SHEETS
        }
        self.assertEqual(
            required,
            {
                "organisations": {"name", "level", "sector", "actor_type"},
                "contacts": {"organisation", "name", "legal_basis"},
                "services": {"organisation", "title", "theme"},
                "relations": {"source", "target", "type"},
                # A partner's 4W may name no activity: the theme names it.
                "4w": {"organisation_name", "theme"},
            },
        )

    def test_a_column_without_help_of_its_own_shows_the_fields(self) -> None:
        self.assertEqual(
            str(column("services", "eligibility").help),
            "Par exemple : attestation de protection temporaire requise.",
        )

    def test_a_field_of_no_known_kind_needs_a_declared_column(self) -> None:
        with self.assertRaises(TypeError):
            _field(Assessment, "created_at", "#date")
