from accounts.testing import BaseTestCase
from taxonomy.models import Competence, TargetGroup, Theme
from taxonomy.services import vocabularies_load
from taxonomy.tests.factories import vocabularies_grow

THEMES = "/api/v1/taxonomy/themes"
TARGET_GROUPS = "/api/v1/taxonomy/target-groups"
COMPETENCES = "/api/v1/taxonomy/competences"
NAME_KEYS = {"fr", "nl", "de", "en", "uk", "ru"}


class TaxonomyApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        vocabularies_load()

    def test_it_lists_the_themes_and_their_subthemes_to_anyone(self):
        response = self.client.get(THEMES)
        self.assertEqual(response.status_code, 200)
        themes = response.json()
        self.assertEqual(
            [theme["code"] for theme in themes],
            list(
                Theme.objects.filter(parent__isnull=True).values_list("code", flat=True)
            ),
        )
        housing = next(theme for theme in themes if theme["code"] == "housing")
        self.assertEqual(
            set(housing), {"code", "name", "names", "position", "subthemes"}
        )
        self.assertEqual(housing["name"], "Hébergement et logement")
        self.assertEqual(set(housing["names"]), NAME_KEYS)
        self.assertEqual(housing["names"]["uk"], "Житло та розміщення")
        subtheme = housing["subthemes"][0]
        self.assertEqual(set(subtheme), {"code", "name", "names", "position"})
        self.assertEqual(
            [item["code"] for item in housing["subthemes"]],
            list(
                Theme.objects.filter(parent__code="housing").values_list(
                    "code", flat=True
                )
            ),
        )

    def test_it_names_in_the_language_asked_for(self):
        for language in NAME_KEYS:
            with self.subTest(language=language):
                themes = self.client.get(THEMES, {"lang": language}).json()
                for theme in themes:
                    self.assertEqual(theme["name"], theme["names"][language])
                    for subtheme in theme["subthemes"]:
                        self.assertEqual(subtheme["name"], subtheme["names"][language])
        groups = self.client.get(TARGET_GROUPS, {"lang": "ru"}).json()
        self.assertIn("Ромы", [group["name"] for group in groups])

    def test_it_names_in_the_requests_language_by_default(self):
        themes = self.client.get(THEMES, headers={"accept-language": "de"}).json()
        self.assertEqual(themes[0]["name"], themes[0]["names"]["de"])

    def test_it_refuses_an_unknown_language_with_a_problem(self):
        response = self.client.get(THEMES, {"lang": "tlh"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], 422)
        self.assertEqual(body["errors"][0]["location"], "query.lang")

    def test_it_leaves_out_retired_terms(self):
        Theme.objects.filter(code__in=["mobility", "social-housing"]).update(
            is_active=False
        )
        TargetGroup.objects.filter(code="roma").update(is_active=False)
        themes = self.client.get(THEMES).json()
        codes = {theme["code"] for theme in themes}
        subcodes = {sub["code"] for theme in themes for sub in theme["subthemes"]}
        self.assertNotIn("mobility", codes)
        self.assertNotIn("social-housing", subcodes)
        self.assertIn("host-family-accommodation", subcodes)
        groups = self.client.get(TARGET_GROUPS).json()
        self.assertNotIn("roma", {group["code"] for group in groups})

    def test_it_lists_the_target_groups_to_anyone(self):
        response = self.client.get(TARGET_GROUPS)
        self.assertEqual(response.status_code, 200)
        groups = response.json()
        self.assertEqual(len(groups), TargetGroup.objects.count())
        self.assertEqual(set(groups[0]), {"code", "name", "names", "position"})
        self.assertEqual(set(groups[0]["names"]), NAME_KEYS)

    def test_the_competences_are_for_signed_in_users(self):
        response = self.client.get(COMPETENCES)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        for name, user in self.personas().items():
            if user is None:
                continue
            self.login(user)
            with self.subTest(persona=name):
                self.assertEqual(self.client.get(COMPETENCES).status_code, 200)

    def test_it_lists_the_competences(self):
        self.login(self.observer)
        competences = self.client.get(COMPETENCES, {"lang": "en"}).json()
        self.assertEqual(len(competences), Competence.objects.count())
        guardianship = next(
            item
            for item in competences
            if (item["theme"], item["level"]) == ("guardianship", "federal")
        )
        self.assertEqual(
            set(guardianship),
            {
                "theme",
                "theme_name",
                "level",
                "level_name",
                "kind",
                "legal_basis",
                "note",
            },
        )
        self.assertEqual(guardianship["kind"], "exclusive")
        self.assertEqual(guardianship["level_name"], "Federal State")
        self.assertEqual(
            guardianship["theme_name"], "Guardianship of unaccompanied minors"
        )
        self.assertIn("24 décembre 2002", guardianship["legal_basis"])

    def test_each_list_runs_a_constant_number_of_queries(self):
        self.login(self.observer)
        # Session and user come first for the signed-in competence list.
        expected = {THEMES: 2, TARGET_GROUPS: 1, COMPETENCES: 2 + 1}
        for url, queries in expected.items():
            with self.subTest(url=url), self.assertNumQueries(queries):
                self.client.get(url)
        vocabularies_grow()
        for url, queries in expected.items():
            with self.subTest(url=url, grown=True), self.assertNumQueries(queries):
                self.client.get(url)
