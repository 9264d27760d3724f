"""What the register's request bodies refer to: themes, communes and territories,
spoken languages and organisations, resolved for every app's API."""

from collections.abc import Iterable

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from lib.api import Refs
from register.access import get_organisation_for_user
from register.models import Organisation, SpokenLanguage
from taxonomy.models import Theme
from territory.models import Commune
from territory.selectors import commune_successor_nis


class RegisterRefs(Refs):
    """Refs with the register's kinds of references."""

    def theme(self, field: str, code: str | None, *, main: bool) -> Theme | None:
        theme = self.term(Theme, field, code)
        if theme is not None and main and theme.parent_id is not None:
            self.fail(
                field,
                _(
                    "« %(code)s » est un sous-thème : donnez son thème dans `theme` "
                    "et lui-même dans `subtheme`."
                )
                % {"code": code},
            )
        return theme

    def communes(self, field: str, codes: Iterable[str]) -> list[Commune]:
        wanted = list(dict.fromkeys(codes))
        current = set(
            Commune.objects.filter(nis__in=wanted).values_list("nis", flat=True)
        )
        resolved: list[str] = []
        for code in wanted:
            nis = code if code in current else commune_successor_nis(code)
            if nis is None:
                self.unknown(field, code)
            else:
                resolved.append(nis)
        communes = Commune.objects.defer("boundary").in_bulk(resolved)
        return [communes[nis] for nis in dict.fromkeys(resolved)]

    def commune(self, field: str, code: str | None) -> Commune | None:
        if code is None:
            return None
        found = self.communes(field, [code])
        return found[0] if found else None

    def territory_communes(self, field: str, codes: Iterable[str]) -> list[Commune]:
        """The communes of whole regions, provinces or arrondissements."""
        wanted = list(dict.fromkeys(codes))
        communes = list(
            Commune.objects.defer("boundary").filter(
                Q(region_id__in=wanted)
                | Q(province_id__in=wanted)
                | Q(arrondissement_id__in=wanted)
            )
        )
        known = {
            code
            for commune in communes
            for code in (
                commune.region_id,
                commune.province_id,
                commune.arrondissement_id,
            )
        }
        for code in wanted:
            if code not in known:
                self.unknown(field, code)
        return communes

    def languages(self, field: str, codes: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(codes))
        for code in wanted:
            if code not in SpokenLanguage.values:
                self.unknown(field, code)
        return wanted

    def organisation(
        self, field: str, pk: int | None, *, write: bool = False
    ) -> Organisation | None:
        """An organisation the body refers to; `write`: one the user may change
        (PermissionDenied otherwise)."""
        if pk is None:
            return None
        try:
            return get_organisation_for_user(self.user, pk, write=write)
        except Http404:
            self.unknown(field, pk)
            return None

    def organisations(self, field: str, pks: Iterable[int]) -> list[Organisation]:
        # Every role that reaches an endpoint reads every organisation
        # (see register.access): one query for the lot.
        return self.objects(Organisation, field, pks)
