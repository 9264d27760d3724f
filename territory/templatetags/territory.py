"""Territory facts for any page's template."""

from django import template

from territory import selectors

register = template.Library()


@register.simple_tag
def communes_mapped() -> bool:
    """Whether a map of the communes can be drawn: some have a boundary or
    coordinates."""
    return selectors.communes_mapped()
