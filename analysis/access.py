"""What of the analysis a person sees. Coordinators, administrators and
observers see all of it; a focal point sees the territory and the themes of
their own organisations (the communes those organisations are seated in or
work in, the themes of their services), and no assessment of others."""

from dataclasses import dataclass

from accounts.models import Role, User
from accounts.permissions import role_of
from register.models import Membership, Organisation, ServiceCommune
from territory.models import Commune


@dataclass(frozen=True)
class AnalysisScope:
    """The communes and main themes a focal point's analysis covers."""

    communes: frozenset[str]
    themes: frozenset[int]


def analysis_scope_for_user(user: User) -> AnalysisScope | None:
    """None for those who see the whole analysis; a focal point's scope
    otherwise (empty when their organisations are not in the register)."""
    if role_of(user) != Role.FOCAL_POINT:
        return None
    own = Membership.objects.filter(user=user).values("organisation_id")
    organisations = Organisation.objects.filter(pk__in=own)
    seats = organisations.exclude(commune__isnull=True).values_list(
        "commune_id", flat=True
    )
    areas = Organisation.area_communes.through.objects.filter(
        organisation_id__in=own
    ).values_list("commune_id", flat=True)
    served = ServiceCommune.objects.filter(organisation_id__in=own)
    communes = frozenset(
        Commune.objects.filter(nis__in=[*seats, *areas]).values_list("nis", flat=True)
    ) | frozenset(served.values_list("commune_id", flat=True).distinct())
    themes = frozenset(served.values_list("theme_id", flat=True).distinct())
    return AnalysisScope(communes=communes, themes=themes)
