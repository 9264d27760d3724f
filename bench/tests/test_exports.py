"""The export bench's baselines and the rows it counts per format."""

import json
import tempfile
from pathlib import Path

from openpyxl import load_workbook  # type: ignore[import-untyped]

from bench import exports
from exchange.columns import column_keys
from register.models import Contact, Organisation, Relation, Service
from register.tests.base import RegisterTestCase


class ExportBenchTests(RegisterTestCase):
    def rows(self) -> int:
        return sum(
            model.objects.count()
            for model in (Organisation, Contact, Service, Relation)
        )

    def test_the_bare_read_reads_every_row_of_the_xlsx_sheets(self):
        self.assertGreater(self.rows(), 0)
        self.assertEqual(exports.bare_read(""), self.rows())

    def test_the_openpyxl_baseline_writes_the_same_sheets(self):
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "o.xlsx")
            self.assertEqual(exports.openpyxl_write_only(path), self.rows())
            workbook = load_workbook(path)
        self.assertEqual(
            workbook.sheetnames, ["organisations", "contacts", "services", "relations"]
        )
        sheet = workbook["organisations"]
        self.assertEqual(
            next(sheet.iter_rows(max_row=1, values_only=True)),
            column_keys("organisations"),
        )
        self.assertEqual(sheet.max_row, Organisation.objects.count() + 1)

    def test_it_counts_the_rows_each_format_wrote(self):
        summary = "Exported to x: 3 organisations, 0 contacts, 5 services, 2 relations."
        self.assertEqual(exports._rows(summary, Path("x"), "xlsx"), 10)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "r.json"
            path.write_text(json.dumps({"organisations": [1, 2], "services": [3]}))
            self.assertEqual(exports._rows("", path, "json"), 3)
            path.write_text(json.dumps({"type": "x", "features": [{}, {}]}))
            self.assertEqual(exports._rows("", path, "geojson"), 2)
