"""Exports for people (names and labels in the reader's language) and for
another register (no platform ids, organisations by what any register knows)."""

import csv
import io

from django.core.files.storage import default_storage
from django.utils.translation import override
from openpyxl import load_workbook  # type: ignore[import-untyped]

from exchange.export_jobs import export_job_create, export_job_run
from exchange.exports import portable_reference
from exchange.models import ExportJob
from exchange.tests.test_export_jobs import ExportJobTestCase
from register.models import Organisation
from register.selectors import OrganisationFilters
from register.tests.base import RegisterTestCase

EXPORT = "/echanges/exporter/"


def content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return (
        b"".join(response) if hasattr(response, "file_to_stream") else response.content
    )


class ReadableExportTests(ExportJobTestCase):
    def setUp(self) -> None:
        super().setUp()  # a media folder of its own
        self.login(self.coordinator)

    def workbook(self, **headers: str):
        response = self.client.get(
            EXPORT, {"format": "xlsx", "style": "readable"}, headers=headers
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("maillage-registre-lisible-", response["Content-Disposition"])
        return load_workbook(io.BytesIO(content(response)), read_only=True)

    def rows(self, workbook, sheet: str) -> list[dict[str, object]]:
        values = [list(row) for row in workbook[sheet].values]
        return [dict(zip(values[0], row, strict=False)) for row in values[1:]]

    def test_it_writes_labels_and_names_in_french(self):
        workbook = self.workbook()
        self.assertEqual(
            workbook.sheetnames, ["Organisations", "Contacts", "Services", "Relations"]
        )
        services = {row["intitulé"]: row for row in self.rows(workbook, "Services")}
        housing = services["Logement d'urgence"]
        self.assertEqual(housing["organisation"], "CPAS de Liège")
        self.assertEqual(housing["thème"], "Hébergement et logement")
        self.assertEqual(housing["communes desservies"], "Liège")
        self.assertEqual(housing["statut"], "en cours")
        self.assertEqual(housing["publié"], "non")
        teaching = services["Cours de français langue étrangère"]
        self.assertEqual(teaching["communes desservies"], "Eupen; Verviers")
        organisations = {
            row["nom"]: row for row in self.rows(workbook, "Organisations")
        }
        self.assertEqual(
            organisations["CPAS de Liège"]["langues parlées"], "français; ukrainien"
        )

    def test_it_speaks_the_readers_language(self):
        self.client.cookies["django_language"] = "nl"
        workbook = self.workbook()
        self.assertEqual(
            workbook.sheetnames,
            ["Organisaties", "Contactpersonen", "Diensten", "Relaties"],
        )
        services = self.rows(workbook, "Diensten")
        self.assertIn("Opvang en huisvesting", {row["thema"] for row in services})

    def test_a_readable_csv_sheet(self):
        response = self.client.get(
            EXPORT, {"format": "csv", "sheet": "4w", "style": "readable"}
        )
        self.assertIn("4w-lisible", response["Content-Disposition"])
        text = content(response).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertIn("Hébergement et logement", {row["thème"] for row in rows})

    def test_an_unknown_style_is_refused_with_a_message(self):
        response = self.client.get(EXPORT, {"format": "xlsx", "style": "<b>x</b>"})
        self.assertContains(
            response,
            "Présentation d&#x27;export inconnue : « &lt;b&gt;x&lt;/b&gt; ».",
            status_code=400,
        )

    def test_the_api_takes_the_style(self):
        response = self.client.get(
            "/api/v1/exchange/export",
            {"format": "csv", "sheet": "services", "style": "readable"},
            headers={"Accept-Language": "de"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Wohnen", content(response).decode("utf-8-sig"))
        response = self.client.get(
            "/api/v1/exchange/export", {"format": "csv", "style": "pretty"}
        )
        self.assertEqual(response.status_code, 422)

    def test_a_background_export_keeps_the_style_and_the_language(self):
        with override("de"), self.captureOnCommitCallbacks(execute=False):
            job = export_job_create(
                user=self.coordinator,
                fmt="xlsx",
                filters=OrganisationFilters(),
                style="readable",
            )
        self.assertGreater(export_job_run(job_id=str(job.pk)), 0)
        job.refresh_from_db()
        self.assertEqual(job.status, ExportJob.Status.DONE)
        self.assertIn("registre-lisible", job.filename)
        with default_storage.open(job.file, "rb") as file:
            workbook = load_workbook(io.BytesIO(file.read()), read_only=True)
        self.assertEqual(workbook.sheetnames[0], "Organisationen")


class PortableExportTests(RegisterTestCase):
    def test_organisations_are_named_by_number_else_external_id_else_name(self):
        self.assertEqual(
            portable_reference("CPAS", "0212345678", "X-1"), "0212.345.678"
        )
        self.assertEqual(portable_reference("CPAS", "", "X-1"), "X-1")
        self.assertEqual(portable_reference("CPAS", "", ""), "CPAS")

    def test_the_portable_workbook_leaves_the_platform_ids_out(self):
        Organisation.objects.filter(pk=self.organisation_b.pk).update(
            enterprise_number="0212345678"
        )
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "xlsx", "style": "portable"})
        workbook = load_workbook(io.BytesIO(content(response)), read_only=True)
        services = [list(row) for row in workbook["services"].values]
        header = services[0]
        by_title = {
            row[header.index("title")]: dict(zip(header, row, strict=False))
            for row in services[1:]
        }
        self.assertIsNone(by_title["Logement d'urgence"]["id"])
        self.assertEqual(
            by_title["Logement d'urgence"]["organisation"], "CPAS de Liège"
        )
        self.assertEqual(
            by_title["Cours de français langue étrangère"]["organisation"],
            "0212.345.678",
        )
