"""The form engine: XLSForm expressions evaluated over the answers with the
ODK functions (never Python's eval), relevance inherited from groups,
calculations, repeats and their counts, cascading choices, typed values,
required and constraint rules with the form's own messages."""

import datetime as dt
from typing import Any
from unittest import mock

from django.test import SimpleTestCase

from consultations.engine import (
    evaluation_run,
    spec_build,
    value_parse,
)
from consultations.filling import answer_set, repeat_change
from consultations.tests.test_xlsform import markdown
from consultations.xlsform import xlsform_read
from consultations.xpath import ExpressionError, evaluate, expression_parse

FR, UK = "Français (fr)", "Українська (uk)"


def spec_of(survey, choices=None, settings=None):
    sheets = {"survey": survey}
    if choices:
        sheets["choices"] = choices
    if settings:
        sheets["settings"] = settings
    form = xlsform_read(markdown(**sheets).encode(), "f.md")
    return spec_build(form.definition, form.languages, form.default_language)


class ExpressionTests(SimpleTestCase):
    def value(self, expression, xml="<data/>"):
        import xml.etree.ElementTree as ET

        root = ET.fromstring(xml)  # noqa: S314 - the test's own XML
        return evaluate(expression_parse(expression), root, root)

    def test_odk_functions(self):
        xml = "<data><a>x y</a><d>2026-12-01</d><r><q>1</q></r><r><q>5</q></r></data>"
        cases = {
            "selected(/data/a, 'y')": True,
            "selected(/data/a, 'z')": False,
            "count-selected(/data/a)": 2,
            "selected-at(/data/a, 1)": "y",
            "if(count(/data/r) > 1, 'many', 'one')": "many",
            "coalesce(/data/none, 'fallback')": "fallback",
            "regex(/data/a, '^x ')": True,
            "max(/data/r/q)": 5.0,
            "sum(/data/r/q)": 6.0,
            "join(', ', /data/r/q)": "1, 5",
            "round(2.567, 2)": 2.57,
            "int(-7.9)": -7.0,
            "pow(2, 10)": 1024.0,
            "substr('Maillage', 0, 4)": "Mail",
            "ends-with('Namur', 'mur')": True,
            "format-date(/data/d, '%e/%n/%Y')": "1/12/2026",
            "date(1)": "1970-01-02",
            "decimal-date-time('1970-01-11')": 10.0,
            "boolean-from-string('true')": True,
            "count-non-empty(/data/r/q)": 2,
        }
        for expression, expected in cases.items():
            with self.subTest(expression=expression):
                self.assertEqual(self.value(expression, xml), expected)

    def test_dates_compare_as_dates(self):
        xml = "<data><d>2026-12-01</d></data>"
        with mock.patch(
            "django.utils.timezone.localdate", return_value=dt.date(2026, 12, 7)
        ):
            self.assertIs(self.value("/data/d <= today()", xml), True)
            self.assertIs(self.value("/data/d > today()", xml), False)
            self.assertEqual(self.value("today() - /data/d", xml), 6.0)
        self.assertIs(self.value("'2026-01-31' < '2026-02-01'"), True)
        self.assertIs(self.value("'09:30' < '10:00'"), True)

    def test_python_is_never_evaluated(self):
        for hostile in (
            "__import__('os').system('true')",
            "open('/etc/passwd')",
            "eval('1')",
            "1 +",
            "jr:choice-name(1, 'x')",
            "/" * 5000,
        ):
            with self.subTest(hostile=hostile[:40]), self.assertRaises(ExpressionError):
                expression_parse(hostile)

    def test_a_bad_regex_fails_as_an_expression(self):
        with self.assertRaises(ExpressionError):
            self.value("regex('a', '(')")


