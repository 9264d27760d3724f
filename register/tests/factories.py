"""Register objects for tests, written through the services so that they are
validated, indexed for search and kept in history like real data."""

import datetime
from collections.abc import Iterable
from typing import Any

from accounts.models import User
from register import services
from register.models import Contact, Organisation, Relation, Service
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from territory.models import Commune


def _system_user() -> User:
    user, _created = User.objects.get_or_create(
        email="factory@example.org", defaults={"role": "coordinator"}
    )
    return user


def make_organisation(
    name: str,
    *,
    by: User | None = None,
    level: str = "municipal",
    sector: str = "public",
    actor_type: str = "cpas",
    area: Iterable[str] = (),
    **fields: Any,
) -> Organisation:
    """An organisation with reference vocabulary given by codes, area by NIS codes."""
    return services.organisation_create(
        by=by or _system_user(),
        fields={
            "name": name,
            "level": InstitutionalLevel.objects.get(code=level),
            "sector": Sector.objects.get(code=sector),
            "actor_type": ActorType.objects.get(code=actor_type),
            **fields,
        },
        area_communes=Commune.objects.filter(nis__in=list(area)),
    )


def make_service(
    organisation: Organisation,
    title: str,
    *,
    by: User | None = None,
    theme: str = "housing",
    subtheme: str | None = None,
    communes: Iterable[str] = (),
    target_groups: Iterable[str] = (),
    **fields: Any,
) -> Service:
    return services.service_create(
        by=by or _system_user(),
        fields={
            "organisation": organisation,
            "title": title,
            "theme": Theme.objects.get(code=theme),
            "subtheme": Theme.objects.get(code=subtheme) if subtheme else None,
            **fields,
        },
        communes=Commune.objects.filter(nis__in=list(communes)),
        target_groups=TargetGroup.objects.filter(code__in=list(target_groups)),
    )


def make_contact(
    organisation: Organisation,
    name: str,
    *,
    shared: bool = False,
    by: User | None = None,
    **fields: Any,
) -> Contact:
    return services.contact_create(
        by=by or _system_user(),
        fields={
            "organisation": organisation,
            "name": name,
            "shared": shared,
            "legal_basis": Contact.LegalBasis.PUBLIC_TASK,
            "consent_date": datetime.date(2026, 1, 15),
            **fields,
        },
    )


def make_relation(
    source: Organisation,
    target: Organisation,
    *,
    type: str = "refers-to",
    themes: Iterable[str] = (),
    by: User | None = None,
    **fields: Any,
) -> Relation:
    return services.relation_create(
        by=by or _system_user(),
        fields={
            "source": source,
            "target": target,
            "type": RelationType.objects.get(code=type),
            **fields,
        },
        themes=Theme.objects.filter(code__in=list(themes)),
    )
