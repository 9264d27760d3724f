from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coordination.models import BodyMember, CoordinationBody


class BodyMemberInline(admin.TabularInline[BodyMember, CoordinationBody]):
    model = BodyMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(CoordinationBody)
class CoordinationBodyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "status", "formality", "frequency")
    list_filter = ("status", "level", "formality")
    search_fields = ("name", "acronym")
    filter_horizontal = ["convenors", "themes", "communes"]
    readonly_fields = ("version",)
    inlines = [BodyMemberInline]
