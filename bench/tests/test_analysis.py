"""The sector analysis's figures of `make bench`, over a small seeded register."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from bench.analysis import analysis_figures
from demo.synthetic import SyntheticSizes, synthetic_build


class AnalysisFiguresTests(TestCase):
    def test_coverage_and_gaps_are_timed_against_the_raw_group_by(self):
        call_command("load_reference", stdout=StringIO())
        synthetic_build(SyntheticSizes(30, 2, 20, 2, 1), progress=lambda text: None)
        figures = analysis_figures(lambda message: None)
        self.assertEqual(
            set(figures),
            {"coverage_commune", "coverage_province", "gaps_commune", "overlaps"},
        )
        self.assertEqual(figures["coverage_commune"]["cells"], 261 * 18)
        self.assertEqual(figures["coverage_province"]["cells"], 5 * 18)
        for level in ("commune", "province"):
            coverage = figures[f"coverage_{level}"]
            self.assertGreater(coverage["median_ms"], 0)
            self.assertGreater(coverage["ratio_to_sql"], 0)
            # The raw statement leaves the zeros out.
            self.assertLessEqual(coverage["sql_group_by_rows"], coverage["cells"])
        self.assertGreater(figures["gaps_commune"]["gaps"], 0)