class EvaluationTests(SimpleTestCase):
    def test_relevance_is_inherited_and_hidden_answers_are_dropped(self):
        spec = spec_of(
            [
                ["type", "name", "label", "relevant"],
                ["select_one yn", "works", "Works?", ""],
                ["begin_group", "detail", "Detail", "${works} = 'yes'"],
                ["integer", "places", "Places", ""],
                ["text", "why", "Why", "${places} > 10"],
                ["end_group", "", "", ""],
            ],
            [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
        )
        answers = {"works": "no", "places": "20", "why": "many"}
        evaluation = evaluation_run(spec, answers)
        self.assertFalse(evaluation.fields["why"].relevant)
        self.assertEqual(evaluation.answers(), {"works": "no"})
        evaluation = evaluation_run(spec, answers | {"works": "yes"})
        self.assertTrue(evaluation.fields["why"].relevant)
        self.assertEqual(evaluation.answers()["why"], "many")

    def test_calculations_follow_their_references_whatever_the_row_order(self):
        spec = spec_of(
            [
                ["type", "name", "label", "calculation"],
                ["calculate", "double", "", "${total} * 2"],
                ["calculate", "total", "", "${a} + ${b}"],
                ["integer", "a", "A", ""],
                ["integer", "b", "B", ""],
            ]
        )
        answers = evaluation_run(spec, {"a": "2", "b": "3"}).answers()
        self.assertEqual((answers["total"], answers["double"]), ("5", "10"))

    def test_repeats_count_and_refer_to_their_own_instance(self):
        spec = spec_of(
            [
                ["type", "name", "label", "repeat_count", "constraint", "calculation"],
                ["integer", "count", "How many", "", "", ""],
                ["begin_repeat", "site", "Site", "${count}", "", ""],
                ["integer", "capacity", "Capacity", "", "", ""],
                ["integer", "used", "Used", "", ". <= ${capacity}", ""],
                ["calculate", "number", "", "", "", "position(..)"],
                ["end_repeat", "", "", "", "", ""],
                ["calculate", "total", "", "", "", "sum(${capacity})"],
            ]
        )
        answers = {
            "count": "2",
            "site": [{"capacity": "10", "used": "12"}, {"capacity": "30", "used": "3"}],
        }
        evaluation = evaluation_run(spec, answers)
        stored = evaluation.answers()
        self.assertEqual(stored["total"], "40")
        self.assertEqual([entry["number"] for entry in stored["site"]], ["1", "2"])
        from consultations.filling import all_errors

        self.assertEqual(list(all_errors(evaluation, "")), ["site/0/used"])
        self.assertEqual(
            len(evaluation_run(spec, answers | {"count": "3"}).answers()["site"]), 3
        )
        self.assertEqual(
            len(
                evaluation_run(spec, answers | {"count": "99999"}).by_node[
                    spec.nodes["site"]
                ]
            ),
            200,
        )

    def test_cascading_choices_and_other(self):
        spec = spec_of(
            [
                ["type", "name", "label", "choice_filter"],
                ["select_one province or_other", "province", "Province", ""],
                ["select_one commune", "commune", "Commune", "province=${province}"],
            ],
            [
                ["list_name", "name", "label", "province"],
                ["province", "namur", "Namur", ""],
                ["province", "liege", "Liège", ""],
                ["commune", "dinant", "Dinant", "namur"],
                ["commune", "spa", "Spa", "liege"],
            ],
        )
        evaluation = evaluation_run(spec, {"province": "liege"})
        names = [c.name for c in evaluation.choices(evaluation.fields["commune"])]
        self.assertEqual(names, ["spa"])
        self.assertFalse(evaluation.fields["province_other"].relevant)
        evaluation = evaluation_run(
            spec, {"province": "other", "province_other": "Lux"}
        )
        names = [c.name for c in evaluation.choices(evaluation.fields["province"])]
        self.assertEqual(names, ["namur", "liege", "other"])
        self.assertEqual(evaluation.answers()["province_other"], "Lux")

    def test_required_and_constraint_messages_in_the_respondents_language(self):
        spec = spec_of(
            [
                [
                    "type",
                    "name",
                    f"label::{FR}",
                    f"label::{UK}",
                    "required",
                    f"required_message::{FR}",
                    f"required_message::{UK}",
                    "constraint",
                    f"constraint_message::{FR}",
                    f"constraint_message::{UK}",
                ],
                [
                    "integer",
                    "places",
                    "Places",
                    "Місця",
                    "yes",
                    "Obligatoire",
                    "Обов'язково",
                    ". >= 0",
                    "Positif",
                    "Додатне",
                ],
            ],
            settings=[["default_language"], [FR]],
        )
        from consultations.filling import all_errors

        self.assertEqual(spec.language_for("uk"), UK)
        self.assertEqual(
            all_errors(evaluation_run(spec, {}), UK), {"places": "Обов'язково"}
        )
        self.assertEqual(
            all_errors(evaluation_run(spec, {"places": "-1"}), FR),
            {"places": "Positif"},
        )
        self.assertEqual(all_errors(evaluation_run(spec, {"places": "3"}), FR), {})

    def test_defaults_fill_a_new_set_of_answers_only(self):
        spec = spec_of(
            [["type", "name", "label", "default"], ["text", "a", "A", "oui"]]
        )
        self.assertEqual(evaluation_run(spec, {}, fresh=True).answers(), {"a": "oui"})
        self.assertEqual(evaluation_run(spec, {}).answers(), {})

    def test_pages_are_top_level_groups_and_the_questions_between(self):
        spec = spec_of(
            [
                ["type", "name", "label"],
                ["text", "a", "A"],
                ["text", "b", "B"],
                ["begin_group", "g", "G"],
                ["text", "c", "C"],
                ["end_group", "", ""],
                ["begin_repeat", "r", "R"],
                ["text", "d", "D"],
                ["end_repeat", "", ""],
                ["note", "bye", "Merci"],
            ]
        )
        self.assertEqual(
            [[node.name for node in page.nodes] for page in spec.pages],
            [["a", "b"], ["g"], ["r"], ["bye"]],
        )


class ValueTests(SimpleTestCase):
    def setUp(self):
        self.spec = spec_of(
            [
                ["type", "name", "label"],
                ["integer", "i", "I"],
                ["decimal", "d", "D"],
                ["date", "day", "Day"],
                ["time", "t", "T"],
                ["select_multiple c", "m", "M"],
                ["rank c", "r", "R"],
                ["text", "s", "S"],
            ],
            [["list_name", "name", "label"], ["c", "a", "A"], ["c", "b", "B"]],
        )

    def parse(self, name, raw, allowed=None):
        return value_parse(self.spec.nodes[name], raw, allowed)

    def test_values_are_typed(self):
        ok = {
            ("i", " 42 "): "42",
            ("i", "-7"): "-7",
            ("d", "3,50"): "3.5",
            ("day", "07/12/2026"): "2026-12-07",
            ("day", "2026-12-07"): "2026-12-07",
            ("t", "9:05"): "09:05",
            ("s", "a\x00b\x1f"): "ab",
        }
        for (name, raw), expected in ok.items():
            with self.subTest(name=name, raw=raw):
                self.assertEqual(self.parse(name, raw), (expected, ""))
        self.assertEqual(self.parse("m", ["a", "b"], {"a", "b"}), (["a", "b"], ""))
        self.assertEqual(self.parse("r", ["b", "a"], {"a", "b"}), (["b", "a"], ""))

    def test_junk_gets_a_message_never_an_exception(self):
        junk = [
            ("i", "12abc"), ("i", "99999999999"), ("i", "1e5"), ("i", "٣"),
            ("d", "NaN"), ("d", "Infinity"), ("d", "1e400"), ("d", "abc"),
            ("day", "2026-02-30"), ("day", "31/31/2026"), ("day", "0001-01-01"),
            ("t", "25:00"), ("t", "noon"),
            ("m", ["a", "zz"]), ("m", ["a", "a"]), ("m", [1, 2]), ("r", ["a"]),
            ("s", "x" * 10_001), ("i", ["1"]), ("s", {"a": 1}), ("i", True),
        ]  # fmt: skip
        for name, raw in junk:
            with self.subTest(name=name, raw=str(raw)[:30]):
                value, error = self.parse(name, raw, {"a", "b"})
                self.assertTrue(error)
                self.assertEqual(value, "")


class AnswerEditTests(SimpleTestCase):
    def test_answers_set_at_a_repeat_key_and_repeats_change(self):
        answers: dict[str, Any] = {}
        answer_set(answers, "site/1/capacity", "3")
        self.assertEqual(answers, {"site": [{}, {"capacity": "3"}]})
        self.assertTrue(repeat_change(answers, "add:site"))
        self.assertTrue(repeat_change(answers, "remove:site/0"))
        self.assertEqual(answers, {"site": [{"capacity": "3"}, {}]})
        for junk in (
            "remove:site/9",
            "remove:site/x",
            "add:nothing/3/x",
            "drop:site",
            "",
        ):
            with self.subTest(junk=junk):
                self.assertFalse(repeat_change(answers, junk))
