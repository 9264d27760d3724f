"""Importing organisations: upserts, validation, duplicates, conflicts, undo."""

import io
from typing import Any

from exchange.imports import ImportReport, UndoRefused, batch_undo, import_file
from exchange.models import ImportBatch
from exchange.tests.base import ImportTestCase, csv_bytes
from lib.reasons import reason_text
from register import services
from register.models import Organisation

HEADER = ["name", "level", "sector", "actor_type", "postal_code", "enterprise_number"]
CROIX_ROUGE = ["Croix-Rouge Namur", "municipal", "non-profit", "association", "5000"]


class OrganisationImportTests(ImportTestCase):
    def run_import(
        self, rows: list[list[Any]], *, dry_run: bool = False, **options: Any
    ) -> ImportReport:
        return import_file(
            io.BytesIO(csv_bytes(rows)),
            file_name="orgs.csv",
            user=self.coordinator,
            kind=options.pop("kind", "organisations"),
            dry_run=dry_run,
            **options,
        )

    def rows(self, report: ImportReport) -> list[tuple[int, str, list[str]]]:
        return [
            (row.line, str(row.status), row.messages)
            for sheet in report.sheets
            for row in sheet.rows
        ]

    def test_it_creates_an_organisation_with_history_naming_the_import(self) -> None:
        report = self.run_import([HEADER, [*CROIX_ROUGE, "0403.170.701"]])
        self.assertTrue(report.applied, report.as_text())
        organisation = Organisation.objects.get(name="Croix-Rouge Namur")
        self.assertEqual(organisation.commune_id, "92094")
        self.assertEqual(organisation.enterprise_number, "0403170701")
        record = organisation.history.get()
        self.assertEqual(record.history_user, self.coordinator)
        self.assertEqual(
            reason_text(record.history_change_reason),
            f"Import n° {report.batch_id} (orgs.csv)",
        )
        batch = ImportBatch.objects.get()
        self.assertEqual(batch.created, {"organisation": [organisation.pk]})
        self.assertIn("croix rouge namur", organisation.search_text)

    def test_a_dry_run_writes_nothing(self) -> None:
        report = self.run_import([HEADER, [*CROIX_ROUGE, ""]], dry_run=True)
        self.assertTrue(report.valid)
        self.assertFalse(report.applied)
        self.assertEqual(report.counts["created"], 1)
        self.assertFalse(Organisation.objects.filter(name="Croix-Rouge Namur").exists())
        self.assertFalse(ImportBatch.objects.exists())

    def test_it_reads_labels_in_any_language_and_header_names(self) -> None:
        report = self.run_import(
            [
                ["Naam", "Institutioneel niveau", "Sektor", "TYPE D’ACTEUR"],
                [
                    "Croix-Rouge Namur",
                    "Gemeenten en OCMW’s",
                    "SECTEUR ASSOCIATIF (non marchand)",
                    "association",
                ],
            ],
            dry_run=True,
        )
        self.assertTrue(report.valid, report.as_text())

    def test_it_updates_by_enterprise_number_and_reports_unchanged_rows(self) -> None:
        services.organisation_update(
            organisation_id=self.organisation_a.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"enterprise_number": "0403170701"},
        )
        report = self.run_import(
            [
                ["enterprise_number", "acronym"],
                ["0403.170.701", "CPAS-LG"],
            ]
        )
        self.assertEqual(self.rows(report), [(2, "updated", [])])
        organisation = Organisation.objects.get(pk=self.organisation_a.pk)
        self.assertEqual(organisation.acronym, "CPAS-LG")
        self.assertEqual(organisation.name, "CPAS de Liège")
        again = self.run_import(
            [["enterprise_number", "acronym"], ["0403170701", "CPAS-LG"]]
        )
        self.assertEqual(self.rows(again), [(2, "unchanged", [])])

    def test_it_updates_by_platform_id(self) -> None:
        report = self.run_import(
            [["id", "phone"], [str(self.organisation_b.pk), "087 00 00 00"]]
        )
        self.assertTrue(report.applied)
        organisation = Organisation.objects.get(pk=self.organisation_b.pk)
        self.assertEqual(organisation.phone, "087 00 00 00")
        self.assertEqual(organisation.version, self.organisation_b.version + 1)

    def test_it_rejects_every_row_when_one_is_wrong(self) -> None:
        report = self.run_import(
            [
                HEADER,
                [*CROIX_ROUGE, ""],
                ["Autre", "municipal", "no-such-sector", "association", "5000", ""],
            ]
        )
        self.assertFalse(report.applied)
        self.assertEqual(self.rows(report)[0][1], "created")
        line, status, messages = self.rows(report)[1]
        self.assertEqual((line, status), (3, "rejected"))
        self.assertIn("no-such-sector", messages[0])
        self.assertFalse(Organisation.objects.filter(name="Croix-Rouge Namur").exists())
        self.assertIn("Rien n'a été enregistré", report.as_text())

    def test_it_rejects_a_bad_enterprise_number(self) -> None:
        report = self.run_import([HEADER, [*CROIX_ROUGE, "0403.170.702"]])
        self.assertEqual(self.rows(report)[0][1], "rejected")
        self.assertIn("chiffres de contrôle", self.rows(report)[0][2][0])

    def test_it_rejects_duplicate_keys_naming_the_other_line(self) -> None:
        report = self.run_import(
            [
                HEADER,
                [*CROIX_ROUGE, "0403170701"],
                [
                    "Croix-Rouge bis",
                    "municipal",
                    "non-profit",
                    "association",
                    "5000",
                    "0403.170.701",
                ],
            ]
        )
        self.assertEqual(
            self.rows(report)[1],
            (3, "rejected", ["Même numéro d'entreprise qu'à la ligne 2."]),
        )

    def test_it_rejects_an_enterprise_number_of_another_organisation(self) -> None:
        services.organisation_update(
            organisation_id=self.organisation_a.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"enterprise_number": "0403170701"},
        )
        report = self.run_import(
            [["id", "enterprise_number"], [str(self.organisation_b.pk), "0403170701"]]
        )
        self.assertEqual(self.rows(report)[0][1], "rejected")
        self.assertIn("Une autre organisation porte déjà", self.rows(report)[0][2][0])

    def test_it_rejects_an_organisation_as_its_own_parent(self) -> None:
        pk = str(self.organisation_a.pk)
        report = self.run_import([["id", "parent"], [pk, pk]])
        self.assertEqual(
            self.rows(report),
            [(2, "rejected", ["Une organisation ne peut pas être sa propre parente."])],
        )

    def test_it_rejects_missing_required_values_and_columns(self) -> None:
        report = self.run_import([HEADER, ["", "municipal", "", "association", "", ""]])
        self.assertEqual(self.rows(report)[0][1], "rejected")
        self.assertEqual(len(self.rows(report)[0][2]), 2)
        missing = self.run_import([["name"], ["X"]])
        self.assertEqual(len(self.rows(missing)[0][2]), 3)
        self.assertFalse(missing.valid)
        nothing = self.run_import([["Colonne"], ["X"]])
        self.assertEqual(
            nothing.problems, ["Onglet « orgs » : aucune colonne n'est reconnue."]
        )

    def test_it_resolves_communes_by_former_code_and_name(self) -> None:
        report = self.run_import(
            [
                ["name", "level", "sector", "actor_type", "commune", "area_communes"],
                [
                    "Bastogne asbl",
                    "municipal",
                    "non-profit",
                    "association",
                    "82003",
                    "Liege; Verviers",
                ],
            ]
        )
        self.assertTrue(report.applied, report.as_text())
        organisation = Organisation.objects.get(name="Bastogne asbl")
        self.assertEqual(organisation.commune_id, "82039")
        self.assertEqual(
            set(organisation.area_communes.values_list("nis", flat=True)),
            {"62063", "63079"},
        )
        record = organisation.history.get()
        self.assertEqual(record.area_communes.count(), 2)

    def test_hxl_hashtags_map_the_columns(self) -> None:
        report = self.run_import(
            [
                ["Structure", "Niveau", "Secteur?", "Type"],
                ["#org+name", "#org+type+level", "#org+type+sector", "#org+type"],
                ["Croix-Rouge Namur", "municipal", "non-profit", "association"],
            ],
            dry_run=True,
        )
        self.assertTrue(report.valid, report.as_text())
        self.assertEqual(report.counts["created"], 1)

    def test_the_user_maps_unknown_columns(self) -> None:
        rows = [
            ["Nom de la structure", "level", "sector", "actor_type", "Remarque"],
            ["Croix-Rouge Namur", "municipal", "non-profit", "association", "x"],
        ]
        report = self.run_import(rows, dry_run=True)
        self.assertEqual(
            report.sheets[0].mapping.unknown, ["Nom de la structure", "Remarque"]
        )
        self.assertFalse(report.valid)
        mapped = self.run_import(
            rows,
            dry_run=True,
            overrides={"Nom de la structure": "name", "Remarque": ""},
        )
        self.assertTrue(mapped.valid, mapped.as_text())
        self.assertEqual(mapped.sheets[0].mapping.unknown, [])

    def test_undo_deletes_what_was_created_and_restores_what_was_updated(self) -> None:
        report = self.run_import(
            [["id", "name"], [str(self.organisation_a.pk), "CPAS de Liège (renommé)"]]
        )
        created = self.run_import([HEADER, [*CROIX_ROUGE, ""]])
        batch_undo(batch_id=created.batch_id or 0, by=self.coordinator)
        self.assertFalse(Organisation.objects.filter(name="Croix-Rouge Namur").exists())
        batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)
        organisation = Organisation.objects.get(pk=self.organisation_a.pk)
        self.assertEqual(organisation.name, "CPAS de Liège")
        self.assertEqual(
            reason_text(organisation.history.first().history_change_reason),
            f"Annulation de l'import n° {report.batch_id}",
        )
        with self.assertRaises(UndoRefused):
            batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)

    def test_undo_refuses_when_an_object_changed_since(self) -> None:
        report = self.run_import(
            [["id", "phone"], [str(self.organisation_a.pk), "04 000"]]
        )
        services.organisation_update(
            organisation_id=self.organisation_a.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"phone": "04 111"},
        )
        with self.assertRaises(UndoRefused):
            batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)
        self.assertEqual(
            Organisation.objects.get(pk=self.organisation_a.pk).phone, "04 111"
        )
        self.assertEqual(ImportBatch.objects.get().status, "applied")
