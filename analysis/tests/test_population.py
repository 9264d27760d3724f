"""Population figures: read from a file whole or not at all, entered and
corrected by coordinators in the browser and through the API, read by every
signed-in role."""

import datetime
import io
import json
from io import StringIO
from typing import Any, ClassVar

import openpyxl  # type: ignore[import-untyped]
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.testing import BaseTestCase
from territory import services
from territory.models import PopulationFigure
from territory.population import figures_read

LIEGE, NAMUR, BASTOGNE, FORMER_BASTOGNE = "62063", "92094", "82039", "82003"
PROTECTION = PopulationFigure.Indicator.TEMPORARY_PROTECTION
TOTAL = PopulationFigure.Indicator.TOTAL_POPULATION
LIST = "/analyse/population/"
IMPORT = "/analyse/population/importer/"
ADD = "/analyse/population/ajouter/"
API = "/api/v1/analysis/population"


def csv_file(text: str, name: str = "chiffres.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_file(rows: list[list[Any]], name: str = "chiffres.xlsx") -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = name
    return data


class PopulationTestCase(BaseTestCase):
    figure: ClassVar[PopulationFigure]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        call_command("load_reference", stdout=StringIO())
        cls.figure = services.population_figure_create(
            by=cls.coordinator,
            fields={
                "commune_id": LIEGE,
                "indicator": PROTECTION,
                "date": datetime.date(2023, 12, 31),
                "value": 1450,
                "source": "Office des étrangers",
            },
        )

    def read(self, text: str, **defaults: Any) -> Any:
        return figures_read(io.BytesIO(text.encode()), "chiffres.csv", **defaults)


class FileReadingTests(PopulationTestCase):
    def test_a_commune_is_found_by_code_former_code_postal_code_or_name(self):
        read = self.read(
            "commune;date;indicateur;valeur;source\n"
            "62063;31/12/2023;protection temporaire;1 450;OE\n"
            f"{FORMER_BASTOGNE};2023-12-31;temporary_protection;38;OE\n"
            "5000;31.12.2023;Personnes sous protection temporaire;612;OE\n"
            "Eupen;31-12-2023;population totale;19.981;Statbel\n"
        )
        self.assertEqual(read.errors, [])
        self.assertEqual(
            [(row.commune, row.indicator, row.value) for row in read.rows],
            [
                (LIEGE, PROTECTION, 1450),
                (BASTOGNE, PROTECTION, 38),
                (NAMUR, PROTECTION, 612),
                ("63023", TOTAL, 19981),
            ],
        )

    def test_every_bad_cell_of_every_row_is_reported_with_its_line(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        read = self.read(
            "NIS,date,indicator,value\n"
            "99999,2023-12-31,temporary_protection,10\n"
            "62063,2023-12-31,temporary_protection,-5\n"
            f"62063,{tomorrow.isoformat()},temporary_protection,5\n"
            "62063,31 décembre,temporary_protection,5\n"
            "62063,2023-12-31,refugees,12.5\n"
            "92094,2023-12-31,temporary_protection,99999999999\n"
            "92094,2023-12-31,temporary_protection,10\n"
            "92094,2023-12-31,temporary_protection,11\n"
            ",2023-12-31,,\n"
        )
        self.assertEqual(len(read.rows), 1)
        errors = "\n".join(read.errors)
        for expected in (
            "Ligne 2 : « 99999 » n'est pas une commune connue.",
            "Ligne 3 : « -5 » est négatif",
            "Ligne 4 : Le ",
            "est dans le futur",
            "Ligne 5 : « 31 décembre » n'est pas une date",
            "Ligne 6 : « refugees » n'est pas un indicateur connu",
            "Ligne 6 : « 12.5 » n'est pas un nombre entier",
            "Ligne 7 : 99999999999 dépasse le plus grand chiffre admis",
            "Ligne 9 : la ligne 8 donne déjà un chiffre",
            "Ligne 10 : la commune manque.",
            "Ligne 10 : la valeur manque.",
            "Ligne 10 : l'indicateur manque.",
        ):
            self.assertIn(expected, errors)

    def test_a_file_without_a_column_it_needs_is_refused_before_any_row(self):
        from lib.spreadsheets import ReadError

        with self.assertRaisesMessage(ReadError, "il y manque : valeur, date"):
            self.read("commune;indicateur\n62063;tp\n")
        read = self.read(
            "commune;valeur\n62063;1500\n",
            indicator=PROTECTION,
            date=datetime.date(2024, 6, 30),
            source="OE",
        )
        self.assertEqual(read.errors, [])
        self.assertEqual(read.rows[0].date, datetime.date(2024, 6, 30))
        self.assertEqual(read.rows[0].source, "OE")
        with self.assertRaisesMessage(ReadError, "aucun chiffre"):
            self.read("commune;valeur;date;indicateur\n")

    def test_an_xlsx_file_reads_its_typed_cells(self):
        data = xlsx_file(
            [
                ["Code INS", "Date", "Indicateur", "Valeur"],
                [62063, datetime.datetime(2024, 6, 30), "tp", 1510],  # noqa: DTZ001
            ]
        )
        read = figures_read(data, "chiffres.xlsx")
        self.assertEqual(read.errors, [])
        self.assertEqual(read.rows[0].date, datetime.date(2024, 6, 30))
        self.assertEqual(read.rows[0].value, 1510)


class ImportCheckTests(PopulationTestCase):
    def test_the_date_given_with_a_file_is_checked_like_the_file_s(self):
        from lib.spreadsheets import ReadError

        for date in (datetime.date(2099, 1, 1), datetime.date(1900, 1, 1)):
            with self.subTest(date), self.assertRaises(ReadError):
                self.read("commune;valeur\n62063;5\n", indicator=PROTECTION, date=date)

    def test_a_commune_outside_the_platform_s_territory_is_refused(self):
        with override_settings(TERRITORY_SCOPE="02000"):
            read = self.read("commune;date;indicateur;valeur\n62063;31/12/2024;tp;5\n")
        self.assertEqual(read.rows, [])
        self.assertIn("n'est pas dans le territoire", read.errors[0])

    def test_an_import_over_fictitious_figures_makes_them_real(self):
        PopulationFigure.objects.filter(pk=self.figure.pk).update(fictitious=True)
        read = self.read(
            "commune;date;indicateur;valeur;source\n"
            "62063;31/12/2023;tp;1450;Office des étrangers\n"
        )
        report = services.population_figures_import(
            by=self.coordinator, rows=read.rows, file_name="vrai.csv"
        )
        self.assertEqual(report.corrected, 1)
        self.figure.refresh_from_db()
        self.assertFalse(self.figure.fictitious)


class ImportTests(PopulationTestCase):
    def test_a_file_corrects_adds_and_keeps_the_value_it_replaced(self):
        read = self.read(
            "commune;date;indicateur;valeur;source\n"
            "62063;31/12/2023;tp;1460;OE corrigé\n"
            "62063;30/06/2024;tp;1510;OE\n"
            "92094;30/06/2024;tp;612;OE\n"
        )
        report = services.population_figures_import(
            by=self.coordinator, rows=read.rows, file_name="juin.csv"
        )
        self.assertEqual(
            (report.created, report.corrected, report.unchanged), (2, 1, 0)
        )
        self.figure.refresh_from_db()
        self.assertEqual((self.figure.value, self.figure.version), (1460, 2))
        history = list(self.figure.history.order_by("history_id"))
        self.assertEqual([entry.value for entry in history], [1450, 1460])
        self.assertEqual(history[-1].history_user, self.coordinator)
        self.assertEqual(
            history[-1].history_change_reason, "maillage:file-imported:juin.csv"
        )
        self.assertEqual(PopulationFigure.history.filter(history_type="+").count(), 3)
        again = services.population_figures_import(
            by=self.coordinator, rows=read.rows, file_name="juin.csv"
        )
        self.assertEqual((again.created, again.corrected, again.unchanged), (0, 0, 3))
        self.assertFalse(again.written)

    def test_a_dry_run_writes_nothing(self):
        read = self.read("commune;date;indicateur;valeur\n92094;30/06/2024;tp;612\n")
        report = services.population_figures_import(
            by=self.coordinator, rows=read.rows, file_name="x.csv", dry_run=True
        )
        self.assertEqual(report.created, 1)
        self.assertFalse(report.written)
        self.assertEqual(PopulationFigure.objects.count(), 1)


class PageTests(PopulationTestCase):
    def test_every_signed_in_role_reads_the_figures_and_visitors_sign_in(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                for path in (
                    "/analyse/",
                    LIST,
                    f"/analyse/population/communes/{LIEGE}/",
                ):
                    response = self.client.get(path)
                    if user is None:
                        self.assertEqual(response.status_code, 302)
                    else:
                        self.assertContains(response, "1")
        self.login(self.observer)
        response = self.client.get(LIST)
        self.assertContains(response, "1\xa0450")
        self.assertNotContains(response, "Ajouter un chiffre")
        self.assertContains(self.client.get("/"), "Analyse du secteur")

    def test_only_coordinators_and_administrators_write(self):
        edit = f"/analyse/population/chiffres/{self.figure.pk}/modifier/"
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                for path in (ADD, IMPORT, edit):
                    status = self.client.get(path).status_code
                    expected = {None: 302, "coordinator": 200, "admin": 200}
                    self.assertEqual(
                        status,
                        expected.get(name if user else None, 403),
                        path,
                    )
                    if user is not None and name not in ("coordinator", "admin"):
                        self.assertEqual(self.client.post(path).status_code, 403)
        self.assertEqual(PopulationFigure.objects.count(), 1)

    def test_a_coordinator_adds_a_figure_and_a_second_one_at_its_date_is_refused(self):
        self.login(self.coordinator)
        data = {
            "commune": NAMUR,
            "indicator": PROTECTION,
            "date": "2024-06-30",
            "value": "612",
            "source": "Office des étrangers",
        }
        response = self.client.post(ADD, data)
        self.assertRedirects(response, f"/analyse/population/communes/{NAMUR}/")
        response = self.client.post(ADD, {**data, "value": "700"})
        self.assertContains(response, "déjà un chiffre", status_code=200)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for junk, message in (
            ({"value": "-3"}, "supérieure ou égale à 0"),
            ({"value": "99999999999"}, "inférieure ou égale à 20"),
            ({"date": tomorrow.isoformat()}, "dans le futur"),
            ({"date": "31/02/2024"}, "Saisissez une date valide"),
            ({"commune": "99999"}, "Sélectionnez un choix valide"),
            ({"source": "OE\x00"}, "caractère"),
        ):
            with self.subTest(junk):
                response = self.client.post(ADD, {**data, "date": "2024-01-31", **junk})
                self.assertContains(response, message, status_code=200)
        self.assertEqual(PopulationFigure.objects.count(), 2)

    def test_a_correction_keeps_history_and_a_stale_one_shows_the_conflict(self):
        edit = f"/analyse/population/chiffres/{self.figure.pk}/modifier/"
        self.login(self.coordinator)
        data = {
            "commune": LIEGE,
            "indicator": PROTECTION,
            "date": "2023-12-31",
            "value": "1470",
            "source": "Office des étrangers",
            "version": "1",
        }
        self.assertRedirects(
            self.client.post(edit, data), f"/analyse/population/communes/{LIEGE}/"
        )
        response = self.client.post(edit, {**data, "value": "1480"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "1470", status_code=409)
        self.figure.refresh_from_db()
        self.assertEqual((self.figure.value, self.figure.version), (1470, 2))
        missing = "/analyse/population/chiffres/999999/modifier/"
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_an_import_is_written_whole_or_not_at_all(self):
        self.login(self.coordinator)
        response = self.client.post(
            IMPORT,
            {
                "file": csv_file(
                    "commune;date;indicateur;valeur\n"
                    "92094;30/06/2024;tp;612\n"
                    "Atlantis;30/06/2024;tp;3\n"
                )
            },
        )
        self.assertContains(response, "Rien n'a été enregistré", status_code=422)
        self.assertContains(response, "Ligne 3 : « Atlantis »", status_code=422)
        self.assertEqual(PopulationFigure.objects.count(), 1)
        good = "commune;date;indicateur;valeur\n92094;30/06/2024;tp;612\n"
        response = self.client.post(IMPORT, {"file": csv_file(good), "dry_run": "on"})
        self.assertContains(response, "rien n'a été enregistré")
        self.assertEqual(PopulationFigure.objects.count(), 1)
        response = self.client.post(IMPORT, {"file": csv_file(good)})
        self.assertContains(response, "Le fichier a été importé.")
        self.assertEqual(PopulationFigure.objects.count(), 2)
        for junk, message, status in (
            (SimpleUploadedFile("x.exe", b"MZ"), "ni un classeur XLSX", 422),
            (SimpleUploadedFile("x.xlsx", b"PK\x03\x04junk"), "classeur", 422),
            (csv_file("commune;valeur;date;indicateur\n"), "aucun chiffre", 422),
            (csv_file(""), "Le fichier soumis est vide", 200),
        ):
            with self.subTest(junk.name):
                response = self.client.post(IMPORT, {"file": junk})
                self.assertContains(response, message, status_code=status)
        self.assertEqual(PopulationFigure.objects.count(), 2)

    def test_the_list_filters_by_province_and_date_and_reads_in_fixed_queries(self):
        self.login(self.observer)
        response = self.client.get(LIST, {"province": "90000"})
        self.assertNotContains(response, "Liège</a>")
        self.assertContains(response, "Namur</a>")
        response = self.client.get(LIST, {"as_of": "2023-01-01"})
        self.assertNotContains(response, "1\xa0450")
        response = self.client.get(LIST, {"province": "junk", "as_of": "31/31/31"})
        self.assertContains(response, "Corrigez les filtres")

        def check(size: str) -> None:
            # Session, user, provinces, communes with figures, totals.
            with self.subTest(size), self.assertNumQueries(5):
                self.assertEqual(self.client.get(LIST).status_code, 200)

        check("one figure")
        for nis in ("92094", "63079", "57081", "25072"):
            for year in (2022, 2023):
                services.population_figure_create(
                    by=self.coordinator,
                    fields={
                        "commune_id": nis,
                        "indicator": PROTECTION,
                        "date": datetime.date(year, 6, 30),
                        "value": 100,
                    },
                )
        check("nine figures")


class ApiTests(PopulationTestCase):
    def call(
        self, user: Any, method: str, path: str, body: Any = None, **query: Any
    ) -> Any:
        self.login(user)
        if method == "get":
            return self.client.get(path, query)
        return getattr(self.client, method)(
            path, json.dumps(body), content_type="application/json"
        )

    def test_every_role_reads_and_filters(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                response = self.call(user, "get", API)
                self.assertEqual(response.status_code, 401 if user is None else 200)
        response = self.call(self.observer, "get", API, commune=FORMER_BASTOGNE)
        self.assertEqual(response.json()["count"], 0)
        response = self.call(self.observer, "get", API, province="60000")
        item = response.json()["items"][0]
        self.assertEqual(
            (item["commune"], item["indicator"], item["value"], item["version"]),
            (LIEGE, PROTECTION, 1450, 1),
        )
        response = self.call(self.observer, "get", API, date_to="2023-01-01")
        self.assertEqual(response.json()["count"], 0)
        for junk in ({"commune": "abc"}, {"date_from": "yesterday"}):
            with self.subTest(junk):
                response = self.call(self.observer, "get", API, **junk)
                self.assertEqual(response.status_code, 422)

    def test_coordinators_record_and_correct_with_the_version_they_read(self):
        new = {
            "commune": FORMER_BASTOGNE,
            "indicator": "temporary_protection",
            "date": "2024-06-30",
            "value": 38,
        }
        self.assertEqual(self.call(self.observer, "post", API, new).status_code, 403)
        self.assertEqual(
            self.call(self.focal_point_a, "post", API, new).status_code, 403
        )
        response = self.call(self.coordinator, "post", API, new)
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        self.assertEqual(created["commune"], BASTOGNE)
        path = f"{API}/{created['id']}"
        response = self.call(
            self.coordinator, "patch", path, {"version": 1, "value": 40}
        )
        self.assertEqual(response.json()["value"], 40)
        response = self.call(self.admin, "patch", path, {"version": 1, "value": 41})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["current"]["value"], 40)
        self.assertEqual(
            self.call(
                self.coordinator, "patch", f"{API}/999999", {"version": 1}
            ).status_code,
            404,
        )

    def test_bad_inputs_are_refused_and_nothing_is_written(self):
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        good = {
            "commune": NAMUR,
            "indicator": "temporary_protection",
            "date": "2024-06-30",
            "value": 600,
        }
        for junk in (
            {"commune": "00000"},
            {"commune": "x" * 50},
            {"indicator": "refugees"},
            {"date": tomorrow},
            {"date": "1900-01-01"},
            {"date": "2024-02-30"},
            {"value": -1},
            {"value": 2**63},
            {"value": "many"},
            {"source": "x" * 300},
            {"source": "a\nb"},
            {"date": "2023-12-31", "commune": LIEGE},
        ):
            with self.subTest(junk):
                response = self.call(self.coordinator, "post", API, {**good, **junk})
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(response["Content-Type"], "application/problem+json")
        path = f"{API}/{self.figure.pk}"
        response = self.call(
            self.coordinator, "patch", path, {"version": 1, "value": None}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(PopulationFigure.objects.count(), 1)
        self.assertEqual(PopulationFigure.objects.get().version, 1)

    def test_a_file_is_imported_whole_or_refused_with_its_errors(self):
        self.login(self.coordinator)
        bad = csv_file("commune;date;indicateur;valeur\n92094;30/06/2024;tp;-1\n")
        response = self.client.post(f"{API}/import", {"file": bad})
        self.assertEqual(response.status_code, 422)
        self.assertIn("Ligne 2", json.dumps(response.json(), ensure_ascii=False))
        good = csv_file("commune;valeur\n92094;612\n")
        response = self.client.post(
            f"{API}/import",
            {"file": good, "indicator": "temporary_protection", "date": "2024-06-30"},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["created"], 1)
        self.login(self.observer)
        response = self.client.post(f"{API}/import", {"file": csv_file("x")})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(PopulationFigure.objects.count(), 2)


@override_settings(TERRITORY_SCOPE="03000")
class ScopeTests(PopulationTestCase):
    def test_a_commune_out_of_scope_is_not_a_commune_here(self):
        self.login(self.coordinator)
        response = self.client.get("/analyse/population/communes/21004/")
        self.assertEqual(response.status_code, 404)
