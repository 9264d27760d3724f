"""No cache keeps what a signed-in person was sent: pages, API answers and export
files may hold personal data. Anonymous visitors' public pages may be cached."""

import shutil
import tempfile
from typing import Any

from django.test import override_settings

from accounts.services import api_token_create
from exchange.models import ExportJob
from exchange.tests.test_export_formats import body
from register.tests.base import RegisterTestCase

CONTACTS_API = "/api/v1/register/contacts"
EXPORT = "/echanges/exporter/"
EXPORT_API = "/api/v1/exchange/export"


class NoStoreTests(RegisterTestCase):
    def setUp(self):
        media = tempfile.mkdtemp(prefix="maillage-media-")
        self.addCleanup(shutil.rmtree, media, True)
        settings = override_settings(MEDIA_ROOT=media)
        settings.enable()
        self.addCleanup(settings.disable)

    def assert_no_store(self, response: Any) -> None:
        self.assertEqual(response.status_code, 200, response.headers)
        body(response)  # read (and so close) a file or a stream
        self.assertIn("no-store", response.get("Cache-Control", ""))

    def test_signed_in_pages_are_not_stored(self):
        self.login(self.coordinator)
        for path in (
            "/",
            "/registre/organisations/",
            f"/registre/organisations/{self.organisation_a.pk}/",
            "/comptes/profil/",
        ):
            with self.subTest(path=path):
                self.assert_no_store(self.client.get(path))

    def test_the_contacts_api_is_not_stored_by_session_or_token(self):
        self.login(self.coordinator)
        response = self.client.get(CONTACTS_API)
        self.assertIn("Anne", response.content.decode())
        self.assert_no_store(response)
        self.client.logout()
        _, secret = api_token_create(user=self.coordinator, name="script")
        headers = {"authorization": f"Bearer {secret}"}
        self.assert_no_store(self.client.get(CONTACTS_API, headers=headers))
        self.assert_no_store(
            self.client.get(
                f"{CONTACTS_API}/{self.shared_contact_a.pk}", headers=headers
            )
        )

    def test_contact_exports_are_not_stored(self):
        self.login(self.coordinator)
        query = {"format": "csv", "sheet": "contacts"}
        self.assert_no_store(self.client.get(EXPORT, query))
        self.assert_no_store(self.client.get(EXPORT_API, query))
        self.assert_no_store(self.client.get(EXPORT, {"format": "xlsx"}))

    def test_background_export_files_are_not_stored(self):
        self.login(self.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.get(EXPORT, {"background": "1", "format": "xlsx"})
        job = ExportJob.objects.get(user=self.coordinator)
        self.assert_no_store(self.client.get(f"/echanges/exports/{job.pk}/"))
        self.assert_no_store(self.client.get(f"/echanges/exports/{job.pk}/fichier/"))
        self.client.logout()
        _, secret = api_token_create(user=self.coordinator, name="script")
        response = self.client.get(
            f"/api/v1/exchange/exports/{job.pk}/file",
            headers={"authorization": f"Bearer {secret}"},
        )
        self.assert_no_store(response)

    def test_anonymous_public_pages_may_be_cached(self):
        # (Django's login page is never cached, whoever asks.)
        for path in ("/", "/a-propos/", "/api/v1/taxonomy/themes"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("no-store", response.get("Cache-Control", ""))
