"""The meetings' pages of `make bench`, over a small seeded register."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from bench.meetings import meetings_figures
from demo.synthetic import SyntheticSizes, synthetic_build


class MeetingsFiguresTests(TestCase):
    def test_every_page_answers_and_is_timed_against_the_minimal_page(self):
        call_command("load_reference", stdout=StringIO())
        synthetic_build(SyntheticSizes(60, 1, 10, 1, 1), progress=lambda text: None)
        figures = meetings_figures(
            lambda message: None, scale=0.02, warmups=1, requests=3, budget=5.0
        )
        self.assertEqual(figures["counts"]["bodies"], 4)
        self.assertEqual(figures["counts"]["meetings"], 4 * 13)
        # One action of the heavy focal point per meeting held.
        self.assertEqual(
            figures["counts"]["focal_point_actions"], figures["counts"]["meetings_held"]
        )
        self.assertGreaterEqual(figures["counts"]["meetings_held"], 4 * 12)
        self.assertEqual(
            set(figures["pages"]),
            {
                "my_actions",
                "action_board",
                "action_board_overdue",
                "action_board_focal_point",
                "calendar_month",
                "calendar_list",
                "calendar_month_focal_point",
                "api_my_overdue_actions",
            },
        )
        for name, page in figures["pages"].items():
            with self.subTest(name):
                self.assertEqual(page["status"], 200)
                self.assertGreater(page["median_ms"], 0)
                self.assertGreater(page["ratio_to_minimal"], 0)
                self.assertLess(page["queries"], 20)
