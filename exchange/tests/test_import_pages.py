"""The import pages, API endpoint and command: permissions per role, the
check-then-apply flow, query counts."""

import io
import tempfile
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import xlsxwriter
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from exchange.imports import import_file
from exchange.models import ImportBatch, ImportUpload
from exchange.tests.base import ImportTestCase, csv_bytes
from register import services
from register.models import Organisation

UPLOAD = "/echanges/importer/"
BATCHES = "/echanges/importer/lots/"
API = "/api/v1/exchange/imports"
ROWS = [
    ["name", "level", "sector", "actor_type"],
    ["Croix-Rouge Namur", "municipal", "non-profit", "association"],
]


def upload(rows: list[list[str]] = ROWS, name: str = "orgs.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")


class ImportPageTests(ImportTestCase):
    def test_only_coordinators_and_administrators_may_import(self) -> None:
        expected = {
            "anonymous": 302,
            "observer": 403,
            "focal_point_a": 403,
            "focal_point_b": 403,
            "coordinator": 200,
            "admin": 200,
        }
        for persona, user in self.personas().items():
            self.login(user)
            for url in (UPLOAD, BATCHES):
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(
                        self.client.get(url).status_code, expected[persona]
                    )
            with self.subTest(persona=persona, url="post"):
                response = self.client.post(
                    UPLOAD, {"file": upload(), "kind": "organisations", "apply": "1"}
                )
                self.assertEqual(
                    response.status_code,
                    {200: 302}.get(expected[persona], expected[persona]),
                )
        # Only the two managers' imports went through, each as one batch.
        self.assertEqual(ImportBatch.objects.count(), 2)

    def test_check_then_apply_then_undo(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(UPLOAD, {"file": upload(), "check": "1"})
        self.assertContains(response, "Le fichier est valide")
        self.assertContains(response, "<caption>Lignes du fichier", html=False)
        self.assertFalse(Organisation.objects.filter(name="Croix-Rouge Namur").exists())
        # The checked file is kept: importing it is one click, without the file.
        kept = ImportUpload.objects.get()
        self.assertContains(response, f'name="upload" value="{kept.pk}"')
        self.assertContains(response, "Importer ce fichier")
        self.assertTrue(default_storage.exists(kept.file))
        response = self.client.post(
            UPLOAD, {"upload": kept.pk, "apply": "1"}, follow=True
        )
        self.assertFalse(ImportUpload.objects.exists())
        self.assertFalse(default_storage.exists(kept.file))
        self.assertRedirects(response, BATCHES)
        self.assertContains(response, "orgs.csv")
        batch = ImportBatch.objects.get()
        self.assertTrue(Organisation.objects.filter(name="Croix-Rouge Namur").exists())
        response = self.client.post(f"{BATCHES}{batch.pk}/annuler/", follow=True)
        self.assertContains(response, "L&#x27;import a été annulé.")
        self.assertFalse(Organisation.objects.filter(name="Croix-Rouge Namur").exists())
        response = self.client.post(f"{BATCHES}{batch.pk}/annuler/", follow=True)
        self.assertContains(response, "déjà été annulé")

    def test_a_batch_page_lists_its_objects_and_asks_before_undoing(self) -> None:
        report = import_file(
            io.BytesIO(csv_bytes([*ROWS, ["Entraide Huy", *ROWS[1][1:]]])),
            file_name="o.csv",
            user=self.coordinator,
            dry_run=False,
        )
        created = Organisation.objects.get(name="Croix-Rouge Namur")
        self.login(self.coordinator)
        listing = self.client.get(BATCHES)
        self.assertContains(listing, f'href="{BATCHES}{report.batch_id}/"')
        self.assertNotContains(listing, "/annuler/")  # undoing is asked on its page
        page = self.client.get(f"{BATCHES}{report.batch_id}/")
        self.assertContains(page, "Créées par cet import")
        self.assertContains(
            page, f'<a href="{created.get_absolute_url()}">Croix-Rouge Namur</a>'
        )
        self.assertContains(page, "Entraide Huy")
        self.assertContains(page, f'action="{BATCHES}{report.batch_id}/annuler/"')
        # Edited since: the refusal names what blocks it.
        services.organisation_update(
            organisation_id=created.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"phone": "+32 81 00 00 00"},
        )
        response = self.client.post(f"{BATCHES}{report.batch_id}/annuler/", follow=True)
        self.assertRedirects(response, f"{BATCHES}{report.batch_id}/")
        self.assertContains(response, "« Croix-Rouge Namur »")
        self.assertNotContains(response, "« Entraide Huy »")
        self.assertEqual(ImportBatch.objects.get().status, "applied")
        for user in (self.observer, self.focal_point_a):
            self.login(user)
            self.assertEqual(
                self.client.get(f"{BATCHES}{report.batch_id}/").status_code, 403
            )
        self.login(self.coordinator)
        self.assertEqual(self.client.get(f"{BATCHES}999999/").status_code, 404)

    def test_undo_is_refused_to_others(self) -> None:
        report = import_file(
            io.BytesIO(csv_bytes(ROWS)),
            file_name="o.csv",
            user=self.coordinator,
            dry_run=False,
        )
        for user in (None, self.observer, self.focal_point_a):
            self.login(user)
            response = self.client.post(f"{BATCHES}{report.batch_id}/annuler/")
            self.assertIn(response.status_code, (302, 403))
        self.assertEqual(ImportBatch.objects.get().status, "applied")

    def test_rejected_rows_and_unknown_columns_are_shown_with_a_mapping_step(
        self,
    ) -> None:
        self.login(self.coordinator)
        rows = [
            ["Nom de la structure", *ROWS[0][1:]],
            ["X", "municipal", "nope", "association"],
        ]
        response = self.client.post(
            UPLOAD, {"file": upload(rows), "kind": "organisations", "apply": "1"}
        )
        self.assertContains(response, 'id="error-summary"')
        self.assertContains(response, "Colonnes du fichier")
        self.assertContains(response, 'name="map:Nom de la structure"')
        # Labels, not keys, in the reader's language.
        self.assertContains(response, '<option value="name">nom</option>', html=True)
        response = self.client.post(
            UPLOAD,
            {
                "file": upload(rows),
                "kind": "organisations",
                "check": "1",
                "map:Nom de la structure": "name",
            },
        )
        self.assertContains(response, "nope")
        # The mapping chosen stays on the page, chosen, for the import.
        self.assertContains(
            response, '<option value="name" selected>nom</option>', html=True
        )

    def test_the_mapping_chosen_at_the_check_is_the_one_applied(self) -> None:
        self.login(self.coordinator)
        rows = [["Nom de la structure", *ROWS[0][1:]], ROWS[1]]
        response = self.client.post(
            UPLOAD,
            {"file": upload(rows), "check": "1", "map:Nom de la structure": "name"},
        )
        self.assertContains(response, "Le fichier est valide")
        kept = ImportUpload.objects.get()
        self.assertEqual(kept.overrides, {"Nom de la structure": "name"})
        # What the browser sends back: the kept file and the mapping shown.
        response = self.client.post(
            UPLOAD,
            {"upload": kept.pk, "apply": "1", "map:Nom de la structure": "name"},
        )
        self.assertRedirects(response, BATCHES)
        self.assertTrue(Organisation.objects.filter(name="Croix-Rouge Namur").exists())

    def test_a_kept_file_is_its_author_s_only_and_expires(self) -> None:
        self.login(self.coordinator)
        self.client.post(UPLOAD, {"file": upload(), "check": "1"})
        kept = ImportUpload.objects.get()
        self.login(self.admin)
        response = self.client.post(UPLOAD, {"upload": kept.pk, "apply": "1"})
        self.assertEqual(response.status_code, 404)
        for junk in ("not-a-uuid", "0" * 40, "\x00"):
            response = self.client.post(UPLOAD, {"upload": junk, "apply": "1"})
            self.assertIn(response.status_code, (200, 404))
        ImportUpload.objects.update(created_at=timezone.now() - timedelta(hours=25))
        self.login(self.coordinator)
        response = self.client.post(UPLOAD, {"upload": kept.pk, "apply": "1"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ImportUpload.objects.exists())
        self.assertFalse(default_storage.exists(kept.file))
        self.assertFalse(Organisation.objects.filter(name="Croix-Rouge Namur").exists())

    def test_a_file_that_cannot_be_read_is_not_kept(self) -> None:
        self.login(self.coordinator)
        self.client.post(
            UPLOAD, {"file": SimpleUploadedFile("x.csv", b"%PDF-1.4"), "check": "1"}
        )
        self.assertFalse(ImportUpload.objects.exists())

    def test_a_bad_file_is_explained(self) -> None:
        self.login(self.coordinator)
        response = self.client.post(
            UPLOAD, {"file": SimpleUploadedFile("x.pdf", b"%PDF"), "check": "1"}
        )
        self.assertContains(response, "ni un classeur XLSX ni un fichier CSV")

    def test_the_batch_list_runs_a_fixed_number_of_queries(self) -> None:
        for _n in range(3):
            import_file(
                io.BytesIO(csv_bytes(ROWS)),
                file_name="o.csv",
                user=self.coordinator,
                kind="organisations",
                dry_run=False,
            )
        self.login(self.coordinator)
        with self.assertNumQueries(4):
            self.client.get(BATCHES)
        with self.assertNumQueries(2):
            self.client.get(UPLOAD)


class ImportApiTests(ImportTestCase):
    def test_the_api_answers_the_report_with_the_same_permissions(self) -> None:
        expected = {
            "anonymous": 401,
            "observer": 403,
            "focal_point_a": 403,
            "focal_point_b": 403,
            "coordinator": 200,
            "admin": 200,
        }
        for persona, user in self.personas().items():
            self.login(user)
            with self.subTest(persona=persona):
                response = self.client.post(
                    API, {"file": upload(), "kind": "organisations", "dry_run": "true"}
                )
                self.assertEqual(response.status_code, expected[persona])
                if response.status_code != 200:
                    self.assertEqual(
                        response["Content-Type"], "application/problem+json"
                    )
        self.login(self.coordinator)
        body = self.client.post(API, {"file": upload(), "dry_run": "true"}).json()
        self.assertEqual(body["counts"]["created"], 1)
        self.assertFalse(body["applied"])
        bad = self.client.post(API, {"file": upload([ROWS[0], ["X", "?", "?", "?"]])})
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(bad.json()["sheets"][0]["rows"][0]["status"], "rejected")
        applied = self.client.post(API, {"file": upload()}).json()
        self.assertTrue(applied["applied"])
        self.assertEqual(ImportBatch.objects.get().pk, applied["batch"])


class ImportCommandTests(ImportTestCase):
    def test_the_command_imports_and_exits_non_zero_on_rejected_rows(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "orgs.csv"
            path.write_bytes(csv_bytes([["Structure", *ROWS[0][1:]], ROWS[1]]))
            out = io.StringIO()
            call_command(
                "import_register",
                str(path),
                "--dry-run",
                "--map",
                "Structure=name",
                stdout=out,
            )
            self.assertIn("Lignes créées : 1 ;", out.getvalue())
            self.assertIn("Simulation", out.getvalue())
            self.assertFalse(
                Organisation.objects.filter(name="Croix-Rouge Namur").exists()
            )
            with self.assertRaises(CommandError):
                call_command("import_register", str(path), stdout=io.StringIO())
            call_command(
                "import_register",
                str(path),
                "--map",
                "Structure=name",
                "--user",
                self.coordinator.email,
                "--kind",
                "organisations",
                stdout=io.StringIO(),
            )
            self.assertEqual(ImportBatch.objects.get().author, self.coordinator)


def hostile_files() -> dict[str, bytes]:
    """Workbooks built to break a reader: cells far apart, entities, broken XML."""
    far = io.BytesIO()
    with xlsxwriter.Workbook(far) as workbook:
        sheet = workbook.add_worksheet("organisations")
        sheet.write("A1", "name")
        sheet.write("XFD1048576", "x")
    plain = io.BytesIO()
    with xlsxwriter.Workbook(plain) as workbook:
        sheet = workbook.add_worksheet("organisations")
        for row, cells in enumerate(ROWS):
            sheet.write_row(row, 0, cells)

    def rewrite(part: str, change: Callable[[bytes], bytes]) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in source.infolist():
                content = source.read(member)
                archive.writestr(
                    member, change(content) if member.filename == part else content
                )
        return buffer.getvalue()

    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    return {
        "far.xlsx": far.getvalue(),
        "laughs.xlsx": rewrite(
            "xl/sharedStrings.xml", lambda xml: laughs + xml.split(b"?>", 1)[1]
        ),
        "broken.xlsx": rewrite(
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(b"</sheetData>", b"<row></sheetData>"),
        ),
    }


REFUSALS = {
    "far.xlsx": "lignes",
    "laughs.xlsx": "refusé par sécurité",
    "broken.xlsx": "pas un classeur XLSX valide",
}


class HostileFileTests(ImportTestCase):
    def test_the_command_refuses_them_with_status_1_and_writes_nothing(self) -> None:
        before = Organisation.objects.count()
        with tempfile.TemporaryDirectory() as folder:
            for name, data in hostile_files().items():
                with self.subTest(name=name):
                    path = Path(folder) / name
                    path.write_bytes(data)
                    out = io.StringIO()
                    with self.assertRaises(CommandError) as refusal:
                        call_command("import_register", str(path), stdout=out)
                    self.assertEqual(refusal.exception.returncode, 1)
                    self.assertIn(REFUSALS[name], out.getvalue())
        self.assertEqual(Organisation.objects.count(), before)
        self.assertFalse(ImportBatch.objects.exists())

    def test_the_page_explains_the_refusal_and_keeps_serving(self) -> None:
        self.login(self.coordinator)
        for name, data in hostile_files().items():
            with self.subTest(name=name):
                response = self.client.post(
                    UPLOAD, {"file": SimpleUploadedFile(name, data), "check": "1"}
                )
                self.assertContains(response, REFUSALS[name])
        self.assertEqual(self.client.get(UPLOAD).status_code, 200)
        self.assertFalse(ImportBatch.objects.exists())
