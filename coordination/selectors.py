from django.db.models import Count, Prefetch, QuerySet

from coordination.models import BodyMember, CoordinationBody


def body_list() -> QuerySet[CoordinationBody]:
    return (
        CoordinationBody.objects.select_related("level")
        .prefetch_related("convenors", "themes")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name", "id")
    )


def body_detail_rows() -> QuerySet[CoordinationBody]:
    """Bodies with what their page shows."""
    return CoordinationBody.objects.select_related("level").prefetch_related(
        "convenors",
        "themes",
        "communes",
        Prefetch(
            "members",
            queryset=BodyMember.objects.select_related("organisation").order_by(
                "role", "organisation__name"
            ),
        ),
    )
