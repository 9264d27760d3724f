"""What the exports write imports back: into the same register as "unchanged"
rows, and into an emptied register as the same data (XLSX and one CSV per sheet)."""

import csv
import datetime
import io
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from django.db import models
from django.db.models import F
from openpyxl import load_workbook  # type: ignore[import-untyped]

from exchange.columns import Kind, columns_for
from exchange.exports import SHEETS, export_scope, export_to_path, table, write_xlsx
from exchange.imports import ImportReport, batch_undo, import_file
from exchange.tests.base import ImportTestCase, csv_bytes, xlsx_bytes
from register import services
from register.models import (
    Contact,
    Membership,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
)
from register.tests.factories import (
    make_contact,
    make_organisation,
    make_relation,
    make_service,
)
from territory.models import Commune

# What differs between two copies of the same data.
IGNORED = frozenset({"id", "version", "created_at", "updated_at"})


def enterprise_number(first_eight: int) -> str:
    """A valid Belgian enterprise number (the last two digits are a checksum)."""
    return f"{first_eight:08d}{97 - first_eight % 97:02d}"


def _value(obj: models.Model, model_field: Any) -> Any:
    if model_field.is_relation and model_field.related_model is Organisation:
        related = getattr(obj, model_field.name)
        return None if related is None else related.name
    return getattr(obj, model_field.attname)


def _fields(obj: models.Model) -> dict[str, Any]:
    return {
        model_field.name: _value(obj, model_field)
        for model_field in obj._meta.concrete_fields
        if model_field.name not in IGNORED
    }


def snapshot() -> dict[str, Any]:
    """The register, field by field, keyed by what identifies each object
    without its id."""
    organisations = {
        org.name: {
            **_fields(org),
            "area_communes": sorted(org.area_communes.values_list("pk", flat=True)),
        }
        for org in Organisation.objects.all()
    }
    services_ = {
        (service.organisation.name, service.title): {
            **_fields(service),
            "communes": sorted(service.communes.values_list("pk", flat=True)),
            "target_groups": sorted(
                service.target_groups.values_list("code", flat=True)
            ),
            "funders": sorted(service.funders.values_list("name", flat=True)),
        }
        for service in Service.objects.select_related("organisation")
    }
    contacts = {
        (contact.organisation.name, contact.name): _fields(contact)
        for contact in Contact.objects.select_related("organisation")
    }
    relations = {
        (relation.source.name, relation.target.name, relation.type_id): {
            **_fields(relation),
            "themes": sorted(relation.themes.values_list("code", flat=True)),
        }
        for relation in Relation.objects.select_related("source", "target")
    }
    return {
        "organisations": organisations,
        "services": services_,
        "contacts": contacts,
        "relations": relations,
    }


def empty_register() -> None:
    """Delete the register's objects; the reference data stays."""
    Relation.objects.all().delete()
    Service.objects.all().delete()
    Contact.objects.all().delete()
    Membership.objects.all().delete()
    while Organisation.objects.exists():
        Organisation.objects.filter(children__isnull=True).delete()


def without_ids(
    sheet: str, rows: list[list[Any]], names: dict[str, str]
) -> list[list[Any]]:
    """A sheet for another register: no `id` column, organisations named instead
    of given by their platform id, made by hand from a machine export (the
    portable export writes it so itself)."""
    header = [str(cell) for cell in rows[0]]
    kinds = {column.key: column.kind for column in columns_for(sheet)}
    keep = [index for index, key in enumerate(header) if key != "id"]
    result: list[list[Any]] = [[header[index] for index in keep]]
    for row in rows[1:]:
        cells = []
        for index in keep:
            cell = row[index] if index < len(row) else None
            kind = kinds.get(header[index])
            if kind in (Kind.ORGANISATION, Kind.ORGANISATIONS) and cell not in (
                None,
                "",
            ):
                cell = ";".join(names[part] for part in str(cell).split(";"))
            cells.append(cell)
        result.append(cells)
    return result


