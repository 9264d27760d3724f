"""The import reads what the interface shows: its headers and their short
forms, term names and the short forms the help suggests; a refusal lists the
accepted values, and a row reports every error it has."""

import io
from typing import Any

from exchange.imports import ImportReport, import_file, short_forms
from exchange.mapping import map_columns
from exchange.tests.base import ImportTestCase, csv_bytes
from register.models import Organisation


class ImportLabelTests(ImportTestCase):
    def run_csv(self, rows: list[list[Any]], kind: str) -> ImportReport:
        return import_file(
            io.BytesIO(csv_bytes(rows)),
            file_name=f"{kind}.csv",
            user=self.coordinator,
            kind=kind,
            dry_run=False,
        )

    def test_the_interfaces_short_headers_are_recognised(self):
        header = ["Nom", "Niveau", "Secteur", "Type d'acteur", "Langues parlées"]
        mapping = map_columns("organisations", header)
        self.assertEqual(
            [mapping.columns[index].key for index in range(len(header))],
            ["name", "level", "sector", "actor_type", "languages"],
        )
        self.assertEqual(
            map_columns("services", ["Intitulé", "Gesprochene Sprachen"])
            .columns[1]
            .key,
            "languages",
        )

    def test_short_forms_of_terms_are_accepted(self):
        report = self.run_csv(
            [
                ["Nom", "Niveau", "Secteur", "Type d'acteur", "Langues parlées"],
                [
                    "Entraide Ukraine",
                    "Non gouvernemental",
                    "associatif",
                    "Association ou ONG",
                    "français; Ukrainien",
                ],
                [
                    "Commune de Spa",
                    "communes et CPAS",
                    "public",
                    "administration communale",
                    "fr",
                ],
            ],
            "organisations",
        )
        self.assertTrue(report.applied, report.as_text())
        entraide = Organisation.objects.values(
            "level__code", "sector__code", "languages"
        ).get(name="Entraide Ukraine")
        self.assertEqual(
            (entraide["level__code"], entraide["sector__code"]),
            ("non-governmental", "non-profit"),
        )
        self.assertEqual(entraide["languages"], ["fr", "uk"])

    def test_a_refusal_lists_the_accepted_values_and_every_error(self):
        report = self.run_csv(
            [
                ["Nom", "Niveau", "Secteur", "Type d'acteur", "Statut"],
                ["Erreurs", "galactique", "lunaire", "association", "perdu"],
            ],
            "organisations",
        )
        self.assertFalse(report.applied)
        messages = [
            message
            for sheet in report.sheets
            for row in sheet.rows
            for message in row.messages
        ]
        self.assertEqual(len(messages), 3, messages)
        self.assertIn("valeurs acceptées : « Secteur public", messages[1])
        self.assertIn("« Secteur associatif (non marchand) »", messages[1])
        self.assertIn("« archivée »", messages[2])

    def test_a_row_with_unreadable_cells_reports_its_other_errors_too(self):
        # An unknown theme (a cell that cannot be read), a title over its limit
        # and an end before the start (what the model and the register's rules
        # refuse): all three at once, not the theme first and the rest on the
        # next try.
        report = self.run_csv(
            [
                ["Intitulé", "Organisation", "Thème", "Début", "Fin"],
                ["x" * 300, "CRVI", "thème inconnu", "2026-05-01", "2026-01-01"],
            ],
            "services",
        )
        self.assertFalse(report.applied)
        (row,) = report.sheets[0].rows
        self.assertEqual(len(row.messages), 3, row.messages)
        theme, title, dates = row.messages
        self.assertTrue(theme.startswith("thème : « thème inconnu »"), theme)
        # Themes are listed in their order, before any sub-theme.
        self.assertIn("« Statut de séjour et enregistrement », « Hébergement", theme)
        self.assertTrue(title.startswith("intitulé : "), title)
        self.assertIn("255", title)
        self.assertEqual(dates, "fin : La date de fin précède la date de début.")

    def test_short_forms(self):
        self.assertEqual(
            short_forms("Non gouvernemental (associations)"),
            {"non gouvernemental", "gouvernemental", "associations"},
        )
        self.assertIn("associatif", short_forms("Secteur associatif (non marchand)"))
