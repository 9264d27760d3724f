"""The seed vocabularies: complete, named in every language, true to the design."""

import re

from django.test import TestCase

from taxonomy.models import (
    LANGUAGES,
    PUBLIC_LANGUAGES,
    ActorType,
    Competence,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from taxonomy.services import vocabularies_load

CYRILLIC = re.compile("[\u0400-\u04ff]")
ONLY_RUSSIAN = re.compile("[ыэъёЫЭЪЁ]")
ONLY_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")

# The design's seed lists (DESIGN.md and the brief), by code.
DESIGN_THEMES = {
    "legal-status",
    "housing",
    "income-social-assistance",
    "employment-training",
    "language-learning",
    "education-childcare",
    "health",
    "mental-health",
    "legal-aid",
    "child-protection",
    "gender-based-violence",
    "trafficking-exploitation",
    "family-tracing",
    "information-orientation",
    "social-cohesion",
    "basic-needs",
    "mobility",
    "data-coordination",
}
DESIGN_SUBTHEMES = {
    "tp-certificate": "legal-status",
    "municipal-registration": "legal-status",
    "residence-permit": "legal-status",
    "collective-accommodation": "housing",
    "host-family-accommodation": "housing",
    "private-rental-support": "housing",
    "social-housing": "housing",
    "social-integration-income": "income-social-assistance",
    "social-inquiry": "income-social-assistance",
    "family-allowances": "income-social-assistance",
    "job-search": "employment-training",
    "vocational-training": "employment-training",
    "diploma-recognition": "employment-training",
    "french-courses": "language-learning",
    "dutch-courses": "language-learning",
    "german-courses": "language-learning",
    "daspa-reception-classes": "education-childcare",
    "school-enrolment": "education-childcare",
    "early-childhood-care": "education-childcare",
    "health-insurance": "health",
    "primary-care": "health",
    "vaccination-prevention": "health",
    "unaccompanied-minors": "child-protection",
    "guardianship": "child-protection",
    "interpretation": "information-orientation",
    "orientation-desks": "information-orientation",
    "digital-information": "information-orientation",
    "food-aid": "basic-needs",
    "clothing": "basic-needs",
    "material-aid": "basic-needs",
    "public-transport": "mobility",
    "driving-licence": "mobility",
}
DESIGN_TARGET_GROUPS = {
    "all-temporary-protection",
    "children",
    "unaccompanied-minors",
    "women-at-risk",
    "older-people",
    "people-with-disabilities",
    "third-country-nationals",
    "roma",
    "lgbtiq",
    "host-families",
    "front-line-workers",
}
DESIGN_RELATION_TYPES = {
    "funds",
    "supervises",
    "coordinates",
    "refers-to",
    "partners-with",
    "exchanges-information",
    "subcontracts",
}
DESIGN_SECTORS = {"public", "non-profit", "private", "international", "community-based"}
DESIGN_LEVELS = {
    "international",
    "federal",
    "community",
    "regional",
    "provincial",
    "municipal",
    "non-governmental",
    "private",
}
DESIGN_ACTOR_TYPES = {
    "federal-agency",
    "regional-administration",
    "public-employment-service",
    "commune",
    "cpas",
    "province",
    "regional-integration-centre",
    "local-integration-initiative",
    "school",
    "health-care-provider",
    "association",
    "ukrainian-community-association",
    "international-organisation",
    "private-operator",
    "federation-network",
    "volunteer-group",
    "host-family-network",
}

# Who Belgian law makes competent, as the design states it.
DESIGN_COMPETENCES = [
    ("tp-certificate", "federal", "exclusive"),
    ("legal-status", "federal", "exclusive"),
    ("municipal-registration", "municipal", "supporting"),
    ("collective-accommodation", "federal", "shared"),
    ("housing", "regional", "exclusive"),
    ("social-integration-income", "federal", "shared"),
    ("social-integration-income", "municipal", "supporting"),
    ("employment-training", "regional", "shared"),
    ("employment-training", "federal", "shared"),
    ("diploma-recognition", "community", "exclusive"),
    ("education-childcare", "community", "exclusive"),
    ("integration-pathway", "regional", "exclusive"),
    ("integration-pathway", "community", "exclusive"),
    ("health-insurance", "federal", "exclusive"),
    ("health", "regional", "shared"),
    ("mental-health", "regional", "shared"),
    ("disability-support", "regional", "shared"),
    ("child-protection", "community", "exclusive"),
    ("guardianship", "federal", "exclusive"),
]


def codes(model, **filters) -> set[str]:
    return set(model.objects.filter(**filters).values_list("code", flat=True))


class SeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        vocabularies_load()

    def test_every_term_is_named_in_every_language_of_its_vocabulary(self):
        for model, languages in [
            (InstitutionalLevel, LANGUAGES),
            (Sector, LANGUAGES),
            (ActorType, LANGUAGES),
            (RelationType, LANGUAGES),
            (Theme, PUBLIC_LANGUAGES),
            (TargetGroup, PUBLIC_LANGUAGES),
        ]:
            for term in model._default_manager.all():
                for language in languages:
                    with self.subTest(term=term.code, language=language):
                        self.assertTrue(getattr(term, f"name_{language}").strip())

    def test_every_relation_type_reads_both_ways_in_every_language(self):
        for relation in RelationType.objects.all():
            for language in LANGUAGES:
                with self.subTest(relation=relation.code, language=language):
                    self.assertTrue(getattr(relation, f"inverse_name_{language}"))
        self.assertTrue(RelationType.objects.get(code="partners-with").is_symmetric)
        self.assertFalse(RelationType.objects.get(code="funds").is_symmetric)

    def test_ukrainian_and_russian_names_use_their_own_alphabet(self):
        for model in (Theme, TargetGroup):
            for term in model.objects.all():
                with self.subTest(term=term.code):
                    self.assertRegex(term.name_uk, CYRILLIC)
                    self.assertRegex(term.name_ru, CYRILLIC)
                    self.assertNotRegex(term.name_uk, ONLY_RUSSIAN)
                    self.assertNotRegex(term.name_ru, ONLY_UKRAINIAN)

    def test_no_two_terms_of_a_vocabulary_share_a_name(self):
        for model in (InstitutionalLevel, Sector, ActorType, Theme, TargetGroup):
            for language in (
                PUBLIC_LANGUAGES if model in (Theme, TargetGroup) else LANGUAGES
            ):
                names = list(model.objects.values_list(f"name_{language}", flat=True))
                with self.subTest(model=model.__name__, language=language):
                    self.assertEqual(len(names), len(set(names)))

    def test_the_designs_terms_are_all_there(self):
        self.assertLessEqual(DESIGN_THEMES, codes(Theme, parent=None))
        self.assertLessEqual(DESIGN_TARGET_GROUPS, codes(TargetGroup))
        self.assertLessEqual(DESIGN_RELATION_TYPES, codes(RelationType))
        self.assertEqual(DESIGN_SECTORS, codes(Sector))
        self.assertLessEqual(DESIGN_LEVELS, codes(InstitutionalLevel))
        self.assertLessEqual(DESIGN_ACTOR_TYPES, codes(ActorType))

    def test_each_subtheme_sits_under_its_theme_one_level_deep(self):
        parents = dict(
            Theme.objects.filter(parent__isnull=False).values_list(
                "code", "parent__code"
            )
        )
        for code, parent in DESIGN_SUBTHEMES.items():
            with self.subTest(code=code):
                self.assertEqual(parents.get(code), parent)
        self.assertFalse(Theme.objects.filter(parent__parent__isnull=False).exists())

    def test_every_theme_has_at_least_one_competent_level(self):
        without = codes(Theme, parent=None).difference(
            Competence.objects.values_list("theme__code", flat=True)
        )
        self.assertEqual(without, set())

    def test_the_competences_follow_belgian_law_as_the_design_sets_it(self):
        kinds = {
            (theme, level): kind
            for theme, level, kind in Competence.objects.values_list(
                "theme__code", "level__code", "kind"
            )
        }
        for theme, level, kind in DESIGN_COMPETENCES:
            with self.subTest(theme=theme, level=level):
                self.assertEqual(kinds.get((theme, level)), kind)

    def test_every_competence_says_on_what_it_rests(self):
        for competence in Competence.objects.select_related("theme", "level"):
            with self.subTest(competence=str(competence)):
                self.assertTrue(competence.legal_basis or competence.note)
