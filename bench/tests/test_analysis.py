"""The sector analysis's figures of `make bench`, over a small seeded register."""

from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import TestCase

from bench.analysis import analysis_figures
from bench.network import measure
from demo.synthetic import SyntheticSizes, synthetic_build


class AnalysisFiguresTests(TestCase):
    def test_coverage_and_gaps_are_timed_against_the_raw_group_by(self):
        call_command("load_reference", stdout=StringIO())
        synthetic_build(SyntheticSizes(30, 2, 20, 2, 1), progress=lambda text: None)
        with mock.patch(
            "bench.analysis.network_figures",
            lambda progress: {
                name: measure(nodes, nodes * 5) | {"peak_mb": 1.0}
                for name, nodes in (("network_5000", 3_500), ("network_20000", 4_000))
            },
        ):
            figures = analysis_figures(lambda message: None)
        self.assertEqual(
            set(figures),
            {
                "coverage_commune",
                "coverage_province",
                "gaps_commune",
                "overlaps",
                "map",
                "network_register",
                "report_pdf",
                "network_5000",
                "network_20000",
            },
        )
        for name in ("network_5000", "network_20000"):
            self.assertEqual(figures[name]["algorithm"], "sampled")
            self.assertGreater(figures[name]["peak_mb"], 0)
        self.assertEqual(figures["coverage_commune"]["cells"], 261 * 18)
        self.assertEqual(figures["coverage_province"]["cells"], 5 * 18)
        for level in ("commune", "province"):
            coverage = figures[f"coverage_{level}"]
            self.assertGreater(coverage["median_ms"], 0)
            self.assertGreater(coverage["ratio_to_sql"], 0)
            # The raw statement leaves the zeros out.
            self.assertLessEqual(coverage["sql_group_by_rows"], coverage["cells"])
        self.assertGreater(figures["gaps_commune"]["gaps"], 0)
        # The shared boundaries sit beside the repository here (else: 0).
        map_figures = figures["map"]
        self.assertEqual(
            map_figures["features"], 261 if map_figures["boundaries"] else 0
        )
        self.assertGreater(map_figures["bytes"], map_figures["gzip_bytes"])
        self.assertGreater(figures["report_pdf"]["pdf_bytes"], 0)
        self.assertGreater(figures["report_pdf"]["seconds"], 0)
