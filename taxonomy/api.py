"""Vocabulary endpoints. Themes and target groups are public: the public directory
and partners' own tools use them to classify services."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from lib.i18n import current_language
from taxonomy import selectors
from taxonomy.models import PublicTerm, Theme

router = Router()

Language = Literal["fr", "nl", "de", "en", "uk", "ru"]


class LanguageQuery(Schema):
    lang: Language | None = Field(
        None,
        description=(
            "Language of `name`; by default the language of the request "
            "(Accept-Language). `names` always holds every language."
        ),
    )

    @property
    def language(self) -> str:
        return self.lang or current_language()


class NamesOut(Schema):
    fr: str
    nl: str
    de: str
    en: str
    uk: str
    ru: str


class PublicTermOut(Schema):
    code: str = Field(..., description="Stable English identifier.")
    name: str = Field(..., description="Name in the requested language.")
    names: NamesOut
    position: int = Field(..., description="Sort order chosen by administrators.")


class SubthemeOut(PublicTermOut):
    pass


class ThemeOut(PublicTermOut):
    subthemes: list[SubthemeOut] = Field(..., description="Active sub-themes.")


class TargetGroupOut(PublicTermOut):
    pass


class CompetenceOut(Schema):
    theme: str = Field(..., description="Code of the theme or sub-theme.")
    theme_name: str
    level: str = Field(..., description="Code of the institutional level.")
    level_name: str
    kind: Literal["exclusive", "shared", "supporting"]
    legal_basis: str = Field(..., description="Short legal basis, in French.")
    note: str = Field(..., description="In French.")


def _names(term: PublicTerm) -> NamesOut:
    return NamesOut(
        fr=term.name_fr,
        nl=term.name_nl,
        de=term.name_de,
        en=term.name_en,
        uk=term.name_uk,
        ru=term.name_ru,
    )


def _subtheme_out(theme: Theme, language: str) -> SubthemeOut:
    return SubthemeOut(
        code=theme.code,
        name=theme.name_in(language),
        names=_names(theme),
        position=theme.position,
    )


@router.get(
    "/themes",
    response=list[ThemeOut],
    auth=None,
    operation_id="taxonomy_theme_list",
    summary="List the active themes and their sub-themes",
)
def theme_list(
    request: HttpRequest,
    query: Query[LanguageQuery],
) -> list[ThemeOut]:
    language = query.language
    return [
        ThemeOut(
            code=theme.code,
            name=theme.name_in(language),
            names=_names(theme),
            position=theme.position,
            subthemes=[
                _subtheme_out(subtheme, language) for subtheme in theme.subthemes.all()
            ],
        )
        for theme in selectors.themes_public()
    ]


@router.get(
    "/target-groups",
    response=list[TargetGroupOut],
    auth=None,
    operation_id="taxonomy_target_group_list",
    summary="List the active target groups",
)
def target_group_list(
    request: HttpRequest,
    query: Query[LanguageQuery],
) -> list[TargetGroupOut]:
    language = query.language
    return [
        TargetGroupOut(
            code=group.code,
            name=group.name_in(language),
            names=_names(group),
            position=group.position,
        )
        for group in selectors.target_groups_public()
    ]


@router.get(
    "/competences",
    response=list[CompetenceOut],
    operation_id="taxonomy_competence_list",
    summary="List which institutional level is competent for which theme",
)
def competence_list(
    request: HttpRequest,
    query: Query[LanguageQuery],
) -> list[CompetenceOut]:
    language = query.language
    return [
        CompetenceOut(
            theme=competence.theme.code,
            theme_name=competence.theme.name_in(language),
            level=competence.level.code,
            level_name=competence.level.name_in(language),
            kind=competence.kind,  # type: ignore[arg-type]
            legal_basis=competence.legal_basis,
            note=competence.note,
        )
        for competence in selectors.competences_active()
    ]
