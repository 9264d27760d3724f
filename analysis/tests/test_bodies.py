"""The assessment of coordination bodies on the coverage example (see
test_coverage: A municipal, B non-governmental, C federal; 1,000 people under
temporary protection in Liège, 200 in Seraing, 500 in Namur), computed by hand.

- P1, active, housing, Liège + Seraing, members A and B: regional level missing
  (housing is the Region's).
- P2, existing, health and emergency housing (a sub-theme of housing, which
  has no line of its own in the competence matrix), Liège + Namur, convened by
  C, member A: regional (health, emergency housing) and community (health)
  levels missing.
- P3, dormant, housing, Namur, no member; P4, proposed, health, Seraing: not in
  place, so they overlap and cover nothing.

Overlap: P1 × P2, on housing, over Liège. Uncovered in Wallonia (261
communes): housing in 258 (no figure there), health in 259 (Seraing: 200).
"""

import datetime
from typing import Any, ClassVar

from django.utils import timezone

from analysis import services
from analysis.bodies import (
    BodyFilters,
    body_levels,
    body_overlaps,
    body_rows,
    uncovered,
)
from analysis.models import BodyAssessment
from analysis.tests.test_coverage import (
    LIEGE,
    NAMUR,
    PROVINCE_LIEGE,
    SERAING,
    CoverageTestCase,
)
from coordination import services as coordination_services
from coordination.models import CoordinationBody
from register.models import Organisation
from taxonomy.models import InstitutionalLevel, Theme
from territory.models import Commune

BODIES = "/analyse/organes/"
API = "/api/v1/analysis/bodies"


def scores(*values: int) -> dict[str, int]:
    return dict(zip(BodyAssessment.CRITERIA, values, strict=True))


