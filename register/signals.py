"""Cached reads of the register dropped when what they were built from changes."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from register.forms import forget_filter_choices
from taxonomy.models import ActorType, InstitutionalLevel, Sector, TargetGroup, Theme
from territory.models import Arrondissement, Commune, Province

FILTER_SOURCES = (
    ActorType,
    InstitutionalLevel,
    Sector,
    TargetGroup,
    Theme,
    Arrondissement,
    Commune,
    Province,
)


def _forget_filter_choices(**_kwargs: Any) -> None:
    forget_filter_choices()


def connect() -> None:
    for model in FILTER_SOURCES:
        for signal in (post_save, post_delete):
            signal.connect(
                _forget_filter_choices,
                sender=model,
                dispatch_uid=f"register-filter-choices-{model._meta.label_lower}",
            )
