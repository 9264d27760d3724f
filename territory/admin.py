"""Territory facts are loaded (load_reference, import_boundaries), never typed: the
admin shows them and changes nothing."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from territory.models import (
    Arrondissement,
    CodeSuccessor,
    Commune,
    CommuneQuerySet,
    PostalCode,
    Province,
    Region,
)


class ReadOnly:
    """No add, change or delete in the admin, for any user."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin[M: Model](ReadOnly, admin.ModelAdmin[M]):
    pass


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin[Region]):
    list_display = ("nis", "name_fr", "name_nl", "name_de", "name_en")


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin[Province]):
    list_display = ("nis", "name_fr", "name_nl", "name_de", "name_en", "region")
    list_filter = ("region",)
    list_select_related = ("region",)


@admin.register(Arrondissement)
class ArrondissementAdmin(ReadOnlyAdmin[Arrondissement]):
    list_display = ("nis", "name_fr", "name_nl", "name_de", "province", "region")
    list_filter = ("region", "province")
    list_select_related = ("region", "province")
    search_fields = ("nis", "name_fr", "name_nl", "name_de")


class PostalCodeInline(ReadOnly, admin.TabularInline[PostalCode, Commune]):
    model = PostalCode
    extra = 0


class CodeSuccessorInline(ReadOnly, admin.TabularInline[CodeSuccessor, Commune]):
    model = CodeSuccessor
    extra = 0


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin[Commune]):
    list_display = (
        "nis",
        "name_fr",
        "name_nl",
        "name_de",
        "arrondissement",
        "province",
        "language_area",
        "boundary_imported",
    )
    list_filter = ("region", "province", "language_area")
    list_select_related = ("arrondissement", "province")
    search_fields = ("nis", "name_fr", "name_nl", "name_de", "postal_codes__code")
    # The boundary is a large GeoJSON document: summed up, never shown whole.
    exclude = ("boundary",)
    readonly_fields = ("boundary_summary",)
    inlines = (PostalCodeInline, CodeSuccessorInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commune]:
        queryset = super().get_queryset(request)
        assert isinstance(queryset, CommuneQuerySet)  # noqa: S101 - our manager
        return queryset.without_boundary()

    @admin.display(description=_("limites"), boolean=True)
    def boundary_imported(self, commune: Commune) -> bool:
        return bool(getattr(commune, "has_boundary", False))

    @admin.display(description=_("limites"))
    def boundary_summary(self, commune: Commune) -> str:
        if not getattr(commune, "has_boundary", False):
            return str(_("non importées"))
        return str(
            _("importées ; point de repère : %(latitude)s, %(longitude)s")
            % {"latitude": commune.latitude, "longitude": commune.longitude}
        )


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyAdmin[PostalCode]):
    list_display = ("code", "commune")
    list_select_related = ("commune",)
    search_fields = ("code", "commune__name_fr", "commune__name_nl")


@admin.register(CodeSuccessor)
class CodeSuccessorAdmin(ReadOnlyAdmin[CodeSuccessor]):
    list_display = ("old_nis", "commune", "since", "reason")
    list_select_related = ("commune",)
    search_fields = ("old_nis", "commune__name_fr")
