"""Reads of the vocabularies for the pages and the API, with a constant query count."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lib.refcache import cached_reference
from taxonomy.models import (
    LANGUAGES,
    PUBLIC_LANGUAGES,
    ActorType,
    Competence,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Term,
    Theme,
)


@dataclass(frozen=True)
class Vocabulary:
    """One editable vocabulary as the pages present it; `slug` is its URL segment."""

    slug: str
    model: type[Term]
    label: Promise
    help_text: Promise

    @property
    def languages(self) -> tuple[str, ...]:
        return PUBLIC_LANGUAGES if self.model in (Theme, TargetGroup) else LANGUAGES

    @property
    def is_hierarchical(self) -> bool:
        return self.model is Theme

    @property
    def has_inverse_names(self) -> bool:
        return self.model is RelationType

    @property
    def admin_url(self) -> str:
        return reverse(f"admin:taxonomy_{self.model._meta.model_name}_changelist")


VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary(
        "themes",
        Theme,
        _("Thèmes et sous-thèmes"),
        _("Les domaines de soutien et de protection qui classent les services."),
    ),
    Vocabulary(
        "publics-cibles",
        TargetGroup,
        _("Publics cibles"),
        _("Les publics auxquels un service s'adresse."),
    ),
    Vocabulary(
        "types-acteurs",
        ActorType,
        _("Types d'acteurs"),
        _("La nature d'une organisation : CPAS, CRI, association…"),
    ),
    Vocabulary(
        "niveaux",
        InstitutionalLevel,
        _("Niveaux institutionnels"),
        _("Le niveau de pouvoir auquel une organisation appartient."),
    ),
    Vocabulary(
        "secteurs",
        Sector,
        _("Secteurs"),
        _("Public, associatif, privé, international ou communautaire."),
    ),
    Vocabulary(
        "types-relations",
        RelationType,
        _("Types de relations"),
        _("Comment deux organisations sont liées : financement, orientation…"),
    ),
)


def terms_by_id[T: Term](model: type[T]) -> dict[int, T]:
    """Every term of a vocabulary by id, from the cache (lib.refcache): pages that
    name a few terms take them from here rather than joining their tables."""
    return cached_reference(
        f"taxonomy:terms:{model._meta.label_lower}",
        lambda: {term.pk: term for term in model._default_manager.all()},
        sources=(model,),
    )


def vocabulary_get(slug: str) -> Vocabulary | None:
    return next((item for item in VOCABULARIES if item.slug == slug), None)


@dataclass(frozen=True)
class VocabularySummary:
    vocabulary: Vocabulary
    total: int
    active: int
    subterms: int = 0

    @property
    def retired(self) -> int:
        return self.total - self.active


def vocabulary_summaries() -> list[VocabularySummary]:
    """Every vocabulary with its number of terms (one query per vocabulary).

    For themes, `total` and `active` count the main themes, `subterms` the
    sub-themes."""
    summaries = []
    for vocabulary in VOCABULARIES:
        main = Q(parent__isnull=True) if vocabulary.is_hierarchical else Q()
        aggregates = {
            "total": Count("pk", filter=main),
            "active": Count("pk", filter=main & Q(is_active=True)),
        }
        if vocabulary.is_hierarchical:
            aggregates["subterms"] = Count("pk", filter=~main)
        counts = vocabulary.model._default_manager.aggregate(**aggregates)
        summaries.append(VocabularySummary(vocabulary, **counts))
    return summaries


@dataclass
class TermRow:
    """A term with its names in every language of its vocabulary, in order."""

    term: Term
    names: list[tuple[str, str]]
    inverse_names: list[tuple[str, str]] = field(default_factory=list)
    children: list["TermRow"] = field(default_factory=list)
    is_child: bool = False


def _term_row(term: Term, vocabulary: Vocabulary, *, is_child: bool = False) -> TermRow:
    names = [(code, getattr(term, f"name_{code}")) for code in vocabulary.languages]
    inverse_names = (
        [(code, getattr(term, f"inverse_name_{code}")) for code in LANGUAGES]
        if vocabulary.has_inverse_names
        else []
    )
    return TermRow(term, names, inverse_names, is_child=is_child)


def term_rows(vocabulary: Vocabulary) -> list[TermRow]:
    """The vocabulary's terms in order, retired ones included; sub-themes under
    their theme. One query, two for themes."""
    if not vocabulary.is_hierarchical:
        return [
            _term_row(term, vocabulary)
            for term in vocabulary.model._default_manager.all()
        ]
    rows = []
    themes = Theme.objects.filter(parent__isnull=True).prefetch_related("subthemes")
    for theme in themes:
        row = _term_row(theme, vocabulary)
        row.children = [
            _term_row(subtheme, vocabulary, is_child=True)
            for subtheme in theme.subthemes.all()
        ]
        rows.append(row)
    return rows


@dataclass
class MatrixRow:
    theme: Theme
    cells: list[Competence | None]

    @property
    def is_subtheme(self) -> bool:
        return self.theme.parent_id is not None

    @property
    def competences(self) -> list[Competence]:
        return [cell for cell in self.cells if cell is not None]


@dataclass
class CompetenceMatrix:
    levels: list[InstitutionalLevel]
    rows: list[MatrixRow]

    @property
    def competences(self) -> list[Competence]:
        return [competence for row in self.rows for competence in row.competences]


def competence_matrix() -> CompetenceMatrix:
    """Themes by levels: each active theme, followed by those of its active
    sub-themes that carry a competence; as columns, the active levels that hold at
    least one competence. Three queries whatever the size of the vocabularies."""
    by_theme: dict[int, dict[int, Competence]] = defaultdict(dict)
    for competence in competences_active():
        by_theme[competence.theme_id][competence.level_id] = competence
    held = {level_id for cells in by_theme.values() for level_id in cells}
    levels = [
        level
        for level in InstitutionalLevel.objects.filter(is_active=True)
        if level.pk in held
    ]
    themes = Theme.objects.filter(is_active=True).filter(
        Q(parent__isnull=True) | Q(parent__is_active=True)
    )
    main_themes: list[Theme] = []
    subthemes: dict[int, list[Theme]] = defaultdict(list)
    for theme in themes:
        if theme.parent_id is None:
            main_themes.append(theme)
        elif theme.pk in by_theme:
            subthemes[theme.parent_id].append(theme)
    rows = [
        MatrixRow(row_theme, [by_theme[row_theme.pk].get(level.pk) for level in levels])
        for theme in main_themes
        for row_theme in (theme, *subthemes[theme.pk])
    ]
    return CompetenceMatrix(levels, rows)


def themes_public() -> QuerySet[Theme]:
    """Active themes with their active sub-themes prefetched (two queries)."""
    return Theme.objects.filter(is_active=True, parent__isnull=True).prefetch_related(
        Prefetch("subthemes", queryset=Theme.objects.filter(is_active=True))
    )


def target_groups_public() -> QuerySet[TargetGroup]:
    return TargetGroup.objects.filter(is_active=True)


def competences_active() -> QuerySet[Competence]:
    """Competences whose level and theme are both in use (one query)."""
    return (
        Competence.objects.filter(level__is_active=True, theme__is_active=True)
        .select_related("level", "theme")
        .order_by("theme__position", "theme__code", "level__position", "level__code")
    )
