from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import translation

from taxonomy.models import RelationType
from taxonomy.tests.factories import ThemeFactory


class ThemeTests(TestCase):
    def test_it_names_a_term_in_the_active_language_with_a_fallback(self):
        theme = ThemeFactory.create(
            code="housing", name_fr="Logement", name_nl="Huisvesting"
        )
        with translation.override("nl"):
            self.assertEqual(theme.name, "Huisvesting")
        theme.name_de = ""
        with translation.override("de"):
            self.assertEqual(theme.name, "Logement")
        self.assertEqual(theme.name_in("uk"), theme.name_uk)
        theme.name_uk = ""
        with translation.override("fr"):
            self.assertEqual(theme.name_in("uk"), "Logement")

    def test_a_subtheme_hangs_under_a_main_theme_only(self):
        theme = ThemeFactory.create()
        subtheme = ThemeFactory.create(parent=theme)
        deeper = ThemeFactory.build(parent=subtheme)
        with self.assertRaisesMessage(ValidationError, "thème principal"):
            deeper.full_clean()
        theme.parent = ThemeFactory.create()
        with self.assertRaisesMessage(ValidationError, "sous-thèmes"):
            theme.full_clean()
        subtheme.parent = subtheme
        with self.assertRaisesMessage(ValidationError, "propre parent"):
            subtheme.full_clean()
        theme.parent = None
        ThemeFactory.build(parent=theme).full_clean()


class RelationTypeTests(TestCase):
    def test_it_reads_a_relation_from_the_other_side(self):
        funds = RelationType(
            code="funds",
            name_fr="finance",
            name_en="funds",
            inverse_name_fr="est financé par",
            inverse_name_en="is funded by",
        )
        with translation.override("en"):
            self.assertEqual(funds.inverse_name, "is funded by")
        self.assertFalse(funds.is_symmetric)
        partners = RelationType(code="partners-with", name_fr="est partenaire de")
        self.assertEqual(partners.inverse_name, "est partenaire de")
        self.assertTrue(partners.is_symmetric)
