"""The consultations' part of `make bench`, over a small seeded register:
the results pages timed against the minimal page, and submissions, every
one stored. One client here: the test database is SQLite in memory, whose
shared cache locks tables instead of waiting (the bench runs on a file)."""

from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import TransactionTestCase

from bench import consultations
from consultations.models import Response
from demo.synthetic import SyntheticSizes, synthetic_build


class ConsultationsFiguresTests(TransactionTestCase):
    def test_pages_and_submissions(self):
        call_command("load_reference", stdout=StringIO())
        synthetic_build(SyntheticSizes(60, 1, 10, 1, 1), progress=lambda text: None)
        with (
            mock.patch.object(consultations, "SUBMISSIONS_PER_CLIENT", 5),
            mock.patch.object(consultations, "CLIENTS", 1),
        ):
            figures = consultations.consultations_figures(
                lambda message: None, scale=0.004, warmups=1, requests=3, budget=5.0
            )
        self.assertEqual(figures["counts"]["responses"], 200)
        self.assertEqual(
            set(figures["pages"]),
            {"results", "results_filtered", "results_cross_table", "round_progress"},
        )
        for name, page in figures["pages"].items():
            with self.subTest(name):
                self.assertEqual(page["status"], 200)
                self.assertGreater(page["ratio_to_minimal"], 0)
                self.assertLess(page["queries"], 30)
        load = figures["submissions"]["submissions"]
        self.assertEqual(load["statuses"], {"201": 10})
        self.assertEqual(Response.objects.count(), 200 + 10)
        self.assertEqual(
            figures["submissions"]["minimal_page"]["statuses"], {"200": 10}
        )
        self.assertGreater(figures["submissions"]["throughput_ratio_to_minimal"], 0)
