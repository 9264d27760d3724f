"""Template filters for how sentences read.

`elide` takes a translated sentence (a `blocktranslate … asvar sentence`) and the
name inserted in it, and writes the French "de" before that name as French writes
it: "Historique d'Oxfam", "Les services du Rœulx". Other languages are unchanged.
"""

from django import template

from lib.i18n import elide as elide_text

register = template.Library()


@register.filter
def elide(text: str, name: object) -> str:
    return elide_text(text, str(name or ""))
