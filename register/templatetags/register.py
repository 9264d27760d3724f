"""Template filters for the register's pages."""

from django import template

from register.validators import normalise_enterprise_number

register = template.Library()


@register.filter
def enterprise_number(value: str) -> str:
    """'0123456749' → '0123.456.749', the way the BCE/KBO writes it."""
    digits = normalise_enterprise_number(value)
    if len(digits) != 10:
        return value
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
