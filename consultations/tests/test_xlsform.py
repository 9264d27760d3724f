"""XLSForm in and out through pyxform: supported forms import and export back
equivalent, unsupported features and broken forms are refused with a
message naming what and where, nothing crashes; the commands."""

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from pyxform import xls2xform

from consultations.models import Questionnaire
from consultations.services import questionnaire_import
from consultations.xlsform import (
    XLSFormError,
    form_check,
    xform_write,
    xlsform_read,
    xlsform_write,
)

FR, EN = "Français (fr)", "English (en)"
SURVEY = [
    ["type", "name", f"label::{FR}", f"label::{EN}", f"hint::{FR}", "required",
     f"required_message::{FR}", "relevant", "constraint", f"constraint_message::{FR}",
     "appearance", "calculation", "repeat_count"],
    ["begin_group", "profil", "Votre organisation", "Your organisation", "", "", "",
     "", "", "", "field-list", "", ""],
    ["select_one niveau", "niveau", "Niveau", "Level", "", "yes",
     "Répondez, s'il vous plaît", "", "", "", "", "", ""],
    ["select_multiple themes or_other", "themes", "Thèmes", "Themes",
     "Plusieurs choix", "", "", "", "", "", "", "", ""],
    ["integer", "places", "Places", "Places", "", "", "",
     "selected(${themes}, 'housing')", ". >= 0 and . < 100000", "Entre 0 et 99 999",
     "", "", ""],
    ["end_group", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["begin_repeat", "antennes", "Antennes", "Branches", "", "", "", "", "", "", "",
     "", "3"],
    ["text", "antenne", "Commune", "Municipality", "", "", "", "", "", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["rank priorites", "priorites", "Priorités", "Priorities", "", "", "", "", "", "",
     "", "", ""],
    ["date", "depuis", "Depuis", "Since", "", "", "", "", ". <= today()",
     "Pas dans le futur", "", "", ""],
    ["calculate", "total", "", "", "", "", "", "", "", "", "", "${places} * 2", ""],
    ["note", "merci", "Merci !", "Thank you!", "", "", "", "", "", "", "", "", ""],
]  # fmt: skip
CHOICES = [
    ["list_name", "name", f"label::{FR}", f"label::{EN}"],
    ["niveau", "local", "Local", "Local"],
    ["niveau", "regional", "Régional", "Regional"],
    ["themes", "housing", "Logement", "Housing"],
    ["themes", "health", "Santé", "Health"],
    ["priorites", "a", "A", "A"],
    ["priorites", "b", "B", "B"],
]
SETTINGS = [
    ["form_title", "form_id", "default_language", "version"],
    ["Enquête sur l'offre", "enquete_offre", FR, "2026-12"],
]


def markdown(**sheets: list[list[str]]) -> str:
    """A form as pyxform's markdown tables."""
    lines = []
    for name, rows in sheets.items():
        lines.append(f"| {name} |")
        lines += ["| | " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


FORM = markdown(survey=SURVEY, choices=CHOICES, settings=SETTINGS)


def md(content: str) -> bytes:
    return content.encode()


def workbook(survey: list[list[Any]], choices: list[list[Any]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices:
        other = book.create_sheet("choices")
        for row in choices:
            other.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


class ReadTests(SimpleTestCase):
    def test_a_supported_form_is_read_with_its_languages(self):
        form = xlsform_read(md(FORM), "enquete.md")
        self.assertEqual(form.title, "Enquête sur l'offre")
        self.assertEqual(form.languages, ["Français (fr)", "English (en)"])
        self.assertEqual(form.default_language, "Français (fr)")
        # Groups, repeats, notes and calculations are not questions.
        self.assertEqual(form.question_count, 6)

    def test_an_xlsx_workbook_is_read_too(self):
        content = workbook(
            [
                ["type", "name", "label"],
                ["text", "nom", "Nom"],
                [],
                ["integer", "n", "N"],
            ]
        )
        form = xlsform_read(content, "simple.xlsx")
        self.assertEqual(form.question_count, 2)

    def assert_refused(self, content: bytes, name: str, *fragments: str) -> None:
        with self.assertRaises(XLSFormError) as caught:
            xlsform_read(content, name)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_unsupported_features_are_named_with_their_row(self):
        self.assert_refused(
            workbook(
                [
                    ["type", "name", "label"],
                    ["text", "a", "A"],
                    ["geopoint", "lieu", "Où ?"],
                ]
            ),
            "geo.xlsx",
            "ligne 3",
            "geopoint",
        )
        self.assert_refused(
            workbook(
                [["type", "name", "label", "media::image"], ["text", "a", "A", "x.png"]]
            ),
            "media.xlsx",
            "ligne 2",
            "media::image",
        )
        self.assert_refused(
            workbook([["type", "name", "label"], ["select_one", "a", "A"]]),
            "select.xlsx",
            "ligne 2",
            "liste de choix",
        )

    def test_broken_forms_are_refused_by_row_and_never_crash(self):
        cases = {
            "unbalanced": (
                [["type", "name", "label"], ["begin_group", "g", "G"],
                 ["text", "a", "A"]],
                "« g » (ligne 2) n'est pas fermé",
            ),
            "closing nothing": (
                [["type", "name", "label"], ["text", "a", "A"], ["end_group", "", ""]],
                "ligne 3 : « end_group » ne ferme aucun groupe",
            ),
            "duplicate": (
                [["type", "name", "label"], ["text", "a", "A"], ["text", "a", "B"]],
                "ligne 3 : le nom « a » est déjà pris",
            ),
            "duplicate in another group": (
                [
                    ["type", "name", "label"],
                    ["text", "a", "A"],
                    ["begin_group", "g", "G"],
                    ["text", "a", "B"],
                    ["end_group", "", ""],
                ],
                "ligne 4 : le nom « a » est déjà pris",
            ),
            "unknown list": (
                [["type", "name", "label"], ["select_one nulle", "a", "A"]],
                "la liste « nulle » n'existe pas",
            ),
            "bad reference": (
                [["type", "name", "label", "relevant"],
                 ["text", "a", "A", "${inconnu} = 1"]],
                "ligne 2 : « ${inconnu} » ne renvoie à aucune question",
            ),
            "no name": ([["type", "name", "label"], ["text", "", "A"]], "ligne 2"),
            "cyclic relevant": (
                [
                    ["type", "name", "label", "relevant"],
                    ["text", "a", "A", "${b} = 'x'"],
                    ["text", "b", "B", "${a} = 'y'"],
                ],
                "tournent en rond",
            ),
            "expression that does not parse": (
                [["type", "name", "label", "constraint"], ["integer", "a", "A", ". >"]],
                "ligne 2 : l'expression constraint « . > » ne se lit pas",
            ),
            "unknown function": (
                [["type", "name", "label", "calculation"],
                 ["calculate", "a", "", "frobnicate(1)"]],
                "frobnicate",
            ),
        }  # fmt: skip
        for case, (rows, fragment) in cases.items():
            with self.subTest(case=case):
                self.assert_refused(workbook(rows), "f.xlsx", fragment)

    def test_pyxform_s_other_spellings_are_read_as_it_reads_them(self):
        form = xlsform_read(
            md(
                "| survey |\n"
                "| | Type | Name | Label:English | Relevance |\n"
                "| | select one from sexes or specify other | sex | Sex? | |\n"
                "| | int | age | Age | ${sex} = 'female' |\n"
                "| | select all that apply toilets | toilets | Toilets | |\n"
                "| choices |\n"
                "| | list name | value | label:English |\n"
                "| | sexes | male | Male |\n"
                "| | sexes | female | Female |\n"
                "| | toilets | pit | Pit |\n"
                "| settings |\n"
                "| | Form_ID |\n"
                "| | sex_form |\n"
            ),
            "f.md",
        )
        survey, choices = form.definition["survey"], form.definition["choices"]
        self.assertEqual(
            [row["type"] for row in survey],
            ["select_one sexes or_other", "integer", "select_multiple toilets"],
        )
        self.assertEqual(survey[1]["relevant"], "${sex} = 'female'")
        self.assertEqual(survey[0]["label::English"], "Sex?")
        self.assertEqual(
            choices[0], {"list_name": "sexes", "name": "male", "label::English": "Male"}
        )
        self.assertEqual(form.form_id, "sex_form")

    def test_choices_from_answers_are_refused_by_name(self):
        self.assert_refused(
            md(
                "| survey |\n| | type | name | label |\n"
                "| | begin_repeat | p | P |\n| | text | n | N |\n| | end_repeat | | |\n"
                "| | select_one ${n} | who | Who |\n"
            ),
            "f.md",
            "des choix tirés des réponses",
        )

    def test_junk_files_are_refused(self):
        for content, name in (
            (b"PK\x03\x04 not really a zip", "f.xlsx"),
            (b"\x00\x01\x02", "f.xls"),
            (b"", "f.xlsx"),
            (b"type,name\n", "f.csv"),
            (b"x" * (6 * 1024 * 1024), "f.md"),
            (workbook([["type", "name", "label"]]), "vide.xlsx"),
        ):
            with (
                self.subTest(name=name, size=len(content)),
                self.assertRaises(XLSFormError),
            ):
                xlsform_read(content, name)

    def test_unsupported_settings_and_sheets_are_refused(self):
        with self.assertRaises(XLSFormError) as caught:
            form_check(
                {
                    "survey": [{"type": "text", "name": "a", "label": "A"}],
                    "settings": {"submission_url": "https://example.org"},
                }
            )
        self.assertIn("submission_url", str(caught.exception))


class RoundTripTests(SimpleTestCase):
    def test_an_exported_form_converts_with_pyxform_and_reads_back_equal(self):
        form = xlsform_read(md(FORM), "enquete.md")
        exported = xlsform_write(form.definition)
        # pyxform itself converts Maillage's workbook.
        result = xls2xform.convert(
            xlsform=exported, file_type=".xlsx", form_name="data"
        )
        self.assertIn("<h:title>Enquête sur l'offre</h:title>", result.xform)
        again = xlsform_read(exported, "export.xlsx")
        self.assertEqual(again.definition, form.definition)
        self.assertEqual(again.languages, form.languages)

    def test_the_xform_is_pyxform_s(self):
        form = xlsform_read(md(FORM), "enquete.md")
        xform = xform_write(form.definition)
        self.assertTrue(xform.startswith("<?xml"))
        self.assertIn("jr:constraintMsg", xform)
        self.assertIn("selected( /data/profil/themes , 'housing')", xform)


class ImportTests(TestCase):
    def test_importing_under_the_same_key_makes_a_new_version(self):
        form = xlsform_read(md(FORM), "enquete.md")
        first = questionnaire_import(form=form, by=None)
        second = questionnaire_import(form=form, by=None)
        self.assertEqual((first.key, first.version), ("enquete_offre", 1))
        self.assertEqual((second.key, second.version), ("enquete_offre", 2))
        self.assertEqual(first.definition, second.definition)


class CommandTests(TestCase):
    def setUp(self) -> None:
        import tempfile

        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.folder = Path(directory.name)

    def test_import_prints_the_id_last_and_export_writes_it_back(self):
        source = self.folder / "enquete.md"
        source.write_text(FORM, encoding="utf-8")
        output = io.StringIO()
        call_command("import_xlsform", str(source), stdout=output)
        questionnaire = Questionnaire.objects.get()
        self.assertEqual(
            output.getvalue().strip().splitlines()[-1], str(questionnaire.pk)
        )
        target = self.folder / "export.xlsx"
        call_command(
            "export_xlsform",
            str(questionnaire.pk),
            "--output",
            str(target),
            stdout=io.StringIO(),
        )
        self.assertEqual(
            xlsform_read(target.read_bytes(), "export.xlsx").definition,
            questionnaire.definition,
        )
        xml = self.folder / "export.xml"
        call_command(
            "export_xlsform",
            str(questionnaire.pk),
            "--output",
            str(xml),
            "--format",
            "xform",
            stdout=io.StringIO(),
        )
        self.assertIn("<h:html", xml.read_text(encoding="utf-8"))

    def test_a_dry_run_imports_nothing_and_a_refusal_names_the_reason(self):
        source = self.folder / "enquete.md"
        source.write_text(FORM, encoding="utf-8")
        output = io.StringIO()
        call_command("import_xlsform", str(source), "--dry-run", stdout=output)
        self.assertIn("6 questions", output.getvalue())
        self.assertFalse(Questionnaire.objects.exists())
        bad = self.folder / "geo.xlsx"
        bad.write_bytes(
            workbook([["type", "name", "label"], ["geopoint", "lieu", "Où ?"]])
        )
        with self.assertRaisesMessage(CommandError, "geopoint"):
            call_command("import_xlsform", str(bad), stdout=io.StringIO())
        with self.assertRaises(CommandError):
            call_command("export_xlsform", "²", "--output", str(self.folder / "x"))
        with self.assertRaises(CommandError):
            call_command("export_xlsform", "99999", "--output", str(self.folder / "x"))

    def test_the_import_command_s_exit_status(self):
        bad = self.folder / "geo.xlsx"
        bad.write_bytes(
            workbook([["type", "name", "label"], ["geopoint", "lieu", "Où ?"]])
        )
        process = subprocess.run(  # noqa: S603 - our own manage.py
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "import_xlsform",
                str(bad),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(process.returncode, 1)
        self.assertIn("geopoint", process.stderr)
        self.assertIn("ligne 2", process.stderr)