class RoundTripTests(ImportTestCase):
    maxDiff = None
    foundation: ClassVar[Organisation]
    antenna: ClassVar[Organisation]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.foundation = make_organisation(
            "Fondation d'essai pour l'accueil",
            by=cls.coordinator,
            level="federal",
            sector="private",
            actor_type="federation-network",
            acronym="FEA",
            enterprise_number=enterprise_number(1234567),
            external_id="fea-001",
            street="Rue de la Loi 16",
            postal_code="5000",
            website="https://fondation.example.org",
            email="info@fondation.example.org",
            phone="+32 2 123 45 67",
            languages=["fr", "nl", "en"],
            description="Une fondation\nsur deux lignes.",
            published=True,
            area=["92094", "62063", "63079"],
        )
        cls.antenna = make_organisation(
            "Antenne de Verviers",
            by=cls.coordinator,
            level="municipal",
            sector="non-profit",
            actor_type="association",
            enterprise_number=enterprise_number(2000000),
            external_id="antenne-vv",
            parent=cls.foundation,
            postal_code="4800",
            area=["63079"],
            languages=["uk"],
            # Text a spreadsheet would take for a formula.
            phone="+32 4 123 45 67",
            acronym="\uff1d1+1",
            street="a;=b",
            description="=1+1",
            # Guarded already: the apostrophe is part of the text.
            name_nl="'=1+1",
        )
        service = make_service(
            cls.antenna,
            "Permanence juridique",
            by=cls.coordinator,
            theme="housing",
            communes=["63079", "63023"],
            target_groups=["children", "women-at-risk"],
            description="Conseils sur le bail.",
            eligibility="Sur rendez-vous.",
            delivery_mode=Service.DeliveryMode.MIXED,
            languages=["fr", "uk"],
            capacity=25,
            capacity_unit="personnes par mois",
            cost=Service.Cost.CONTRIBUTION,
            access=Service.Access.REFERRAL,
            referral_how="Par e-mail.",
            opening_hours="Lundi 9-12",
            start_date=datetime.date(2025, 3, 1),
            end_date=datetime.date(2026, 12, 31),
            status=Service.Status.PLANNED,
            published=True,
        )
        services.service_update(
            service_id=service.pk,
            by=cls.coordinator,
            expected_version=None,
            fields={},
            funders=[cls.foundation, cls.organisation_a],
        )
        make_contact(
            cls.antenna,
            "Oksana Test",
            function="Coordinatrice",
            email="oksana@example.org",
            phone="-12",
            is_focal_point=True,
            languages=["uk", "fr"],
            last_verified=datetime.date(2026, 2, 1),
            shared=True,
        )
        make_relation(
            cls.foundation,
            cls.antenna,
            type="funds",
            themes=["housing", "language-learning"],
            frequency=Relation.Frequency.MONTHLY,
            formal=True,
            since=datetime.date(2024, 9, 1),
            declared_by=cls.foundation,
            source_note="Convention 2024",
            note="=SUM(A1)",
        )
        make_relation(cls.organisation_a, cls.organisation_b)

    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="maillage-round-trip-"))
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.scope = export_scope(user=None, include_contacts=True)

    def exported_xlsx(self) -> bytes:
        buffer = io.BytesIO()
        write_xlsx(buffer, (table(name, self.scope) for name in SHEETS))
        return buffer.getvalue()

    def exported_csvs(self) -> dict[str, bytes]:
        path = self.folder / "registre.zip"
        export_to_path("csv", self.scope, str(path))
        with zipfile.ZipFile(path) as archive:
            return {name: archive.read(f"{name}.csv") for name in SHEETS}

    def import_bytes(self, data: bytes, name: str, kind: str = "") -> ImportReport:
        report = import_file(
            io.BytesIO(data),
            file_name=name,
            user=self.coordinator,
            kind=kind,
            dry_run=False,
        )
        self.assertTrue(report.valid, report.as_text())
        self.assertTrue(report.applied, report.as_text())
        return report

    def assert_all_unchanged(self, report: ImportReport) -> None:
        counts = report.counts
        self.assertEqual(counts["created"], 0, report.as_text(limit=1000))
        self.assertEqual(counts["updated"], 0, report.as_text(limit=1000))
        self.assertEqual(counts["rejected"], 0, report.as_text(limit=1000))
        self.assertGreater(counts["unchanged"], 0)

    def assert_same(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        for sheet in before:
            self.assertEqual(set(before[sheet]), set(after[sheet]), sheet)
            for key, fields in before[sheet].items():
                self.assertEqual(fields, after[sheet][key], (sheet, key))

    def names(self) -> dict[str, str]:
        return {
            str(pk): name for pk, name in Organisation.objects.values_list("pk", "name")
        }

    def test_register_is_rich(self) -> None:
        data = snapshot()
        self.assertEqual(len(data["organisations"]), 4)
        self.assertEqual(len(data["services"]), 3)
        self.assertEqual(len(data["contacts"]), 5)
        self.assertEqual(len(data["relations"]), 2)
        self.assertTrue(Commune.objects.filter(pk="92094").exists())

    def test_xlsx_into_the_same_register_is_unchanged(self) -> None:
        before = snapshot()
        report = self.import_bytes(self.exported_xlsx(), "registre.xlsx")
        self.assert_all_unchanged(report)
        self.assertEqual(
            report.counts["unchanged"], sum(len(rows) for rows in before.values())
        )
        self.assert_same(before, snapshot())

    def test_csv_into_the_same_register_is_unchanged(self) -> None:
        before = snapshot()
        for name, data in self.exported_csvs().items():
            self.assert_all_unchanged(self.import_bytes(data, f"{name}.csv", name))
        self.assert_same(before, snapshot())

    def test_csv_keeps_the_spaces_before_a_formula_sign(self) -> None:
        # The readers strip the spaces around a cell's text (a typed file's stray
        # spaces); in CSV the apostrophe before them keeps them.
        Organisation.objects.filter(pk=self.antenna.pk).update(name_fr=" =cmd")
        before = snapshot()
        data = self.exported_csvs()["organisations"]
        self.assertIn(",' =cmd,", data.decode("utf-8"))
        report = self.import_bytes(data, "organisations.csv", "organisations")
        self.assert_all_unchanged(report)
        self.assert_same(before, snapshot())

    def test_xlsx_into_an_empty_register_gives_the_same_data(self) -> None:
        before = snapshot()
        names = self.names()
        workbook = load_workbook(io.BytesIO(self.exported_xlsx()), read_only=True)
        sheets: dict[str, Sequence[Sequence[object]]] = {
            sheet.title: without_ids(
                sheet.title,
                [list(row) for row in sheet.iter_rows(values_only=True)],
                names,
            )
            for sheet in workbook.worksheets
        }
        empty_register()
        report = self.import_bytes(xlsx_bytes(sheets), "registre.xlsx")
        self.assertEqual(report.counts["created"], 14, report.as_text())
        self.assert_same(before, snapshot())

    def test_csv_into_an_empty_register_gives_the_same_data(self) -> None:
        before = snapshot()
        names = self.names()
        files = {}
        for name, data in self.exported_csvs().items():
            text = data.decode("utf-8-sig")
            rows: list[list[Any]] = list(csv.reader(io.StringIO(text, newline="")))
            files[name] = csv_bytes(without_ids(name, rows, names))
        empty_register()
        for name in ("organisations", "contacts", "services", "relations"):
            self.import_bytes(files[name], f"{name}.csv", name)
        self.assert_same(before, snapshot())

    def test_a_portable_xlsx_imports_into_an_empty_register_as_it_is(self) -> None:
        before = snapshot()
        buffer = io.BytesIO()
        write_xlsx(buffer, (table(name, self.scope, "portable") for name in SHEETS))
        workbook = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
        organisations = [list(row) for row in workbook["organisations"].values]
        self.assertEqual({row[0] for row in organisations[1:]}, {None})
        empty_register()
        report = self.import_bytes(buffer.getvalue(), "registre-portable.xlsx")
        self.assertEqual(report.counts["created"], 14, report.as_text())
        self.assert_same(before, snapshot())

    def test_a_portable_csv_imports_into_an_empty_register_as_it_is(self) -> None:
        before = snapshot()
        path = self.folder / "registre-portable.zip"
        export_to_path("csv", self.scope, str(path), style="portable")
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(f"{name}.csv") for name in SHEETS}
        empty_register()
        for name in SHEETS:
            self.import_bytes(files[name], f"{name}.csv", name)
        self.assert_same(before, snapshot())


