"""The analysis report on the coverage example (see test_coverage): the page,
its PDF and XLSX files built as background tasks (run at once here), and the
API."""

import io
import shutil
import tempfile
import uuid
from unittest import mock

import openpyxl  # type: ignore[import-untyped]
from django.core.files.storage import default_storage
from django.test import override_settings

from analysis.coverage import CoverageFilters
from analysis.models import ReportJob
from analysis.report import report_build
from analysis.report_files import report_filters_read, report_filters_store
from analysis.tests.test_bodies import BodyTestCase
from coordination.models import CoordinationBody

REPORT = "/analyse/rapport/"
CREATE = "/analyse/rapport/fichier/"
API = "/api/v1/analysis/reports"


class ReportBuildTests(BodyTestCase):
    def test_it_gathers_every_analysis_as_computed_by_hand(self):
        steps: list[int] = []
        report = report_build(self.observer, CoverageFilters(), progress=steps.append)
        self.assertEqual(steps, [1, 2, 3, 4, 5, 6, 7])
        self.assertEqual(report.population["people"], 1700)
        self.assertEqual(report.population["communes"], 3)
        self.assertEqual(report.register["services"], 3)
        self.assertEqual(report.register["bodies"], 2)  # P1 active, P2 existing
        self.assertEqual(len(report.coverage), 5 * 18)
        housing = next(
            cell
            for cell in report.coverage
            if cell.territory == "60000" and cell.theme == self.housing
        )
        self.assertEqual((housing.services, housing.population), (2, 1200))
        gaps = {(cell.territory, cell.theme) for cell in report.gaps}
        self.assertIn(("60000", self.health), gaps)
        self.assertEqual(report.overlaps_total, 0)  # one service has a group
        self.assertEqual(len(report.network.nodes), 3)
        self.assertTrue(report.assessments)
        self.assertEqual(sum(report.grid.values()), 3)
        self.assertEqual(
            [row["body"].name[:2] for row in report.bodies], ["P1", "P2", "P3", "P4"]
        )
        self.assertEqual(len(report.body_overlaps), 1)
        services_chart, gaps_chart = report.charts
        housing_bar = services_chart.bars[1]
        self.assertEqual(
            (housing_bar.label, housing_bar.value), ("Hébergement et logement", 2)
        )
        self.assertEqual(housing_bar.width, 360.0)  # the longest bar
        health_bar = next(
            bar for bar in gaps_chart.bars if bar.label.startswith("Santé et")
        )
        self.assertEqual(health_bar.value, 1200)

    def test_a_focal_point_gets_their_scope_and_no_assessment(self):
        report = report_build(self.focal_point_a, CoverageFilters())
        # The people of their commune (Liège), not of all Wallonia.
        self.assertEqual(report.population["people"], 1000)
        self.assertTrue(report.restricted)
        self.assertFalse(report.assessments)
        self.assertEqual(report.grid, {})
        self.assertEqual({cell.territory for cell in report.coverage}, {"60000"})
        self.assertTrue(all(row["scores"] == [] for row in report.bodies))

    def test_filters_that_match_nothing_give_zeros_not_errors(self):
        report = report_build(self.observer, CoverageFilters(level=999_999))
        self.assertEqual({cell.services for cell in report.coverage}, {0})
        self.assertEqual(report.overlaps, [])

    def test_the_stored_filters_come_back_as_given(self):
        filters = CoverageFilters(by="commune", theme=self.housing, province="60000")
        self.assertEqual(report_filters_read(report_filters_store(filters)), filters)


