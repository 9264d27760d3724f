"""Importing services, contacts, relations and 4W sheets, alone or with the
organisations they name."""

import io
from typing import Any

from exchange.imports import ImportReport, batch_undo, import_file
from exchange.tests.base import ImportTestCase, csv_bytes, xlsx_bytes
from register import services
from register.models import Contact, Organisation, Relation, Service
from register.tests.test_counts_kept import CountsExact


class ServiceImportTests(CountsExact, ImportTestCase):
    def run_csv(self, rows: list[list[Any]], kind: str, **options: Any) -> ImportReport:
        return import_file(
            io.BytesIO(csv_bytes(rows)),
            file_name=f"{kind}.csv",
            user=self.coordinator,
            kind=kind,
            dry_run=options.pop("dry_run", False),
        )

    def messages(self, report: ImportReport) -> list[list[str]]:
        return [row.messages for sheet in report.sheets for row in sheet.rows]

    def test_it_creates_services_with_communes_target_groups_and_history(self) -> None:
        report = self.run_csv(
            [
                [
                    "organisation",
                    "title",
                    "theme",
                    "subtheme",
                    "communes",
                    "target_groups",
                ],
                [
                    "CPAS de Liège",
                    "Colis",
                    "basic-needs",
                    "food-aid",
                    "4000;Verviers",
                    "children",
                ],
            ],
            "services",
        )
        self.assertTrue(report.applied, report.as_text())
        service = Service.objects.get(title="Colis")
        self.assertEqual(service.organisation, self.organisation_a)
        self.assertEqual(
            set(service.communes.values_list("nis", flat=True)), {"62063", "63079"}
        )
        self.assertEqual(
            list(service.target_groups.values_list("code", flat=True)), ["children"]
        )
        self.assertEqual(service.history.get().target_groups.count(), 1)
        organisation = Organisation.objects.get(pk=self.organisation_a.pk)
        self.assertIn("colis", organisation.search_text)
        self.assertCountsExact()

    def test_it_rejects_unknown_vocabulary_and_a_foreign_subtheme(self) -> None:
        report = self.run_csv(
            [
                ["organisation", "title", "theme", "subtheme", "target_groups"],
                [str(self.organisation_a.pk), "A", "basic-needs", "french-courses", ""],
                [str(self.organisation_a.pk), "B", "housing", "", "martians"],
            ],
            "services",
        )
        self.assertFalse(report.applied)
        first, second = self.messages(report)
        self.assertIn("n'appartient pas au thème", first[0])
        self.assertIn("martians", second[0])

    def test_it_rejects_a_new_service_of_an_archived_organisation(self) -> None:
        services.organisation_archive(
            organisation_id=self.organisation_b.pk, by=self.coordinator
        )
        report = self.run_csv(
            [["organisation", "title", "theme"], ["CRVI", "Cours", "housing"]],
            "services",
        )
        self.assertIn("est archivée", self.messages(report)[0][0])
        unknown = self.run_csv(
            [["organisation", "title", "theme"], ["Nobody", "Cours", "housing"]],
            "services",
        )
        self.assertIn("n'est pas une organisation connue", self.messages(unknown)[0][0])

    def test_a_workbook_creates_organisations_and_their_services_together(self) -> None:
        data = xlsx_bytes(
            {
                "Instructions": [["Remplissez les onglets"]],
                "services": [
                    ["organisation", "title", "theme", "capacity", "start_date"],
                    ["0403.170.701", "Hébergement", "housing", 12, "2026-01-05"],
                ],
                "organisations": [
                    ["name", "enterprise_number", "level", "sector", "actor_type"],
                    [
                        "Croix-Rouge",
                        "0403170701",
                        "municipal",
                        "non-profit",
                        "association",
                    ],
                ],
            }
        )
        report = import_file(
            io.BytesIO(data), file_name="r.xlsx", user=self.coordinator, dry_run=False
        )
        self.assertTrue(report.applied, report.as_text())
        service = Service.objects.get(title="Hébergement")
        self.assertEqual(service.organisation.name, "Croix-Rouge")
        self.assertEqual(service.capacity, 12)
        self.assertEqual(str(service.start_date), "2026-01-05")
        # Found by the words of its services, like one created through the pages.
        self.assertIn("hebergement", service.organisation.search_text)
        self.assertIn("croix rouge", service.search_text)
        self.assertCountsExact()
        batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)
        self.assertCountsExact()
        self.assertFalse(Organisation.objects.filter(name="Croix-Rouge").exists())
        self.assertFalse(Service.objects.filter(title="Hébergement").exists())

    def test_a_4w_sheet_groups_communes_and_creates_new_organisations(self) -> None:
        header = [
            "#org+name",
            "#org+type",
            "#sector",
            "#activity+name",
            "#adm3+code",
            "#adm1+code",
        ]
        rows = [
            header,
            [
                "Église de Namur",
                "faith-based-organisation",
                "housing",
                "Accueil",
                "92094",
                "",
            ],
            ["EGLISE DE NAMUR", "", "housing", "Accueil", "Liège", "60000"],
            ["CPAS de Liège", "", "housing", "Logement d'urgence", "63079", ""],
        ]
        report = self.run_csv(rows, "4w")
        self.assertTrue(report.applied, report.as_text())
        organisation = Organisation.objects.get(name="Église de Namur")
        service = organisation.services.get()
        self.assertEqual(
            set(service.communes.values_list("nis", flat=True)), {"92094", "62063"}
        )
        self.assertEqual(
            set(self.service_a.communes.values_list("nis", flat=True)),
            {"62063", "63079"},
        )
        self.assertCountsExact()
        batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)
        self.assertCountsExact()
        report = self.run_csv(rows, "4w")
        again = self.run_csv(rows, "4w")
        self.assertEqual(again.counts["unchanged"], 3, again.as_text())
        wrong = self.run_csv(
            [header, ["CPAS de Liège", "", "housing", "X", "62063", "50000"]], "4w"
        )
        self.assertIn("n'est pas dans 50000", self.messages(wrong)[0][0])

    def test_it_imports_contacts_and_relations(self) -> None:
        report = self.run_csv(
            [
                ["organisation", "name", "email", "legal_basis", "shared"],
                ["CRVI", "Zoé", "zoe@example.org", "consentement", "oui"],
                ["CRVI", "Zoé", "zoe@example.org", "consent", "non"],
            ],
            "contacts",
        )
        self.assertEqual(self.messages(report)[1], ["Même personne qu'à la ligne 2."])
        report = self.run_csv(
            [
                ["organisation", "name", "email", "legal_basis", "shared"],
                ["CRVI", "Zoé", "zoe@example.org", "consentement", "oui"],
            ],
            "contacts",
        )
        self.assertTrue(Contact.objects.get(name="Zoé").shared)
        relations = self.run_csv(
            [
                ["source", "target", "type", "themes"],
                ["CPAS de Liège", "CRVI", "funds", "housing;basic-needs"],
                ["CRVI", "CRVI", "funds", ""],
            ],
            "relations",
        )
        self.assertIn("elle-même", self.messages(relations)[1][0])
        relations = self.run_csv(
            [
                ["source", "target", "type", "themes"],
                ["CPAS de Liège", "CRVI", "funds", "housing;basic-needs"],
            ],
            "relations",
        )
        relation = Relation.objects.get()
        self.assertEqual(relation.themes.count(), 2)
        again = self.run_csv(
            [
                ["source", "target", "type", "formal"],
                ["CPAS de Liège", "CRVI", "funds", "oui"],
            ],
            "relations",
        )
        self.assertEqual(again.counts["updated"], 1, again.as_text())
        self.assertTrue(Relation.objects.get().formal)
