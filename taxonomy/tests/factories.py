"""Small factories for tests of this app and of the apps that use vocabularies."""

from factory.declarations import LazyAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from taxonomy.models import Competence, InstitutionalLevel, TargetGroup, Theme


class InstitutionalLevelFactory(DjangoModelFactory[InstitutionalLevel]):
    class Meta:
        model = InstitutionalLevel
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"level-{n}")
    name_fr = LazyAttribute(lambda term: f"Niveau {term.code}")
    name_nl = LazyAttribute(lambda term: f"Niveau {term.code} (nl)")
    name_de = LazyAttribute(lambda term: f"Ebene {term.code}")
    name_en = LazyAttribute(lambda term: f"Level {term.code}")


class ThemeFactory(DjangoModelFactory[Theme]):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"theme-{n}")
    name_fr = LazyAttribute(lambda term: f"Thème {term.code}")
    name_nl = LazyAttribute(lambda term: f"Thema {term.code}")
    name_de = LazyAttribute(lambda term: f"Thema {term.code} (de)")
    name_en = LazyAttribute(lambda term: f"Theme {term.code}")
    name_uk = LazyAttribute(lambda term: f"Тема {term.code}")
    name_ru = LazyAttribute(lambda term: f"Тема {term.code} (ru)")


class TargetGroupFactory(DjangoModelFactory[TargetGroup]):
    class Meta:
        model = TargetGroup
        django_get_or_create = ("code",)

    code = Sequence(lambda n: f"group-{n}")
    name_fr = LazyAttribute(lambda term: f"Public {term.code}")
    name_nl = LazyAttribute(lambda term: f"Doelgroep {term.code}")
    name_de = LazyAttribute(lambda term: f"Zielgruppe {term.code}")
    name_en = LazyAttribute(lambda term: f"Target group {term.code}")
    name_uk = LazyAttribute(lambda term: f"Цільова група {term.code}")
    name_ru = LazyAttribute(lambda term: f"Целевая группа {term.code}")


class CompetenceFactory(DjangoModelFactory[Competence]):
    class Meta:
        model = Competence

    level = SubFactory(InstitutionalLevelFactory)
    theme = SubFactory(ThemeFactory)
    kind = Competence.Kind.SHARED
    legal_basis = "Loi de test"


def vocabularies_grow(count: int = 3) -> None:
    """Add themes with sub-themes, target groups and competences: the query counts
    of pages and endpoints must not change when the vocabularies grow."""
    for _ in range(count):
        theme = ThemeFactory.create()
        for _ in range(2):
            subtheme = ThemeFactory.create(parent=theme)
            CompetenceFactory.create(theme=subtheme)
        CompetenceFactory.create(theme=theme)
        TargetGroupFactory.create()