class ReportPageTests(BodyTestCase):
    def test_every_role_reads_it(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                response = self.client.get(REPORT)
                self.assertEqual(response.status_code, 302 if user is None else 200)
        self.login(self.observer)
        page = self.client.get(REPORT, {"by": "province", "theme": "housing"})
        self.assertContains(page, "analyse du secteur</h1>")
        self.assertContains(page, "Services actifs par thème")
        self.assertContains(page, "<svg", 2)
        self.assertContains(page, "Grille influence / intérêt")
        self.assertContains(page, "Télécharger en PDF")
        self.login(self.focal_point_a)
        page = self.client.get(REPORT)
        self.assertContains(page, "Limité au territoire et aux thèmes")
        self.assertNotContains(page, "Grille influence / intérêt")

    def test_junk_gets_a_message(self):
        self.login(self.observer)
        for junk in ({"by": "planet"}, {"theme": "astrology"}, {"as_of": "2025-02-30"}):
            with self.subTest(junk):
                response = self.client.get(REPORT, junk)
                self.assertContains(response, "Corrigez les filtres", status_code=422)

    def test_fixed_queries_whatever_the_size_of_the_register(self):
        self.login(self.observer)
        self.client.get(REPORT)
        with self.assertNumQueries(23) as first:
            self.client.get(REPORT)
        self.assertTrue(first)
        for number in range(10):
            self.body(f"P9 Cellule {number}", "active", ["housing"], ["62063"])
        self.client.get(REPORT)  # the network's cache is stamped by the register
        with self.assertNumQueries(23):
            self.client.get(REPORT)


class ReportFileTestCase(BodyTestCase):
    """The files go to a MEDIA_ROOT of the test's own."""

    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="maillage-media-")
        self.addCleanup(shutil.rmtree, media, True)
        settings = override_settings(MEDIA_ROOT=media)
        settings.enable()
        self.addCleanup(settings.disable)


class ReportFileTests(ReportFileTestCase):
    def ask(self, fmt: str, **filters: str):
        """Ask for a file, the worker builds it, then the page it goes to."""
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(CREATE, {"format": fmt, **filters})
        self.assertEqual(response.status_code, 302)
        return self.client.get(response["Location"])

    def test_a_pdf_is_built_then_downloaded(self):
        self.login(self.observer)
        response = self.ask("pdf", by="province", theme="housing")
        job = ReportJob.objects.get()
        self.assertEqual(
            response.wsgi_request.path, f"/analyse/rapport/fichiers/{job.pk}/"
        )
        self.assertContains(response, "Le rapport est prêt.")
        self.assertEqual((job.status, job.percent), ("done", 100))
        self.assertEqual(job.filters, {"by": "province", "theme": self.housing})
        download = self.client.get(f"/analyse/rapport/fichiers/{job.pk}/telecharger/")
        body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        self.assertEqual(download["Content-Type"], "application/pdf")
        self.assertTrue(body.startswith(b"%PDF"))
        self.assertIn("maillage-rapport-analyse-", download["Content-Disposition"])

    def test_an_xlsx_has_a_sheet_per_table(self):
        self.login(self.coordinator)
        self.ask("xlsx", by="commune")
        job = ReportJob.objects.get()
        with default_storage.open(job.file, "rb") as stored:
            workbook = openpyxl.load_workbook(io.BytesIO(stored.read()), read_only=True)
        self.assertEqual(
            workbook.sheetnames,
            [
                "Rapport",
                "Couverture",
                "Lacunes",
                "Chevauchements",
                "Réseau",
                "Densité entre niveaux",
                "Grille",
                "Organes",
                "Organes qui se chevauchent",
                "Thèmes sans organe",
            ],
        )
        rows = list(workbook["Couverture"].iter_rows(values_only=True))
        self.assertEqual(len(rows), 1 + 261 * 18)
        liege = next(row for row in rows if row[0] == "62063" and row[2] == "housing")
        self.assertEqual(liege[4:8], (2, 2, 40, 1000))
        facts = dict(workbook["Rapport"].iter_rows(values_only=True))
        self.assertEqual(facts["Personnes sous protection temporaire"], 1700)
        self.assertEqual(facts["Territoires"], "communes")

    def test_names_stay_text_in_the_workbook(self):
        CoordinationBody.objects.filter(pk=self.p1.pk).update(name="=1+1")
        self.login(self.coordinator)
        self.ask("xlsx")
        job = ReportJob.objects.get()
        with default_storage.open(job.file, "rb") as stored:
            workbook = openpyxl.load_workbook(io.BytesIO(stored.read()))
        names = [row[0].value for row in workbook["Organes"].iter_rows(min_row=2)]
        self.assertIn("=1+1", names)
        cell = next(row[0] for row in workbook["Organes"].iter_rows(min_row=2))
        self.assertEqual(cell.data_type, "s")

    def test_an_unexpected_failure_shows_no_internals(self):
        self.login(self.observer)
        # The task fails (the worker records the traceback); the page says so.
        with mock.patch(
            "analysis.report_files.report_xlsx",
            side_effect=RuntimeError("disk said no; SELECT secret"),
        ):
            self.ask("xlsx")
        job = ReportJob.objects.get()
        page = self.client.get(f"/analyse/rapport/fichiers/{job.pk}/")
        self.assertContains(page, "Une erreur inattendue")
        self.assertNotContains(page, "secret")
        self.assertEqual(job.file, "")

    def test_who_may_see_a_job_and_bad_requests(self):
        self.login(self.observer)
        self.ask("xlsx")
        job = ReportJob.objects.get()
        url = f"/analyse/rapport/fichiers/{job.pk}/"
        self.login(self.focal_point_a)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(url + "telecharger/").status_code, 404)
        self.login(self.coordinator)
        self.assertEqual(self.client.get(url).status_code, 200)
        for bad in (
            "/analyse/rapport/fichiers/pas-un-uuid/",
            f"/analyse/rapport/fichiers/{uuid.uuid4()}/",
        ):
            self.assertEqual(self.client.get(bad).status_code, 404)
        for data in ({"format": "docx"}, {"format": "pdf", "by": "planet"}, {}):
            with self.subTest(data):
                response = self.client.post(CREATE, data, follow=True)
                self.assertContains(response, "Ce rapport ne peut pas être demandé")
        self.assertEqual(ReportJob.objects.count(), 1)
        self.assertEqual(self.client.get(CREATE).status_code, 405)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)

    def test_a_server_without_pango_says_so(self):
        self.login(self.observer)
        with mock.patch.dict("sys.modules", {"weasyprint": None}):
            response = self.ask("pdf")
        self.assertContains(response, "les bibliothèques Pango manquent")
        self.assertEqual(ReportJob.objects.get().status, "failed")

    def test_old_files_are_removed(self):
        self.login(self.observer)
        self.ask("xlsx")
        job = ReportJob.objects.get()
        ReportJob.objects.filter(pk=job.pk).update(
            created_at=job.created_at.replace(year=2020)
        )
        self.ask("xlsx")
        job.refresh_from_db()
        self.assertEqual((job.status, job.file), ("expired", ""))
        self.assertContains(
            self.client.get(f"/analyse/rapport/fichiers/{job.pk}/"), "a expiré"
        )


