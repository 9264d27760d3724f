"""The vocabularies in the Django admin, where only administrators go."""

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from taxonomy.models import (
    ActorType,
    Competence,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)

NAMES = ("name_fr", "name_nl", "name_de", "name_en")
PUBLIC_NAMES = (*NAMES, "name_uk", "name_ru")


class TermAdmin(admin.ModelAdmin[Any]):
    names: tuple[str, ...] = NAMES
    head_fields: tuple[str, ...] = ("code", "position", "is_active")
    # Annotated so that each vocabulary may show other columns and filters.
    list_display: tuple[Any, ...] = ("code", *NAMES, "position", "is_active")
    list_editable: ClassVar[tuple[str, ...]] = ("position", "is_active")
    list_filter: ClassVar[tuple[Any, ...]] = ("is_active",)
    ordering: ClassVar[tuple[str, ...]] = ("position", "code")
    search_fields: ClassVar[tuple[str, ...]] = ("code", *NAMES, "description")
    prepopulated_fields = {"code": ("name_en",)}

    # A code is a contract with the API, imports and the seed loader: set once.
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code",) if obj is not None else ()

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return {} if obj is not None else self.prepopulated_fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            (None, {"fields": self.head_fields}),
            (_("Noms"), {"fields": self.names}),
            (None, {"fields": ("description",)}),
        )


@admin.register(InstitutionalLevel)
class InstitutionalLevelAdmin(TermAdmin):
    pass


@admin.register(Sector)
class SectorAdmin(TermAdmin):
    pass


@admin.register(ActorType)
class ActorTypeAdmin(TermAdmin):
    pass


@admin.register(TargetGroup)
class TargetGroupAdmin(TermAdmin):
    names = PUBLIC_NAMES
    search_fields = ("code", *PUBLIC_NAMES, "description")
    list_display = ("code", *PUBLIC_NAMES, "position", "is_active")


@admin.register(RelationType)
class RelationTypeAdmin(TermAdmin):
    list_display = (
        "code",
        "name_fr",
        "inverse_name_fr",
        "name_en",
        "position",
        "is_active",
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        inverse = tuple(f"inverse_{field}" for field in NAMES)
        return (
            *super().get_fieldsets(request, obj)[:2],
            (
                _("Noms inverses"),
                {
                    "fields": inverse,
                    "description": _(
                        "La relation lue depuis l'autre organisation (« est financé "
                        "par »). Pour une relation symétrique, répétez le nom."
                    ),
                },
            ),
            (None, {"fields": ("description",)}),
        )


class ThemeLevelFilter(admin.SimpleListFilter):
    title = _("niveau")
    parameter_name = "niveau"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return (("themes", _("Thèmes principaux")), ("sous-themes", _("Sous-thèmes")))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "themes":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sous-themes":
            return queryset.filter(parent__isnull=False)
        return queryset


class SubthemeInline(admin.TabularInline[Theme, Theme]):
    model = Theme
    fk_name = "parent"
    fields = ("code", *PUBLIC_NAMES, "position", "is_active")
    extra = 0
    verbose_name = _("sous-thème")
    verbose_name_plural = _("sous-thèmes")
    show_change_link = True


class CompetenceInline(admin.TabularInline[Competence, Theme]):
    model = Competence
    fields = ("level", "kind", "legal_basis", "note")
    extra = 0


@admin.register(Theme)
class ThemeAdmin(TermAdmin):
    names = PUBLIC_NAMES
    search_fields = ("code", *PUBLIC_NAMES, "description")
    head_fields = ("code", "parent", "position", "is_active")
    list_display = ("code", *PUBLIC_NAMES, "parent", "position", "is_active")
    list_filter = (ThemeLevelFilter, "is_active", "parent")
    list_select_related = ("parent",)
    ordering = ("parent__position", "parent__code", "position", "code")
    inlines = (SubthemeInline, CompetenceInline)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # A sub-theme has no sub-themes of its own.
        if obj is not None and obj.parent_id is not None:
            return (CompetenceInline,)
        return self.inlines

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "parent":
            kwargs["queryset"] = Theme.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin[Competence]):
    list_display = ("theme", "level", "kind", "legal_basis")
    list_editable = ("kind",)
    list_filter = ("kind", "level", ("theme__parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("theme", "level")
    search_fields = (
        "theme__code",
        "theme__name_fr",
        "level__name_fr",
        "legal_basis",
        "note",
    )
    autocomplete_fields = ("theme",)
    ordering = ("theme__position", "theme__code", "level__position")
