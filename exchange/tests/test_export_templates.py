"""The import templates: header and HXL rows, instructions, drop-down lists."""

import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook  # type: ignore[import-untyped]

from exchange.columns import SHEETS, column_keys, columns_for, hxl_row
from exchange.tests.test_export_formats import body
from register.tests.base import RegisterTestCase
from taxonomy.models import TargetGroup, Theme


class TemplateTests(RegisterTestCase):
    def template(self, sheet: str):
        self.login(self.focal_point_a)
        response = self.client.get(f"/echanges/modeles/{sheet}.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"maillage-modele-{sheet}.xlsx", response["Content-Disposition"])
        return load_workbook(io.BytesIO(body(response)))

    def test_every_sheet_has_its_template(self):
        for sheet in SHEETS:
            workbook = self.template(sheet)
            self.assertEqual(workbook.sheetnames, [sheet, "instructions", "listes"])
            data = workbook[sheet]
            rows = list(data.iter_rows(values_only=True))
            self.assertEqual(rows[0], column_keys(sheet))
            self.assertEqual(rows[1], hxl_row(sheet))
            self.assertEqual(workbook["listes"].sheet_state, "hidden")
            instructions = [
                row[0] for row in workbook["instructions"].iter_rows(values_only=True)
            ]
            for key in column_keys(sheet):
                self.assertIn(key, instructions)

    def test_vocabulary_columns_get_drop_down_lists_of_codes(self):
        workbook = self.template("services")
        keys = column_keys("services")
        validations = {
            str(validation.sqref).split(":")[0]: validation
            for validation in workbook["services"].data_validations.dataValidation
        }
        lists = workbook["listes"]
        columns = {
            column[0].value: [cell.value for cell in column[1:] if cell.value]
            for column in lists.iter_cols()
        }
        self.assertEqual(
            columns["theme"],
            list(
                Theme.objects.filter(parent=None)
                .order_by("position", "code")
                .values_list("code", flat=True)
            ),
        )
        self.assertIn("emergency-housing", columns["subtheme"])
        self.assertNotIn("housing", columns["subtheme"])
        self.assertEqual(
            set(columns["target_groups"]),
            set(TargetGroup.objects.values_list("code", flat=True)),
        )
        self.assertEqual(
            columns["status"], ["planned", "ongoing", "suspended", "ended"]
        )
        theme_letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[keys.index("theme")]
        validation = validations[f"{theme_letter}3"]
        self.assertEqual(validation.type, "list")
        self.assertTrue(validation.formula1.startswith("'listes'!$A$2:$A$"))
        self.assertTrue(validation.showErrorMessage)
        groups_letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[keys.index("target_groups")]
        # Several target groups are typed separated by ";": no error alert.
        self.assertFalse(validations[f"{groups_letter}3"].showErrorMessage)
        self.assertNotIn("AA3", validations)  # the title column has none

    def test_the_instructions_say_what_is_required(self):
        workbook = self.template("contacts")
        rows = {
            row[0]: row
            for row in workbook["instructions"].iter_rows(min_row=5, values_only=True)
        }
        required = {column.key for column in columns_for("contacts") if column.required}
        self.assertEqual(
            {key for key, row in rows.items() if row[2] == "oui"}, required
        )
        self.assertEqual(rows["legal_basis"][1], "base légale")

    def test_an_unknown_template_is_not_found(self):
        self.login(self.coordinator)
        self.assertEqual(
            self.client.get("/echanges/modeles/people.xlsx").status_code, 404
        )

    def test_the_command_writes_a_template(self):
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "4w.xlsx")
            call_command(
                "export_register",
                "--template",
                "4w",
                "--output",
                path,
                stdout=io.StringIO(),
            )
            workbook = load_workbook(path)
        self.assertEqual(
            next(workbook["4w"].iter_rows(max_row=1, values_only=True)),
            column_keys("4w"),
        )