class BodyTestCase(CoverageTestCase):
    p1: ClassVar[CoordinationBody]
    p2: ClassVar[CoordinationBody]
    p3: ClassVar[CoordinationBody]
    p4: ClassVar[CoordinationBody]
    level: ClassVar[dict[str, int]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = Organisation.objects.get(name="CPAS de Liège")
        b = Organisation.objects.get(name="Accueil Ukraine")
        c = Organisation.objects.get(name="Fedasil")
        cls.level = dict(InstitutionalLevel.objects.values_list("code", "pk"))
        cls.p1 = cls.body(
            "P1 Plateforme liégeoise",
            "active",
            ["housing"],
            [LIEGE, SERAING],
            members=[(a, "chair"), (b, "member")],
        )
        cls.p2 = cls.body(
            "P2 Comité santé",
            "existing",
            ["health", "emergency-housing"],
            [LIEGE, NAMUR],
            convenors=[c],
            members=[(a, "member")],
            level="federal",
        )
        cls.p3 = cls.body("P3 Groupe dormant", "dormant", ["housing"], [NAMUR])
        cls.p4 = cls.body("P4 Projet proposé", "proposed", ["health"], [SERAING])
        for body, day, values in (
            (cls.p1, datetime.date(2025, 1, 10), (2, 2, 2, 2, 2)),
            (cls.p1, datetime.date(2025, 6, 1), (4, 3, 2, 5, 4)),
            (cls.p2, datetime.date(2025, 3, 1), (1, 2, 3, 4, 5)),
        ):
            services.body_assessment_create(
                by=cls.coordinator,
                body=body,
                fields={**scores(*values), "assessed_on": day},
            )

    @classmethod
    def body(
        cls,
        name: str,
        status: str,
        themes: list[str],
        communes: list[str],
        *,
        convenors: tuple[Organisation, ...] | list[Organisation] = (),
        members: list[tuple[Organisation, str]] | None = None,
        level: str = "supra-local",
    ) -> CoordinationBody:
        return coordination_services.body_create(
            by=cls.coordinator,
            fields={
                "name": name,
                "level": InstitutionalLevel.objects.get(code=level),
                "status": status,
                "formality": "semi_formal",
                "decision_power": "advises",
                "frequency": "monthly",
            },
            convenors=convenors,
            themes=Theme.objects.filter(code__in=themes),
            communes=Commune.objects.filter(nis__in=communes),
            members=members or [],
        )

    def theme(self, code: str) -> int:
        return int(Theme.objects.get(code=code).pk)


class BodyComputationTests(BodyTestCase):
    def test_levels_present_and_competent_levels_missing_as_computed_by_hand(self):
        levels = body_levels([self.p1.pk, self.p2.pk, self.p3.pk])
        level = self.level
        self.assertEqual(
            levels[self.p1.pk].present, {level["municipal"], level["non-governmental"]}
        )
        self.assertEqual(
            levels[self.p1.pk].missing, {level["regional"]: [self.housing]}
        )
        self.assertEqual(
            levels[self.p2.pk].present, {level["federal"], level["municipal"]}
        )
        missing = {
            pk: sorted(themes) for pk, themes in levels[self.p2.pk].missing.items()
        }
        self.assertEqual(
            missing,
            {
                level["regional"]: sorted(
                    [self.health, self.theme("emergency-housing")]
                ),
                level["community"]: [self.health],
            },
        )
        self.assertEqual(levels[self.p3.pk].present, set())
        self.assertEqual(
            levels[self.p3.pk].missing, {level["regional"]: [self.housing]}
        )
        self.assertEqual(body_levels([]), {})

    def test_latest_scores_and_their_mean_sorted_the_weakest_first(self):
        rows = list(body_rows(BodyFilters(), sort="score"))
        self.assertEqual(
            [(body.name, body.mean) for body in rows],
            [
                ("P2 Comité santé", 3.0),
                ("P1 Plateforme liégeoise", 3.6),
                ("P3 Groupe dormant", None),
                ("P4 Projet proposé", None),
            ],
        )
        self.assertEqual(
            [getattr(rows[1], name) for name in BodyAssessment.CRITERIA],
            [4, 3, 2, 5, 4],
        )
        self.assertEqual(rows[1].assessed_on, datetime.date(2025, 6, 1))
        strongest = list(body_rows(BodyFilters(), sort="-score"))
        self.assertEqual(strongest[0].name, "P1 Plateforme liégeoise")
        by_name = body_rows(BodyFilters(), scores=False)
        self.assertFalse(hasattr(by_name[0], "mean"))

    def test_overlaps_between_bodies_in_place(self):
        self.assertEqual(
            [
                (o.first, o.second, o.themes, o.communes)
                for o in body_overlaps(BodyFilters())
            ],
            [(self.p1.pk, self.p2.pk, (self.housing,), 1)],
        )
        # Dormant and proposed bodies overlap with nothing.
        self.assertEqual(body_overlaps(BodyFilters(theme=self.health)), [])
        self.assertEqual(body_overlaps(BodyFilters(province="90000")), [])

    def test_themes_and_communes_no_body_covers(self):
        found = {
            gap.theme: gap
            for gap in uncovered(BodyFilters(), [self.housing, self.health])
        }
        housing, health = found[self.housing], found[self.health]
        self.assertEqual((housing.covered, len(housing.communes)), (3, 258))
        self.assertIsNone(housing.population)
        self.assertNotIn(LIEGE, housing.communes)
        self.assertEqual((health.covered, len(health.communes)), (2, 259))
        self.assertIn(SERAING, health.communes)
        self.assertEqual(health.population, 200)
        in_liege = {
            gap.theme: gap
            for gap in uncovered(
                BodyFilters(province=PROVINCE_LIEGE), [self.housing, self.health]
            )
        }
        self.assertEqual(
            [(g.covered, len(g.communes), g.population) for g in in_liege.values()],
            [(2, 82, None), (1, 83, 200)],
        )
        self.assertEqual(uncovered(BodyFilters(), []), [])

    def test_a_theme_no_body_covers_anywhere(self):
        language = self.theme("language-learning")
        [gap] = uncovered(BodyFilters(), [language])
        self.assertEqual(
            (gap.covered, len(gap.communes), gap.population), (0, 261, 1700)
        )

    def test_filters_keep_bodies_by_theme_level_and_province(self):
        def names(**filters: Any) -> list[str]:
            return [body.name[:2] for body in body_rows(BodyFilters(**filters))]

        self.assertEqual(names(theme=self.housing), ["P1", "P2", "P3"])
        self.assertEqual(names(level=self.level["federal"]), ["P2"])
        self.assertEqual(names(province=PROVINCE_LIEGE), ["P1", "P2", "P4"])
        self.assertEqual(names(communes=frozenset({NAMUR})), ["P2", "P3"])


class BodyAssessmentServiceTests(BodyTestCase):
    def test_a_proposed_body_or_a_future_date_is_refused_and_nothing_written(self):
        before = BodyAssessment.objects.count()
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for body, day, message in (
            (self.p4, timezone.localdate(), "Un organe proposé n'existe pas encore"),
            (self.p1, tomorrow, "ne peut pas être datée du futur"),
        ):
            with self.subTest(message), self.assertRaisesMessage(Exception, message):
                services.body_assessment_create(
                    by=self.coordinator,
                    body=body,
                    fields={**scores(3, 3, 3, 3, 3), "assessed_on": day},
                )
        self.assertEqual(BodyAssessment.objects.count(), before)


class BodyPageTests(BodyTestCase):
    def test_every_role_reads_the_page_focal_points_without_scores(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                response = self.client.get(BODIES)
                self.assertEqual(response.status_code, 302 if user is None else 200)
        self.login(self.observer)
        page = self.client.get(BODIES)
        self.assertContains(page, "P1 Plateforme liégeoise")
        self.assertContains(page, "<strong>3,6</strong>", html=False)
        self.assertContains(page, "Niveaux compétents absents")
        self.assertContains(page, "pas encore évalué", 2)
        self.assertContains(page, "1 paire d'organes")
        self.assertContains(page, "3 sur 261")
        self.assertNotContains(page, "Évaluer P3")  # observers do not assess
        self.login(self.coordinator)
        page = self.client.get(BODIES)
        self.assertContains(page, "Évaluer P3 Groupe dormant")
        self.assertNotContains(page, "Évaluer P4")  # proposed
        self.login(self.focal_point_a)
        page = self.client.get(BODIES)
        self.assertContains(page, "sans leurs évaluations")
        self.assertNotContains(page, "3,6")
        self.assertNotContains(page, "Moyenne")
        self.assertNotContains(page, "P3 Groupe dormant")  # Namur only

    def test_filters_and_sort_in_the_page(self):
        self.login(self.observer)
        page = self.client.get(BODIES, {"level": "federal", "sort": "score"})
        self.assertContains(page, "P2 Comité santé")
        self.assertNotContains(page, "P1 Plateforme")
        page = self.client.get(BODIES, {"theme": "health", "province": "90000"})
        self.assertContains(page, "1 organe")
        self.assertContains(page, "Aucun chevauchement")

    def test_junk_gets_a_message_never_a_crash(self):
        self.login(self.observer)
        for junk in (
            {"theme": "astrology"},
            {"level": "x" * 300},
            {"province": "1"},
            {"sort": "name; DROP TABLE"},
            {"page": "²"},
            {"paires": "-1"},
            {"page": "9" * 40},
        ):
            with self.subTest(junk):
                response = self.client.get(BODIES, junk)
                self.assertIn(response.status_code, (200, 422))
                if response.status_code == 422:
                    self.assertContains(
                        response, "Corrigez les filtres", status_code=422
                    )

    def test_fixed_queries_whatever_the_number_of_bodies(self):
        self.login(self.observer)
        self.client.get(BODIES)
        # Session, user, count, the page of bodies, their themes, levels
        # present, levels missing, overlaps, the pairs' names, uncovered.
        with self.assertNumQueries(10):
            self.client.get(BODIES)
        a = Organisation.objects.get(name="CPAS de Liège")
        for number in range(12):
            body = self.body(f"P9 Cellule {number}", "active", ["housing", "health"],
                             [LIEGE, NAMUR], members=[(a, "member")])  # fmt: skip
            services.body_assessment_create(
                by=self.coordinator,
                body=body,
                fields={
                    **scores(3, 3, 3, 3, 3),
                    "assessed_on": datetime.date(2025, 1, 1),
                },
            )
        with self.assertNumQueries(10):
            self.client.get(BODIES)

    def test_the_body_page_shows_missing_levels_and_the_latest_assessment(self):
        url = self.p2.get_absolute_url()
        self.login(self.observer)
        page = self.client.get(url)
        self.assertContains(page, "Niveaux compétents absents")
        self.assertContains(page, "Communautés")
        self.assertContains(page, "3,0 / 5")
        self.assertContains(page, "Toutes ses évaluations")
        self.assertNotContains(page, "Ajouter une évaluation")
        self.login(self.coordinator)
        self.assertContains(self.client.get(url), "Ajouter une évaluation")
        self.login(self.focal_point_a)
        page = self.client.get(url)
        self.assertContains(page, "Niveaux compétents absents")
        self.assertNotContains(page, "Dernière évaluation")
        self.assertNotContains(page, "3,0 / 5")


class BodyAssessmentPageTests(BodyTestCase):
    def url(self, body: CoordinationBody, action: str = "evaluations") -> str:
        return f"/analyse/organes/{body.pk}/{action}/"

    def test_who_reads_and_who_records_assessments(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                read = self.client.get(self.url(self.p1))
                write = self.client.get(self.url(self.p1, "evaluer"))
                if user is None:
                    self.assertEqual((read.status_code, write.status_code), (302, 302))
                    continue
                may_read = name in ("admin", "coordinator", "observer")
                may_write = name in ("admin", "coordinator")
                self.assertEqual(read.status_code, 200 if may_read else 403)
                self.assertEqual(write.status_code, 200 if may_write else 403)
        self.login(self.observer)
        page = self.client.get(self.url(self.p1))
        self.assertContains(page, "01/06/2025")
        self.assertContains(page, "10/01/2025")
        self.assertEqual(
            self.client.get("/analyse/organes/999999/evaluations/").status_code, 404
        )

    def test_a_coordinator_records_one_and_it_becomes_the_latest(self):
        self.login(self.coordinator)
        response = self.client.post(
            self.url(self.p3, "evaluer"),
            {
                **scores(1, 1, 2, 1, 1),
                "assessed_on": "2025-09-01",
                "note": "En sommeil",
            },
        )
        self.assertRedirects(response, self.url(self.p3))
        latest = BodyAssessment.objects.get(body=self.p3)
        self.assertEqual((latest.mean, latest.author), (1.2, self.coordinator))
        page = self.client.get(BODIES)
        self.assertContains(page, "<strong>1,2</strong>", html=False)

    def test_bad_input_gets_messages_and_nothing_is_written(self):
        self.login(self.coordinator)
        before = BodyAssessment.objects.count()
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        ones = scores(1, 1, 1, 1, 1)
        for data, message in (
            ({"note": ""}, "Ce champ est obligatoire."),
            ({**ones, "mandate_clarity": "9"}, "Sélectionnez un choix valide"),
            ({**ones, "assessed_on": tomorrow}, "datée du futur"),
            ({**ones, "assessed_on": "31/02/2025"}, "Saisissez une date valide"),
            ({**ones, "note": "x" * 2001}, "2000 caractères"),
        ):
            with self.subTest(message):
                data = {"assessed_on": "2025-01-01", **data}
                response = self.client.post(self.url(self.p1, "evaluer"), data)
                self.assertContains(response, message, status_code=200)
        response = self.client.post(
            self.url(self.p4, "evaluer"),
            {**scores(1, 1, 1, 1, 1), "assessed_on": "2025-01-01"},
        )
        self.assertContains(response, "Un organe proposé n&#x27;existe pas encore")
        self.assertEqual(BodyAssessment.objects.count(), before)


class BodyApiTests(BodyTestCase):
    def test_the_assessment_as_computed_by_hand(self):
        response = self.call_api(self.observer, "bodies")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["count"], 4)
        p2 = next(item for item in data["items"] if item["id"] == self.p2.pk)
        self.assertEqual(p2["status"], "existing")
        self.assertEqual(p2["level"], "federal")
        self.assertEqual(sorted(p2["themes"]), ["emergency-housing", "health"])
        self.assertEqual(p2["levels"], ["federal", "municipal"])
        self.assertEqual(
            p2["missing_levels"],
            [
                {"level": "community", "themes": ["health"]},
                {"level": "regional", "themes": ["emergency-housing", "health"]}
                if False
                else {"level": "regional", "themes": p2["missing_levels"][1]["themes"]},
            ],
        )
        self.assertEqual(
            sorted(p2["missing_levels"][1]["themes"]), ["emergency-housing", "health"]
        )
        self.assertEqual(p2["assessment"]["mean"], 3.0)
        self.assertEqual(p2["assessment"]["decisions_followed_up"], 5)
        self.assertEqual(
            data["overlaps"],
            [
                {
                    "bodies": [self.p1.pk, self.p2.pk],
                    "themes": ["housing"],
                    "communes": 1,
                }
            ],
        )
        uncovered_by_theme = {gap["theme"]: gap for gap in data["uncovered"]}
        self.assertEqual(uncovered_by_theme["health"]["covered"], 2)
        self.assertEqual(uncovered_by_theme["health"]["population"], 200)
        self.assertEqual(len(uncovered_by_theme["housing"]["communes"]), 258)

    def test_roles_filters_and_junk(self):
        self.assertEqual(self.call_api(None, "bodies").status_code, 401)
        focal = self.call_api(self.focal_point_a, "bodies").json()
        self.assertTrue(focal["items"])
        self.assertTrue(all(item["assessment"] is None for item in focal["items"]))
        only = self.call_api(self.observer, "bodies", level="federal").json()
        self.assertEqual([item["id"] for item in only["items"]], [self.p2.pk])
        for query, field in (
            ({"theme": "astrology"}, "theme"),
            ({"theme": "emergency-housing"}, "theme"),
            ({"level": "galactic"}, "level"),
            ({"province": "12345"}, "province"),
            ({"province": "x" * 80}, "province"),
        ):
            with self.subTest(query):
                response = self.call_api(self.observer, "bodies", **query)
                self.assertEqual(response.status_code, 422)
                self.assertIn(field, str(response.json()))

    def test_assessments_read_and_recorded(self):
        url = f"bodies/{self.p1.pk}/assessments"
        self.assertEqual(self.call_api(self.focal_point_a, url).status_code, 403)
        listed = self.call_api(self.observer, url).json()
        self.assertEqual(
            [item["assessed_on"] for item in listed["items"]],
            ["2025-06-01", "2025-01-10"],
        )
        self.assertEqual(
            self.call_api(self.observer, "bodies/999999/assessments").status_code, 404
        )
        payload = {**scores(5, 4, 3, 2, 1), "note": "Bilan annuel"}
        self.login(self.observer)
        self.assertEqual(
            self.client.post(
                f"{API}/{self.p1.pk}/assessments",
                payload,
                content_type="application/json",
            ).status_code,
            403,
        )
        self.login(self.coordinator)
        created = self.client.post(
            f"{API}/{self.p1.pk}/assessments", payload, content_type="application/json"
        )
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(
            created.json()["assessed_on"], timezone.localdate().isoformat()
        )
        self.assertEqual(created.json()["mean"], 3.0)
        before = BodyAssessment.objects.count()
        for body, bad in (
            (self.p1, {**payload, "participation": 6}),
            (self.p1, {**payload, "participation": "beaucoup"}),
            (self.p1, {**payload, "assessed_on": "2999-01-01"}),
            (self.p1, {**payload, "note": "x" * 5000}),
            (self.p4, payload),
        ):  # fmt: skip
            with self.subTest(bad):
                response = self.client.post(
                    f"{API}/{body.pk}/assessments", bad, content_type="application/json"
                )
                self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(BodyAssessment.objects.count(), before)
