"""Large exports run in the background: asked for, followed, downloaded by whom
may, then removed."""

import datetime
import io
import json
import shutil
import tempfile
from typing import Any
from unittest import mock

from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from exchange.export_jobs import export_jobs_purge
from exchange.exports import FORMATS
from exchange.models import ExportJob
from exchange.tests.test_export_formats import body
from lib import refcache
from maillage.api import api
from register.tests.base import RegisterTestCase
from territory.models import Commune

EXPORT = "/echanges/exporter/"
API = "/api/v1/exchange/exports"


class ExportJobTestCase(RegisterTestCase):
    def setUp(self):
        media = tempfile.mkdtemp(prefix="maillage-media-")
        self.addCleanup(shutil.rmtree, media, True)
        settings = override_settings(MEDIA_ROOT=media)
        settings.enable()
        self.addCleanup(settings.disable)

    def ask(self, user: Any, **query: str) -> ExportJob:
        """Ask for a background export as `user`; the worker (immediate under
        the tests) writes it when the request's transaction commits."""
        self.login(user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(EXPORT, {"background": "1", **query})
        job = ExportJob.objects.get(user=user)
        self.assertRedirects(response, f"/echanges/exports/{job.pk}/")
        job.refresh_from_db()
        return job


class ExportJobPageTests(ExportJobTestCase):
    def test_it_writes_the_export_in_the_background_and_offers_the_file(self):
        job = self.ask(self.coordinator, format="xlsx")
        self.assertEqual(job.status, "done")
        # Organisations, contacts, services, relations of the test register.
        self.assertEqual(job.rows_written, job.rows_total)
        self.assertGreater(job.rows_written, 4)
        self.assertTrue(job.file.startswith(f"exports/{job.pk.hex}/"))
        page = self.client.get(f"/echanges/exports/{job.pk}/")
        self.assertContains(page, f"{job.rows_written} lignes")
        self.assertContains(page, f"/echanges/exports/{job.pk}/fichier/")
        response = self.client.get(f"/echanges/exports/{job.pk}/fichier/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
        self.assertEqual(
            workbook.sheetnames, ["organisations", "contacts", "services", "relations"]
        )

    @override_settings(EXPORT_BACKGROUND_ROWS=3)
    def test_an_export_above_the_threshold_goes_to_the_background(self):
        self.login(self.observer)
        response = self.client.get(EXPORT, {"format": "csv", "sheet": "services"})
        self.assertEqual(response.status_code, 200)  # two services: at once
        response = self.client.get(EXPORT, {"format": "json"})
        job = ExportJob.objects.get()
        self.assertRedirects(response, f"/echanges/exports/{job.pk}/")
        self.assertEqual(job.status, "queued")

    def test_it_shows_the_progress_and_polls_while_running(self):
        job = ExportJob.objects.create(
            user=self.focal_point_a,
            format="xlsx",
            status="running",
            rows_written=1500,
            rows_total=6000,
        )
        self.login(self.focal_point_a)
        with self.assertNumQueries(3):  # session, user, job
            page = self.client.get(f"/echanges/exports/{job.pk}/")
        self.assertContains(page, "1500 lignes écrites sur 6000")
        self.assertContains(page, 'value="25"')
        self.assertContains(page, 'hx-trigger="every 2s"')
        self.assertContains(page, "<h1>")
        fragment = self.client.get(
            f"/echanges/exports/{job.pk}/", HTTP_HX_REQUEST="true"
        )
        self.assertContains(fragment, "1500 lignes écrites sur 6000")
        self.assertNotContains(fragment, "<h1>")
        # Not yet done: no file.
        response = self.client.get(f"/echanges/exports/{job.pk}/fichier/")
        self.assertEqual(response.status_code, 404)

    def test_only_its_author_and_coordinators_see_a_job_and_its_file(self):
        job = self.ask(self.focal_point_a, format="csv", sheet="contacts")
        expected = {
            "anonymous": 302,
            "admin": 200,
            "coordinator": 200,
            "focal_point_a": 200,
            "focal_point_b": 404,
            "observer": 404,
        }
        for name, user in self.personas().items():
            self.login(user)
            for url in (
                f"/echanges/exports/{job.pk}/",
                f"/echanges/exports/{job.pk}/fichier/",
            ):
                response = self.client.get(url)
                self.assertEqual(response.status_code, expected[name], (name, url))

    def test_the_export_page_offers_a_background_export(self):
        self.login(self.observer)
        page = self.client.get(EXPORT)
        self.assertContains(page, "format=xlsx&amp;background=1")
        self.assertContains(page, "Un export de plus de 10000 lignes")
        # A format link may lead to a background export's page: a browser must
        # follow it, not save it as a file.
        self.assertNotContains(page, 'format=xlsx" download')
        self.assertNotContains(page, 'sheet=services" download')

    def test_an_unknown_or_malformed_job_is_not_found(self):
        self.login(self.coordinator)
        for pk in ("00000000-0000-0000-0000-000000000000", "nonsense"):
            response = self.client.get(f"/echanges/exports/{pk}/")
            self.assertEqual(response.status_code, 404)

    def test_a_map_without_boundaries_fails_with_the_reason(self):
        job = self.ask(self.coordinator, format="geojson")
        self.assertEqual(job.status, "failed")
        self.assertIn("boundary", job.error)
        page = self.client.get(f"/echanges/exports/{job.pk}/")
        self.assertContains(page, "L'export a échoué.")


class ExportRetentionTests(ExportJobTestCase):
    @override_settings(EXPORT_RETENTION_HOURS=24)
    def test_an_unexpected_failure_shows_no_internals(self):
        with mock.patch(
            "exchange.export_jobs.export_to_path",
            side_effect=RuntimeError("disk said no; SELECT secret"),
        ):
            job = self.ask(self.coordinator, format="csv")
        self.assertEqual(job.status, "failed")
        page = self.client.get(f"/echanges/exports/{job.pk}/")
        self.assertContains(page, "Une erreur inattendue")
        self.assertNotContains(page, "secret")

    def test_files_are_removed_after_the_retention_period(self):
        old = self.ask(self.coordinator, format="csv")
        self.assertTrue(default_storage.exists(old.file))
        ExportJob.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=25)
        )
        recent = self.ask(self.focal_point_a, format="csv")
        # Asking for a new export removed the expired one.
        old.refresh_from_db()
        self.assertEqual((old.status, old.file), ("expired", ""))
        self.assertFalse(default_storage.exists(f"exports/{old.pk.hex}/{old.filename}"))
        self.assertTrue(default_storage.exists(recent.file))
        self.login(self.coordinator)
        page = self.client.get(f"/echanges/exports/{old.pk}/")
        self.assertContains(page, "Cet export a expiré")
        response = self.client.get(f"/echanges/exports/{old.pk}/fichier/")
        self.assertEqual(response.status_code, 404)
        later = timezone.now() + datetime.timedelta(hours=25)
        self.assertEqual(export_jobs_purge(now=later), 1)
        self.assertFalse(default_storage.exists(recent.file))


