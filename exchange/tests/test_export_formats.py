"""What each export format holds: headers, typed cells, HXL, GeoJSON, JSON, and
spreadsheet formulas neutralised."""

import csv
import datetime
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, ClassVar

import hxl  # type: ignore[import-untyped]
from django.core.management import CommandError, call_command
from openpyxl import load_workbook  # type: ignore[import-untyped]

from exchange.columns import column_keys, hxl_row
from lib import refcache
from register.models import Organisation, Relation, Service
from register.schemas import ContactOut, OrganisationOut, RelationOut, ServiceOut
from register.tests.base import RegisterTestCase
from register.tests.factories import make_relation
from territory.models import Commune

EXPORT = "/echanges/exporter/"


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


class ExportTestCase(RegisterTestCase):
    relation: ClassVar[Relation]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.relation = make_relation(
            cls.organisation_a,
            cls.organisation_b,
            type="refers-to",
            themes=["housing"],
            since=datetime.date(2025, 3, 1),
            formal=True,
        )
        Service.objects.filter(pk=cls.service_a.pk).update(
            capacity=40, start_date=datetime.date(2026, 1, 5)
        )

    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def path(self, name: str) -> str:
        return str(Path(self.folder.name) / name)

    def export_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("export_register", *args, stdout=out)
        return out.getvalue()


class CsvExportTests(ExportTestCase):
    def test_it_writes_the_organisations_with_the_shared_columns(self):
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = csv_rows(body(response))
        self.assertEqual(tuple(rows[0]), column_keys("organisations"))
        by_name = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        a = by_name["CPAS de Liège"]
        self.assertEqual(a["id"], str(self.organisation_a.pk))
        self.assertEqual(a["level"], "municipal")
        self.assertEqual(a["languages"], "fr;uk")
        self.assertEqual(a["area_communes"], "62063")
        self.assertEqual(a["published"], "non")

    def test_it_keeps_the_list_filters(self):
        self.login(self.coordinator)
        response = self.client.get(
            EXPORT, {"format": "csv", "actor_type": "regional-integration-centre"}
        )
        names = [row[1] for row in csv_rows(body(response))[1:]]
        self.assertEqual(names, ["Centre régional de Verviers pour l'intégration"])

    def test_it_writes_the_chosen_sheet(self):
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "csv", "sheet": "services"})
        rows = csv_rows(body(response))
        self.assertEqual(tuple(rows[0]), column_keys("services"))
        services = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        housing = services["Logement d'urgence"]
        self.assertEqual(housing["theme"], "housing")
        self.assertEqual(housing["subtheme"], "emergency-housing")
        self.assertEqual(housing["capacity"], "40")
        self.assertEqual(housing["start_date"], "2026-01-05")
        self.assertEqual(housing["organisation"], str(self.organisation_a.pk))
        french = services["Cours de français langue étrangère"]
        self.assertEqual(french["communes"], "63023;63079")
        self.assertEqual(
            french["target_groups"], "all-temporary-protection;women-at-risk"
        )

    def test_the_command_zips_every_sheet_without_contacts_by_default(self):
        output = self.export_command(
            "--format", "csv", "--output", self.path("register.zip")
        )
        self.assertIn("Contacts left out", output)
        with zipfile.ZipFile(self.path("register.zip")) as archive:
            self.assertEqual(
                archive.namelist(),
                [
                    "organisations.csv",
                    "contacts.csv",
                    "services.csv",
                    "relations.csv",
                ],
            )
            contacts = csv_rows(archive.read("contacts.csv"))
            relations = csv_rows(archive.read("relations.csv"))
        self.assertEqual(contacts, [list(column_keys("contacts"))])
        relation = dict(zip(relations[0], relations[1], strict=True))
        self.assertEqual(relation["type"], "refers-to")
        self.assertEqual(relation["themes"], "housing")
        self.assertEqual(relation["formal"], "oui")
        self.assertEqual(relation["since"], "2025-03-01")

    def test_the_command_includes_contacts_when_asked(self):
        self.export_command(
            "--format",
            "csv",
            "--sheet",
            "contacts",
            "--include-contacts",
            "--output",
            self.path("contacts.csv"),
        )
        names = {
            row[2] for row in csv_rows(Path(self.path("contacts.csv")).read_bytes())
        }
        self.assertIn("Arthur Privé", names)
        self.assertIn("Bernard Confidentiel", names)

    def test_the_command_exports_as_a_user_sees(self):
        self.export_command(
            "--format",
            "csv",
            "--sheet",
            "contacts",
            "--user",
            self.focal_point_a.email,
            "--output",
            self.path("contacts.csv"),
        )
        names = {
            row[2] for row in csv_rows(Path(self.path("contacts.csv")).read_bytes())
        }
        self.assertIn("Arthur Privé", names)
        self.assertNotIn("Bernard Confidentiel", names)

    def test_the_command_refuses_an_unknown_user(self):
        with self.assertRaisesMessage(CommandError, "No user has the e-mail"):
            self.export_command(
                "--format", "csv", "--user", "nobody@example.org", "--output", "x"
            )


