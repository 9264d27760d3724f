"""A round's results: frequencies with a chart and its table, figures,
free answers with a search, filters on the respondents' organisation, a
question crossed with their level, exports as XLSX and CSV (one column per
choice of a select_multiple), a PDF report, and the results published to
those invited (figures only)."""

import csv
import io
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.urls import reverse

from consultations.models import Round
from consultations.services import response_submit, round_publish
from consultations.tests.base import ANSWERS, RoundTestCase


class ResultTests(RoundTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        invitation_b = cls.round.invitations.get(organisation=cls.organisation_b)
        for instance, invitation, answers in (
            ("a", cls.invitation_a, ANSWERS),
            ("b", invitation_b, {"accueil": "no", "besoins": ["logement", "emploi"],
                                 "commentaire": "=HYPERLINK(\"x\") Пріоритет житло"}),
            ("public", None, {"accueil": "yes", "places": "30"}),
        ):  # fmt: skip
            response_submit(
                round_=cls.round, instance_id=instance, answers=answers,
                invitation=invitation,
            )  # fmt: skip

    def url(self, name: str = "round_results", *args: Any) -> str:
        return reverse(f"consultations:{name}", args=[self.round.pk, *args])

    def test_only_coordinators_read_the_results(self):
        expected = {
            "anonymous": 302, "admin": 200, "coordinator": 200,
            "focal_point_a": 403, "focal_point_b": 403, "observer": 403,
        }  # fmt: skip
        for name, user in self.personas().items():
            self.login(user)
            for url in (self.url(), self.url("round_results_export", "csv")):
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected[name])

    def test_frequencies_figures_and_free_answers(self):
        self.login(self.coordinator)
        response = self.client.get(self.url())
        self.assertContains(response, "3 réponses envoyées")
        results = {r.name: r for r in response.context["questions"]}
        shares = {s.value: s.count for s in results["accueil"].shares}
        self.assertEqual(shares, {"yes": 2, "no": 1})
        self.assertEqual(dict(results["places"].figures)["total"], "42")
        self.assertEqual({s.value: s.count for s in results["besoins"].shares},
                         {"logement": 2, "emploi": 1})  # fmt: skip
        self.assertContains(response, '<svg class="bars"')
        self.assertContains(response, "CPAS de Liège")
        found = self.client.get(self.url() + "?q=житло").context["questions"]
        texts = {r.name: r.texts for r in found}["commentaire"]
        self.assertEqual(len(texts), 1)

    def test_filters_and_a_cross_table(self):
        self.login(self.coordinator)
        response = self.client.get(self.url() + "?level=regional")
        self.assertEqual(response.context["total"], 1)
        response = self.client.get(self.url() + "?cross=accueil&by=level")
        crosstab = response.context["crosstab"]
        self.assertEqual([label for _v, label in crosstab["choices"]], ["Oui", "Non"])
        rows = {label: (counts, people) for label, counts, people in crosstab["rows"]}
        self.assertEqual(rows["Régions"], ([0, 1], 1))
        for junk in (
            "?level=zzz",
            "?province=99999",
            "?cross=nope&by=x",
            "?q=" + "x" * 300,
        ):
            with self.subTest(junk=junk):
                self.assertIn(
                    self.client.get(self.url() + junk).status_code, {200, 400}
                )

    def test_exports_one_row_per_response(self):
        self.login(self.coordinator)
        content = self.client.get(self.url("round_results_export", "csv")).content
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        header = rows[0]
        self.assertIn("offre/accueil", header)
        self.assertIn("avis/besoins/logement", header)
        self.assertEqual(len(rows), 4)
        b_row = dict(zip(header, rows[2], strict=True))
        self.assertEqual(b_row["avis/besoins"], "logement emploi")
        self.assertEqual(
            (b_row["avis/besoins/logement"], b_row["avis/besoins/emploi"]), ("1", "1")
        )
        self.assertTrue(b_row["avis/commentaire"].startswith("'="))
        workbook = openpyxl.load_workbook(
            io.BytesIO(
                self.client.get(self.url("round_results_export", "xlsx")).content
            )
        )
        self.assertEqual(workbook.active.max_row, 4)
        self.assertEqual(
            self.client.get(self.url("round_results_export", "exe")).status_code, 404
        )
        pdf = self.client.get(self.url("round_results_pdf"))
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_anonymous_rounds_hide_who_answered(self):
        Round.objects.filter(pk=self.round.pk).update(anonymous=True)
        self.login(self.coordinator)
        self.assertNotContains(self.client.get(self.url()), "CPAS de Liège")
        content = self.client.get(
            self.url("round_results_export", "csv")
        ).content.decode()
        self.assertNotIn("_organisation", content)
        self.assertNotIn("CPAS de Liège", content)

    def test_results_published_to_those_invited(self):
        url = reverse("consultations:published_results", args=[self.invitation_a.key])
        self.assertEqual(self.client.get(url).status_code, 404)
        round_publish(round_=self.round, published=True)
        response = self.client.get(url)
        self.assertContains(response, "Accueillez-vous")
        self.assertNotContains(response, "Places en maisons communautaires")
        self.assertNotContains(response, "CPAS de Liège")

    def test_results_follow_a_new_response_though_kept_in_the_cache(self):
        self.login(self.coordinator)
        self.assertEqual(self.client.get(self.url()).context["total"], 3)
        response_submit(
            round_=self.round, instance_id="late", answers={"accueil": "no"},
            invitation=None,
        )  # fmt: skip
        self.assertEqual(self.client.get(self.url()).context["total"], 4)