class ExportJobApiTests(ExportJobTestCase):
    def test_it_answers_202_then_the_state_then_the_file(self):
        self.login(self.observer)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{API}?format=json&theme=housing")
        self.assertEqual(response.status_code, 202)
        created = response.json()
        self.assertEqual(created["status"], "queued")
        state = self.client.get(created["status_url"]).json()
        self.assertEqual(state["status"], "done")
        self.assertEqual(state["rows_written"], state["rows_total"])
        download = self.client.get(state["download_url"])
        self.assertEqual(download.status_code, 200)
        data = json.loads(body(download))
        self.assertEqual(data["contacts"], [])  # observers see no contact

    def test_every_role_sees_only_what_it_may(self):
        job = self.ask(self.focal_point_b, format="json")
        expected = {
            "anonymous": 401,
            "admin": 200,
            "coordinator": 200,
            "focal_point_a": 404,
            "focal_point_b": 200,
            "observer": 404,
        }
        for name, user in self.personas().items():
            self.login(user)
            for url in (f"{API}/{job.pk}", f"{API}/{job.pk}/file"):
                response = self.client.get(url)
                self.assertEqual(response.status_code, expected[name], (name, url))

    def test_an_unknown_job_is_a_404_problem(self):
        self.login(self.coordinator)
        for pk in ("00000000-0000-0000-0000-000000000000", "nonsense"):
            response = self.client.get(f"{API}/{pk}")
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_a_bad_sheet_is_refused(self):
        self.login(self.coordinator)
        response = self.client.post(f"{API}?format=xlsx&sheet=services")
        self.assertEqual(response.status_code, 422)
        self.assertFalse(ExportJob.objects.exists())

    @override_settings(EXPORT_BACKGROUND_ROWS=3)
    def test_a_large_export_is_not_streamed_but_sent_to_the_background(self):
        self.login(self.observer)
        # Two services: small enough to be sent at once.
        response = self.client.get(f"{API[:-1]}?format=csv&sheet=services")
        self.assertEqual(response.status_code, 200)
        response = self.client.get(f"{API[:-1]}?format=json")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertIn("POST /api/v1/exchange/exports", response.json()["detail"])
        self.assertFalse(ExportJob.objects.exists())

    @override_settings(EXPORT_BACKGROUND_ROWS=3)
    def test_the_threshold_counts_the_sheet_asked_for(self):
        self.login(self.observer)
        response = self.client.get(EXPORT, {"format": "hxl", "sheet": "services"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ExportJob.objects.exists())

    def test_control_characters_and_overlong_filters_are_refused(self):
        self.login(self.coordinator)
        for url in (f"{API[:-1]}", "/api/v1/register/organisations"):
            for query in (
                "commune=%00",
                "q=%00liege",
                "province=ab%1F",
                "theme=" + "x" * 201,
            ):
                response = self.client.get(f"{url}?{query}")
                self.assertEqual(response.status_code, 422, (url, query))
                self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(self.client.get(f"{API[:-1]}?q=Liège").status_code, 200)

    def test_the_document_names_what_each_format_answers(self):
        # A commune with coordinates, so that a GeoJSON export has something.
        Commune.objects.filter(nis="63079").update(latitude=50.59, longitude=5.86)
        refcache.forget_all()
        paths = api.get_openapi_schema()["paths"]
        self.login(self.coordinator)
        for fmt in FORMATS:
            with self.captureOnCommitCallbacks(execute=True):
                job = self.client.post(f"{API}?format={fmt}").json()
            answers = {
                "/api/v1/exchange/export": self.client.get(f"{API[:-1]}?format={fmt}"),
                "/api/v1/exchange/exports/{job_id}/file": self.client.get(
                    f"{API}/{job['id']}/file"
                ),
            }
            for path, response in answers.items():
                with self.subTest(format=fmt, path=path):
                    self.assertEqual(response.status_code, 200)
                    documented = paths[path]["get"]["responses"]["200"]["content"]
                    media_type = response["Content-Type"].split(";")[0]
                    self.assertIn(media_type, documented)