class FormulaTests(ExportTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Organisation.objects.filter(pk=cls.organisation_a.pk).update(
            description='=HYPERLINK("http://evil.example","clic")',
            phone="+32 4 000 00 00",
            street="@SUM(A1)",
            acronym="-2+3",
        )
        Organisation.objects.filter(pk=cls.organisation_b.pk).update(
            description="Accueil;=1+1",
            phone=" +32 4 123 45 67",
            street="Rue X 1, -cmd",
            acronym="\uff1d1+1",
        )

    def test_csv_text_that_looks_like_a_formula_is_neutralised(self):
        self.login(self.coordinator)
        rows = csv_rows(body(self.client.get(EXPORT, {"format": "csv"})))
        a = next(
            dict(zip(rows[0], row, strict=True))
            for row in rows
            if row[1] == "CPAS de Liège"
        )
        self.assertEqual(a["description"], '\'=HYPERLINK("http://evil.example","clic")')
        self.assertEqual(a["phone"], "'+32 4 000 00 00")
        self.assertEqual(a["street"], "'@SUM(A1)")
        self.assertEqual(a["acronym"], "'-2+3")
        self.assertEqual(a["id"], str(self.organisation_a.pk))

    def test_csv_neutralises_spaces_full_width_signs_and_formulas_after_a_separator(
        self,
    ):
        self.login(self.coordinator)
        data = body(self.client.get(EXPORT, {"format": "csv"}))
        rows = csv_rows(data)
        b = next(
            dict(zip(rows[0], row, strict=True))
            for row in rows
            if row[0] == str(self.organisation_b.pk)
        )
        self.assertEqual(b["description"], "Accueil;'=1+1")
        self.assertEqual(b["phone"], "' +32 4 123 45 67")
        self.assertEqual(b["street"], "Rue X 1,' -cmd")
        self.assertEqual(b["acronym"], "'\uff1d1+1")
        # Excel in Belgium splits lines at ";", which the csv module does not
        # quote in a comma-separated file: no piece may start with a formula,
        # nor where a reader blind to quotes would split at ",".
        for line in data.decode("utf-8").splitlines():
            for piece in re.split("[,;]", line):
                self.assertNotRegex(piece, "^ *[=+\\-@\uff1d\uff0b\uff0d\uff20]")

    def test_xlsx_cells_hold_text_not_formulas_and_numbers_stay_numbers(self):
        self.export_command("--format", "xlsx", "--output", self.path("r.xlsx"))
        sheet = load_workbook(self.path("r.xlsx"))["organisations"]
        rows = list(sheet.iter_rows(values_only=True))
        a = dict(
            zip(rows[0], next(r for r in rows if r[1] == "CPAS de Liège"), strict=True)
        )
        # String cells are never run: the text is as it was typed, no apostrophe.
        self.assertEqual(a["description"], '=HYPERLINK("http://evil.example","clic")')
        self.assertEqual(a["street"], "@SUM(A1)")
        self.assertEqual(a["phone"], "+32 4 000 00 00")
        self.assertEqual(a["acronym"], "-2+3")
        self.assertEqual(a["id"], self.organisation_a.pk)
        for row in sheet.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f")
                if isinstance(cell.value, str):
                    self.assertEqual(cell.data_type, "s")


class XlsxExportTests(ExportTestCase):
    def test_it_writes_typed_sheets_with_a_frozen_header_and_a_filter(self):
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].endswith('.xlsx"'))
        workbook = load_workbook(io.BytesIO(body(response)))
        self.assertEqual(
            workbook.sheetnames, ["organisations", "contacts", "services", "relations"]
        )
        for name in workbook.sheetnames:
            sheet = workbook[name]
            header = next(sheet.iter_rows(max_row=1, values_only=True))
            self.assertEqual(header, column_keys(name))
            self.assertEqual(sheet.freeze_panes, "A2")
            self.assertTrue(sheet.auto_filter.ref.startswith("A1:"))
        services = list(workbook["services"].iter_rows(values_only=True))
        housing = dict(
            zip(
                services[0],
                next(r for r in services if r[2] == "Logement d'urgence"),
                strict=True,
            )
        )
        self.assertEqual(housing["capacity"], 40)
        # openpyxl reads every date cell back as a (naive) datetime.
        self.assertEqual(housing["start_date"].date(), datetime.date(2026, 1, 5))
        self.assertIs(housing["published"], False)
        self.assertEqual(housing["organisation"], self.organisation_a.pk)
        relations = list(workbook["relations"].iter_rows(values_only=True))
        self.assertIs(
            dict(zip(relations[0], relations[1], strict=True))["formal"], True
        )
        contacts = {row[2] for row in workbook["contacts"].iter_rows(values_only=True)}
        self.assertIn("Bernard Confidentiel", contacts)


