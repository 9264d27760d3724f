from unittest import mock

from django.test import TestCase

from taxonomy import services
from taxonomy.models import (
    ActorType,
    Competence,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from taxonomy.services import seed_read, vocabularies_load


def seed_counts() -> dict[str, int]:
    """What the seed files hold, counted from the files themselves."""
    themes = seed_read("themes.json")
    return {
        "levels": len(seed_read("institutional_levels.json")),
        "sectors": len(seed_read("sectors.json")),
        "actor types": len(seed_read("actor_types.json")),
        "themes": len(themes),
        "sub-themes": sum(len(theme.get("subthemes", [])) for theme in themes),
        "target groups": len(seed_read("target_groups.json")),
        "relation types": len(seed_read("relation_types.json")),
        "competences": len(seed_read("competences.json")),
    }


def database_counts() -> dict[str, int]:
    return {
        "levels": InstitutionalLevel.objects.count(),
        "sectors": Sector.objects.count(),
        "actor types": ActorType.objects.count(),
        "themes": Theme.objects.filter(parent=None).count(),
        "sub-themes": Theme.objects.exclude(parent=None).count(),
        "target groups": TargetGroup.objects.count(),
        "relation types": RelationType.objects.count(),
        "competences": Competence.objects.count(),
    }


class VocabulariesLoadTests(TestCase):
    def test_it_loads_every_seed_term_and_counts_them(self):
        counts = vocabularies_load()
        self.assertEqual(counts, seed_counts())
        self.assertEqual(counts, database_counts())
        # The design's minimum: 18 themes, 11 target groups, 7 relation types.
        self.assertGreaterEqual(counts["themes"], 18)
        self.assertGreaterEqual(counts["target groups"], 11)
        self.assertGreaterEqual(counts["relation types"], 7)
        self.assertEqual(counts["sectors"], 5)

    def test_it_creates_nothing_twice(self):
        first = vocabularies_load()
        second = vocabularies_load()
        self.assertEqual(first, second)
        self.assertEqual(second, database_counts())

    def test_it_runs_again_in_a_constant_number_of_queries(self):
        vocabularies_load()
        # A read per vocabulary, three for competences, the counts, a savepoint:
        # never a query per term.
        with self.assertNumQueries(20):
            vocabularies_load()

    def test_it_links_each_subtheme_to_its_theme(self):
        vocabularies_load()
        for code, parent in [
            ("tp-certificate", "legal-status"),
            ("daspa-reception-classes", "education-childcare"),
            ("guardianship", "child-protection"),
            ("german-courses", "language-learning"),
        ]:
            with self.subTest(code=code):
                theme = Theme.objects.select_related("parent").get(code=code)
                self.assertEqual(theme.parent and theme.parent.code, parent)

    def test_it_never_overwrites_an_administrators_edit(self):
        vocabularies_load()
        housing = Theme.objects.get(code="housing")
        housing.name_fr = "Logement"
        housing.name_uk = "Житло"
        housing.description = "Reformulé par l'administrateur."
        housing.position = 999
        housing.is_active = False
        housing.save()
        moved = Theme.objects.get(code="social-housing")
        moved.parent = Theme.objects.get(code="income-social-assistance")
        moved.save()
        competence = Competence.objects.get(
            theme__code="housing", level__code="regional"
        )
        competence.kind = Competence.Kind.SHARED
        competence.note = "Nuance de l'administrateur."
        competence.save()

        vocabularies_load()

        housing.refresh_from_db()
        self.assertEqual(housing.name_fr, "Logement")
        self.assertEqual(housing.name_uk, "Житло")
        self.assertEqual(housing.description, "Reformulé par l'administrateur.")
        self.assertEqual(housing.position, 999)
        self.assertFalse(housing.is_active)
        moved.refresh_from_db()
        self.assertEqual(
            moved.parent, Theme.objects.get(code="income-social-assistance")
        )
        competence.refresh_from_db()
        self.assertEqual(competence.kind, Competence.Kind.SHARED)
        self.assertEqual(competence.note, "Nuance de l'administrateur.")

    def test_it_fills_a_name_left_empty(self):
        vocabularies_load()
        group = TargetGroup.objects.get(code="roma")
        group.name_fr = "Roms et gens du voyage"
        group.name_ru = ""
        group.save()
        relation = RelationType.objects.get(code="funds")
        relation.inverse_name_de = ""
        relation.save()

        vocabularies_load()

        group.refresh_from_db()
        self.assertEqual(group.name_fr, "Roms et gens du voyage")
        self.assertEqual(group.name_ru, "Ромы")
        relation.refresh_from_db()
        self.assertEqual(relation.inverse_name_de, "wird finanziert von")

    def test_it_keeps_the_terms_administrators_added(self):
        vocabularies_load()
        Theme.objects.create(code="energy", name_fr="Énergie", position=5)
        counts = vocabularies_load()
        self.assertTrue(Theme.objects.filter(code="energy").exists())
        self.assertEqual(counts["themes"], seed_counts()["themes"] + 1)

    def test_it_loads_all_or_nothing(self):
        real_read = services.seed_read

        def broken_read(name: str):
            if name == "competences.json":
                return [
                    {
                        "theme": "no-such-theme",
                        "level": "federal",
                        "kind": "exclusive",
                        "legal_basis": "",
                        "note": "",
                    }
                ]
            return real_read(name)

        with (
            mock.patch.object(services, "seed_read", broken_read),
            self.assertRaisesMessage(ValueError, "no-such-theme"),
        ):
            vocabularies_load()
        self.assertFalse(Theme.objects.exists())
        self.assertFalse(InstitutionalLevel.objects.exists())

    def test_it_refuses_an_unknown_competence_kind(self):
        real_read = services.seed_read

        def broken_read(name: str):
            if name == "competences.json":
                return [
                    {
                        "theme": "housing",
                        "level": "regional",
                        "kind": "total",
                        "legal_basis": "",
                        "note": "",
                    }
                ]
            return real_read(name)

        with (
            mock.patch.object(services, "seed_read", broken_read),
            self.assertRaisesMessage(ValueError, "total"),
        ):
            vocabularies_load()
        self.assertFalse(Competence.objects.exists())
