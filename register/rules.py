"""The register's write rules, as plain functions shared by the services and the
importer. Each raises `ValidationError({field: message})` when a rule is broken."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_subtheme(
    *,
    theme_id: int | None,
    subtheme_id: int | None,
    subtheme_parent_id: int | None,
) -> None:
    """Refuse a sub-theme that does not belong to the chosen theme."""
    if subtheme_id is not None and subtheme_parent_id != theme_id:
        raise ValidationError(
            {"subtheme": _("Ce sous-thème n'appartient pas au thème choisi.")}
        )


def check_dates(
    *, start_date: datetime.date | None, end_date: datetime.date | None
) -> None:
    """Refuse an end date before the start date."""
    if start_date is not None and end_date is not None and end_date < start_date:
        raise ValidationError(
            {"end_date": _("La date de fin précède la date de début.")}
        )
