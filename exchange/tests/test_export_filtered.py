"""Filters select rows, not only organisations: a filtered 4W holds only the
service × commune rows that match, from the register list and the services list."""

import csv
import io
from typing import ClassVar

from exchange.export_jobs import export_job_create, export_job_run
from exchange.models import ExportJob
from exchange.tests.test_export_jobs import ExportJobTestCase
from register.models import Organisation
from register.tests.factories import make_organisation, make_service

EXPORT = "/echanges/exporter/"


def text(response) -> str:
    data = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    return data.decode("utf-8-sig")


def four_w(response) -> list[tuple[str, str, str]]:
    """(organisation, theme, commune) of each row of a 4W CSV."""
    rows = list(csv.DictReader(io.StringIO(text(response))))
    return sorted(
        (row["organisation_name"], row["theme"], row["commune_code"]) for row in rows
    )


class FilteredFourWTests(ExportJobTestCase):
    mixed: ClassVar[Organisation]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # One organisation, housing in Liège and Namur, health in Liège.
        cls.mixed = make_organisation("Maison Ukraine", level="non-governmental")
        make_service(
            cls.mixed, "Hébergement", theme="housing", communes=["62063", "92094"]
        )
        make_service(cls.mixed, "Consultations", theme="health", communes=["62063"])
        make_service(cls.mixed, "Permanence sans lieu", theme="housing")

    def setUp(self) -> None:
        super().setUp()  # a media folder of its own
        self.login(self.coordinator)

    def export(self, **query: str) -> list[tuple[str, str, str]]:
        response = self.client.get(EXPORT, {"format": "csv", "sheet": "4w", **query})
        self.assertEqual(response.status_code, 200)
        return four_w(response)

    def test_a_theme_and_a_province_keep_only_their_rows(self):
        self.assertEqual(
            self.export(theme="housing", province="60000"),
            [
                ("CPAS de Liège", "housing", "62063"),
                ("Maison Ukraine", "housing", "62063"),
            ],
        )

    def test_a_commune_alone_keeps_every_theme_there_and_nothing_elsewhere(self):
        self.assertEqual(
            self.export(commune="92094"), [("Maison Ukraine", "housing", "92094")]
        )

    def test_a_theme_alone_keeps_its_services_everywhere_with_no_place_too(self):
        self.assertEqual(
            self.export(theme="health"), [("Maison Ukraine", "health", "62063")]
        )
        rows = self.export(theme="housing", level="non-governmental")
        self.assertEqual(
            rows,
            [
                ("Maison Ukraine", "housing", ""),
                ("Maison Ukraine", "housing", "62063"),
                ("Maison Ukraine", "housing", "92094"),
            ],
        )

    def test_without_filters_every_row_is_there(self):
        self.assertEqual(len(self.export()), 3 + 4)

    def test_the_services_sheet_holds_the_matching_services(self):
        response = self.client.get(
            EXPORT, {"format": "csv", "sheet": "services", "theme": "health"}
        )
        services = text(response)
        self.assertIn("Consultations", services)
        self.assertNotIn("Hébergement", services)

    def test_the_services_list_exports_its_rows(self):
        rows = self.export(list="services", theme="housing", commune="62063")
        self.assertEqual(
            rows,
            [
                ("CPAS de Liège", "housing", "62063"),
                ("Maison Ukraine", "housing", "62063"),
            ],
        )
        # The services list's own filters: current services only, by default.
        self.assertEqual(self.export(list="services", status="ended"), [])
        workbook = self.client.get(
            EXPORT, {"format": "xlsx", "list": "services", "theme": "health"}
        )
        self.assertEqual(workbook.status_code, 200)

    def test_junk_filters_are_left_out_not_an_error(self):
        for query in (
            {"q": "\x00"},
            {"theme": "x" * 300},
            {"active_on": "99999-99-99"},
            {"commune": "9" * 40},
        ):
            with self.subTest(query):
                self.assertIsInstance(self.export(list="services", **query), list)

    def test_the_export_page_of_the_services_list_leads_back_to_it(self):
        response = self.client.get(EXPORT, {"list": "services", "theme": "health"})
        self.assertContains(
            response, 'href="/registre/services/?list=services&amp;theme=health"'
        )
        self.assertContains(response, "les services de la liste filtrée")

    def test_a_background_export_keeps_the_services_list_filters(self):
        from register.selectors import ServiceFilters

        with self.captureOnCommitCallbacks(execute=False):
            job = export_job_create(
                user=self.coordinator,
                fmt="csv",
                sheet="4w",
                filters=ServiceFilters(theme="health"),
            )
        self.assertEqual(job.filters["list"], "services")
        self.assertEqual(export_job_run(job_id=str(job.pk)), 1)
        job.refresh_from_db()
        self.assertEqual(job.status, ExportJob.Status.DONE)
        self.assertEqual(job.rows_total, 1)