class HxlExportTests(ExportTestCase):
    def test_the_4w_reads_in_libhxl_one_row_per_service_and_commune(self):
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "hxl"})
        self.assertEqual(response.status_code, 200)
        path = self.path("4w.csv")
        Path(path).write_bytes(body(response))
        dataset = hxl.data(path, hxl.InputOptions(allow_local=True)).cache()
        self.assertEqual(tuple(dataset.display_tags), hxl_row("4w"))
        self.assertIn("#adm3+code", dataset.display_tags)
        rows = [
            (row.get("#org+name"), row.get("#adm3+code"), row.get("#adm1+code"))
            for row in dataset
        ]
        self.assertIn(("CPAS de Liège", "62063", "60000"), rows)
        self.assertIn(
            ("Centre régional de Verviers pour l'intégration", "63079", "60000"), rows
        )
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            set(dataset.get_value_set("#sector")), {"housing", "language-learning"}
        )
        self.assertEqual(set(dataset.get_value_set("#adm2+code")), {"62000", "63000"})


class GeoJsonExportTests(ExportTestCase):
    def test_without_geometry_it_says_why(self):
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "geojson"})
        self.assertContains(response, "import_boundaries", status_code=409)
        with self.assertRaisesMessage(CommandError, "import_boundaries"):
            self.export_command("--format", "geojson", "--output", self.path("x"))

    def test_the_link_says_when_there_is_no_map_to_export(self):
        self.login(self.coordinator)
        for page in ("/registre/organisations/", EXPORT):
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertNotContains(response, "format=geojson")
                self.assertContains(
                    response, "aucune commune n'a de limites ni de coordonnées"
                )
        Commune.objects.filter(nis="63079").update(latitude=50.59, longitude=5.86)
        refcache.forget_all()
        for page in ("/registre/organisations/", EXPORT):
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertContains(response, "format=geojson")
                self.assertNotContains(response, "aucune commune n'a de limites")

    def test_it_counts_services_and_organisations_per_commune(self):
        square = {
            "type": "Polygon",
            "coordinates": [[[5.5, 50.6], [5.6, 50.6], [5.6, 50.7], [5.5, 50.6]]],
        }
        Commune.objects.filter(nis="62063").update(boundary=square)
        Commune.objects.filter(nis="63079").update(latitude=50.59, longitude=5.86)
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "geojson"})
        self.assertEqual(response["Content-Type"], "application/geo+json")
        collection = json.loads(body(response))
        self.assertEqual(collection["type"], "FeatureCollection")
        features = {feature["id"]: feature for feature in collection["features"]}
        self.assertEqual(set(features), {"62063", "63079"})
        liege = features["62063"]
        self.assertEqual(liege["geometry"], square)
        self.assertEqual(liege["properties"]["name"], "Liège")
        self.assertEqual(liege["properties"]["services"], 1)
        self.assertEqual(
            liege["properties"]["themes"],
            {"housing": {"services": 1, "organisations": 1}},
        )
        verviers = features["63079"]
        self.assertEqual(
            verviers["geometry"], {"type": "Point", "coordinates": [5.86, 50.59]}
        )
        self.assertEqual(verviers["properties"]["organisations"], 1)


class JsonExportTests(ExportTestCase):
    def test_it_dumps_every_object_with_the_register_api_fields(self):
        self.export_command(
            "--format", "json", "--include-contacts", "--output", self.path("r.json")
        )
        dump = json.loads(Path(self.path("r.json")).read_text())
        self.assertEqual(
            list(dump), ["organisations", "services", "contacts", "relations"]
        )
        self.login(self.coordinator)
        for key, schema, pk in (
            ("organisations", OrganisationOut, self.organisation_a.pk),
            ("services", ServiceOut, self.service_a.pk),
            ("contacts", ContactOut, self.private_contact_a.pk),
            ("relations", RelationOut, self.relation.pk),
        ):
            for item in dump[key]:
                self.assertEqual(list(item), list(schema.model_fields), key)
            exported = next(item for item in dump[key] if item["id"] == pk)
            self.assertEqual(
                exported, self.client.get(f"/api/v1/register/{key}/{pk}").json()
            )
        a = next(o for o in dump["organisations"] if o["id"] == self.organisation_a.pk)
        self.assertEqual(a["sector"], "public")
        self.assertEqual(a["area_communes"], ["62063"])
        self.assertEqual(dump["relations"][0]["themes"], ["housing"])


class BadInputTests(ExportTestCase):
    def test_an_unknown_format_or_sheet_gets_a_clear_message(self):
        self.login(self.coordinator)
        response = self.client.get(EXPORT, {"format": "pdf"})
        self.assertContains(response, "Format d&#x27;export inconnu", status_code=400)
        response = self.client.get(EXPORT, {"format": "csv", "sheet": "people"})
        self.assertContains(response, "Feuille inconnue", status_code=400)
        response = self.client.get(EXPORT, {"format": "xlsx", "sheet": "services"})
        self.assertEqual(response.status_code, 400)

    def test_the_page_lists_the_formats_with_the_filters(self):
        self.login(self.observer)
        response = self.client.get(EXPORT, {"theme": "housing"})
        self.assertContains(response, "theme=housing&amp;format=xlsx")
        self.assertContains(response, "/echanges/modeles/4w.xlsx")
