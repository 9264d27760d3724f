"""The register's write rules, as plain functions shared by the services and the
importer. Each raises `ValidationError({field: message})` when a rule is broken."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.i18n import elide
from register.validators import normalise_enterprise_number, validate_enterprise_number

# Also the message of the organisation form's parent picker, which refuses the
# organisation itself before the form sees it.
OWN_PARENT = gettext_lazy("Une organisation ne peut pas être sa propre parente.")
SELF_RELATION = gettext_lazy(
    "Une organisation ne peut pas être en relation avec elle-même."
)


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


def check_active(
    *, organisation: object, archived: bool, field: str = "organisation"
) -> None:
    """Refuse to attach something to an archived organisation (named by
    `organisation`, as shown in the message), under the form field `field`."""
    if archived:
        raise ValidationError(
            {
                field: _(
                    "%(organisation)s est archivée : restaurez-la avant d'y rattacher "
                    "quelque chose."
                )
                % {"organisation": organisation}
            }
        )


def check_parent_active(*, archived: bool, kept: bool) -> None:
    """Refuse to choose an archived parent; a parent archived later (`kept`: the
    organisation already has it) does not block other edits."""
    if archived and not kept:
        raise ValidationError(
            {"parent": _("L'organisation parente est archivée : restaurez-la d'abord.")}
        )


def check_not_own_parent(*, organisation_id: int | None, parent_id: int | None) -> None:
    """Refuse an organisation as its own parent (a new one, without id, cannot be)."""
    if organisation_id is not None and parent_id == organisation_id:
        raise ValidationError({"parent": str(OWN_PARENT)})


def check_not_self_related(*, source: object, target: object) -> None:
    """Refuse a relation of an organisation with itself (each side given as an
    id, or as an object where it is not saved yet)."""
    if source is not None and source == target:
        raise ValidationError({"target": str(SELF_RELATION)})


def check_enterprise_number(number: str) -> str:
    """The enterprise number to store: "" for none, else its ten digits
    ("BE 0123.456.749" → "0123456749"). Refuse text that is no valid Belgian
    enterprise number, with the model validator's messages and codes."""
    if not number:
        return ""
    try:
        validate_enterprise_number(number)
    except ValidationError as error:
        raise ValidationError({"enterprise_number": error.error_list}) from None
    return normalise_enterprise_number(number)


def check_enterprise_number_free(
    *, number: str, taken: bool, holder: object | None = None
) -> None:
    """Refuse a number another organisation already has (`taken`). The message
    names that organisation when the caller has it at hand (`holder`), else the
    number."""
    if not taken:
        return
    if holder is not None:
        message = elide(
            _("Ce numéro d'entreprise est déjà celui de %(organisation)s.")
            % {"organisation": holder},
            str(holder),
        )
    else:
        message = _(
            "Une autre organisation porte déjà le numéro d'entreprise %(number)s."
        ) % {"number": number}
    raise ValidationError(
        {"enterprise_number": ValidationError(message, code="enterprise_number_taken")}
    )


def check_postal_code[C](
    *, postal_code: str, commune: C | None, candidates: Sequence[C]
) -> C:
    """The commune of a postal code among its `candidates` (the communes it
    serves): the one given must be one of them; with none given, there must be
    only one."""
    if not candidates:
        raise ValidationError(
            {
                "postal_code": _("Le code postal %(code)s n'existe pas.")
                % {"code": postal_code}
            }
        )
    if commune is not None:
        if commune not in candidates:
            raise ValidationError(
                {
                    "commune": _(
                        "La commune %(commune)s ne correspond pas au code postal "
                        "%(code)s."
                    )
                    % {"commune": commune, "code": postal_code}
                }
            )
        return commune
    if len(candidates) > 1:
        raise ValidationError(
            {
                "commune": _(
                    "Le code postal %(code)s dessert plusieurs communes : précisez-la."
                )
                % {"code": postal_code}
            }
        )
    return candidates[0]
