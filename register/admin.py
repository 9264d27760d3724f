from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from register.models import (
    Assessment,
    Contact,
    Membership,
    Organisation,
    Relation,
    Service,
)
from register.services import register_counts_recount


class RecountedAdmin(SimpleHistoryAdmin):
    """Writes from the admin go around the register's services: what the
    register keeps counted is counted again after each."""

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        register_counts_recount()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        register_counts_recount()

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        super().delete_queryset(request, queryset)
        register_counts_recount()


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(RecountedAdmin):
    list_display = ("name", "acronym", "actor_type", "level", "status", "published")
    list_filter = ("status", "published", "level", "sector", "actor_type")
    search_fields = ("name", "acronym", "enterprise_number", "external_id")
    autocomplete_fields = ["parent", "commune"]
    filter_horizontal = ["area_communes"]
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = [MembershipInline]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "function", "is_focal_point", "shared")
    list_filter = ("shared", "is_focal_point", "legal_basis")
    search_fields = ("name", "email", "organisation__name")
    autocomplete_fields = ["organisation"]
    readonly_fields = ("version",)


@admin.register(Service)
class ServiceAdmin(RecountedAdmin):
    list_display = ("title", "organisation", "theme", "status", "published")
    list_filter = ("status", "published", "theme")
    search_fields = ("title", "organisation__name")
    autocomplete_fields = ["organisation", "funders"]
    filter_horizontal = ["target_groups"]
    readonly_fields = ("version",)


@admin.register(Relation)
class RelationAdmin(SimpleHistoryAdmin):
    list_display = ("source", "type", "target", "formal", "since")
    list_filter = ("type", "formal")
    search_fields = ("source__name", "target__name")
    autocomplete_fields = ["source", "target", "declared_by"]
    readonly_fields = ("version",)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    list_display = ("organisation", "assessed_on", "influence", "interest", "strategy")
    list_filter = ("strategy", "attitude")
    autocomplete_fields = ["organisation"]
