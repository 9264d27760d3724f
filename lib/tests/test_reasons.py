"""Reasons the platform writes in history are kept as codes and read in the
reader's language and time zone; the reasons people type are kept as typed."""

from datetime import UTC, datetime

from django.test import SimpleTestCase
from django.utils import translation

from lib import reasons
from lib.reasons import reason_text


class ReasonTests(SimpleTestCase):
    def test_the_platforms_reasons_are_codes_read_in_each_language(self):
        cases = {
            reasons.reason(reasons.CREATED): {
                "fr": "Création",
                "nl": "Aanmaak",
                "de": "Erstellung",
                "en": "Creation",
            },
            reasons.import_undone_reason(12): {
                "fr": "Annulation de l'import n° 12",
                "nl": "Ongedaan maken van import nr. 12",
                "de": "Rückgängigmachen von Import Nr. 12",
                "en": "Undoing of import no. 12",
            },
        }
        for stored, texts in cases.items():
            self.assertTrue(stored.startswith("maillage:"))
            for language, text in texts.items():
                with (
                    self.subTest(stored=stored, language=language),
                    translation.override(language),
                ):
                    self.assertEqual(reason_text(stored), text)

    def test_an_import_keeps_its_number_and_file_even_when_long(self):
        stored = reasons.import_reason(7, "partenaires: liège.xlsx")
        with translation.override("fr"):
            self.assertEqual(
                reason_text(stored), "Import n° 7 (partenaires: liège.xlsx)"
            )
        long = reasons.import_reason(7, "x" * 300)
        self.assertEqual(len(long), 100)
        with translation.override("fr"):
            self.assertTrue(reason_text(long).startswith("Import n° 7 (xxx"))

    def test_a_version_date_is_kept_in_utc_and_read_in_brussels_time(self):
        stored = reasons.reverted_reason(datetime(2026, 7, 1, 8, 5, tzinfo=UTC))
        self.assertEqual(stored, "maillage:reverted:2026-07-01T08:05Z")
        with translation.override("fr"):
            self.assertEqual(
                reason_text(stored), "Retour à la version du 1 juillet 2026, 10:05"
            )
        with translation.override("de"):
            self.assertIn("1 Juli 2026, 10:05", reason_text(stored))

    def test_typed_reasons_and_unknown_codes_read_as_stored(self):
        for stored in (
            "Mise à jour annuelle",
            "",
            "maillage:unknown:3",
            "maillage:reverted:pas une date",
        ):
            with self.subTest(stored=stored):
                self.assertEqual(reason_text(stored), stored)
