"""The bench's command line: scales, and how pages grow from one to the next."""

import io
import subprocess
from contextlib import redirect_stderr
from typing import Any
from unittest import mock

from django.test import SimpleTestCase

from bench import run


def _run(scale: float, seeding: float, **medians: float | None) -> dict[str, Any]:
    minimal = medians.get("minimal")
    return {
        "scale": scale,
        "timings_seconds": {"seeding": seeding},
        "pages": {
            name: {
                "median_ms": median,
                "ratio_to_minimal": median / minimal if median and minimal else None,
            }
            for name, median in medians.items()
        },
    }


class GrowthTests(SimpleTestCase):
    def test_each_page_grows_from_the_smallest_scale_to_the_largest(self):
        report = run.growth(
            [
                _run(3, 180.0, minimal=2.0, commune_page=12.0, failed=None),
                _run(1, 60.0, minimal=2.0, commune_page=10.0, failed=None),
            ]
        )
        self.assertEqual(report["scales"], [1, 3])
        self.assertEqual(report["seeding_seconds"], [60.0, 180.0])
        self.assertEqual(report["pages"]["minimal"]["growth"], 1.0)
        self.assertEqual(report["pages"]["commune_page"]["growth"], 1.2)
        self.assertEqual(report["pages"]["commune_page"]["median_ms"], [10.0, 12.0])
        self.assertIsNone(report["pages"]["failed"]["growth"])
        self.assertIsNone(report["pages"]["failed"]["ratio_growth"])

    def test_the_ratio_growth_takes_out_the_machine_s_own_drift(self):
        # The whole machine ran 1.5 times slower during the larger scale: the
        # page's median grew by 1.8, its multiple of the minimal page by 1.2.
        report = run.growth(
            [
                _run(1, 60.0, minimal=2.0, commune_page=10.0),
                _run(3, 180.0, minimal=3.0, commune_page=18.0),
            ]
        )
        page = report["pages"]["commune_page"]
        self.assertEqual(page["growth"], 1.8)
        self.assertEqual(page["ratio_to_minimal"], [5.0, 6.0])
        self.assertEqual(page["ratio_growth"], 1.2)

    def test_each_scale_runs_in_its_own_process(self):
        answers = [
            mock.Mock(
                stdout=b'{"scale": 0.1, "timings_seconds": {"seeding": 1},'
                b' "pages": {"minimal": {"median_ms": 2}}}'
            ),
            mock.Mock(
                stdout=b'{"scale": 0.3, "timings_seconds": {"seeding": 3},'
                b' "pages": {"minimal": {"median_ms": 2}}}'
            ),
        ]
        with mock.patch.object(subprocess, "run", side_effect=answers) as spawn:
            report = run.scales_run(
                ["--no-exchange", "--scales", "0.3", "0.1", "--requests", "5"],
                [0.3, 0.1],
            )
        commands = [call.args[0][3:] for call in spawn.call_args_list]
        self.assertEqual(
            commands,
            [
                ["--no-exchange", "--requests", "5", "--scale", "0.1"],
                ["--no-exchange", "--requests", "5", "--scale", "0.3"],
            ],
        )
        self.assertEqual(report["growth"]["scales"], [0.1, 0.3])
        self.assertEqual(len(report["runs"]), 2)

    def test_scales_must_be_two_different_positive_numbers(self):
        for scales in (["1"], ["1", "1"], ["0", "1"]):
            with self.assertRaises(SystemExit), redirect_stderr(io.StringIO()):
                run.parse_args(["--scales", *scales])