class ReportApiTests(ReportFileTestCase):
    def test_asked_followed_and_downloaded(self):
        self.login(self.observer)
        with self.captureOnCommitCallbacks(execute=True):
            created = self.client.post(
                API, {"format": "xlsx", "by": "region"}, content_type="application/json"
            )
        self.assertEqual(created.status_code, 202, created.content)
        job = created.json()
        self.assertEqual((job["status"], job["file"]), ("queued", None))
        detail = self.client.get(f"{API}/{job['id']}").json()
        self.assertEqual((detail["status"], detail["percent"]), ("done", 100))
        self.assertEqual(detail["file"], f"{API}/{job['id']}/file")
        download = self.client.get(detail["file"])
        self.assertEqual(download.status_code, 200)
        content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        self.assertTrue(content.startswith(b"PK"))

    def test_roles_and_junk(self):
        self.assertEqual(
            self.client.post(
                API, {"format": "pdf"}, content_type="application/json"
            ).status_code,
            401,
        )
        self.login(self.observer)
        for payload in (
            {"format": "docx"},
            {"format": "pdf", "by": "planet"},
            {"format": "pdf", "theme": "astrology"},
            {"format": "pdf", "as_of": "yesterday"},
            {},
        ):
            with self.subTest(payload):
                response = self.client.post(
                    API, payload, content_type="application/json"
                )
                self.assertEqual(response.status_code, 422)
        self.assertEqual(ReportJob.objects.count(), 0)
        self.assertEqual(self.client.get(f"{API}/{uuid.uuid4()}").status_code, 404)
        self.assertEqual(self.client.get(f"{API}/pas-un-uuid").status_code, 404)
        created = self.client.post(
            API, {"format": "xlsx"}, content_type="application/json"
        ).json()
        self.login(self.focal_point_b)
        self.assertEqual(self.client.get(f"{API}/{created['id']}").status_code, 404)