class UndoServiceListsTests(ImportTestCase):
    def test_undo_restores_communes_and_funders(self) -> None:
        service = self.service_b
        services.service_update(
            service_id=service.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            funders=[self.organisation_a],
        )
        rows: list[list[object]] = [
            ["id", "organisation", "title", "theme", "communes", "funders"],
            [
                service.pk,
                self.organisation_b.pk,
                service.title,
                "language-learning",
                "62063",
                str(self.organisation_b.pk),
            ],
        ]
        report = import_file(
            io.BytesIO(csv_bytes(rows)),
            file_name="services.csv",
            user=self.coordinator,
            kind="services",
            dry_run=False,
        )
        self.assertEqual(report.counts["updated"], 1, report.as_text())
        service.refresh_from_db()
        self.assertEqual(list(service.communes.values_list("pk", flat=True)), ["62063"])
        self.assertEqual(list(service.funders.all()), [self.organisation_b])
        batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)
        self.assertEqual(
            sorted(service.communes.values_list("pk", flat=True)), ["63023", "63079"]
        )
        self.assertEqual(list(service.funders.all()), [self.organisation_a])
        history = service.history.order_by("-history_id").first()
        self.assertIsNotNone(history)

    def test_service_commune_rows_follow_their_service_through_import_and_undo(
        self,
    ) -> None:
        service = self.service_b
        rows: list[list[object]] = [
            ["id", "organisation", "title", "theme", "subtheme"],
            [service.pk, self.organisation_a.pk, service.title, "housing", ""],
        ]
        report = import_file(
            io.BytesIO(csv_bytes(rows)),
            file_name="services.csv",
            user=self.coordinator,
            kind="services",
            dry_run=False,
        )
        self.assertEqual(report.counts["updated"], 1, report.as_text())
        stale = ServiceCommune.objects.exclude(
            theme_id=F("service__theme_id"),
            organisation_id=F("service__organisation_id"),
        )
        self.assertFalse(stale.exists())
        self.assertTrue(
            ServiceCommune.objects.filter(
                service=service, organisation=self.organisation_a
            ).exists()
        )
        batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)
        self.assertFalse(stale.exists())
        self.assertTrue(
            ServiceCommune.objects.filter(
                service=service, organisation=self.organisation_b
            ).exists()
        )
