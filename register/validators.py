import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ENTERPRISE_NUMBER_DIGITS = re.compile(r"^[01]\d{9}$")


def normalise_enterprise_number(value: str) -> str:
    """'0123.456.749', 'BE 0123 456 749' and '123456749' all become '0123456749'."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 9:
        digits = "0" + digits
    return digits


def validate_enterprise_number(value: str) -> None:
    """A Belgian enterprise number (BCE/KBO): 10 digits, the last two a mod-97 check."""
    digits = normalise_enterprise_number(value)
    if not ENTERPRISE_NUMBER_DIGITS.match(digits):
        raise ValidationError(
            _("Un numéro d'entreprise compte 10 chiffres et commence par 0 ou 1."),
            code="enterprise_number_format",
        )
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise ValidationError(
            _("Ce numéro d'entreprise n'est pas valide (chiffres de contrôle)."),
            code="enterprise_number_checksum",
        )
