"""Names stored once per language, read in the language of the request, and the
French "de" written before them as French writes it."""

from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

# French elides "de" before a vowel ("d'Eupen", "d'Ath"), and merges it with the
# articles "Le" and "Les" that begin some names ("du Rœulx", "des Bons Villers").
# An "h" is left alone: "de Huy", "de Hannut" (h aspiré).
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿœæ")


def current_language() -> str:
    """The active interface language as a bare code ("fr", "nl", …)."""
    return (get_language() or "fr").split("-")[0]


def pick_name(obj: object, prefix: str, fallbacks: tuple[str, ...] = ("fr",)) -> str:
    """The object's `<prefix>_<lang>` attribute in the active language.

    Falls back, in order, on the given languages, then on any non-empty name, so a
    name missing in one language never shows as a blank.
    """
    for language in (current_language(), *fallbacks):
        value = getattr(obj, f"{prefix}_{language}", "")
        if value:
            return str(value)
    for language in ("fr", "nl", "de", "en"):
        value = getattr(obj, f"{prefix}_{language}", "")
        if value:
            return str(value)
    return ""


def of_name(name: str) -> str:
    """French "de" followed by `name`: "d'Eupen", "du Rœulx", "de Liège"."""
    for article, merged in (("Les ", "des "), ("Le ", "du ")):
        if name.startswith(article):
            return merged + name.removeprefix(article)
    if name[:1].casefold() in _VOWELS:
        return f"d'{name}"
    return f"de {name}"


def elide(text: str, name: str) -> str:
    """`text` with its first "de <name>" written as French writes it (in French
    only: other languages have no such "de"). `text` may be HTML, with `name`
    escaped in it."""
    if current_language() != "fr" or not name:
        return text
    shown = str(conditional_escape(name)) if isinstance(text, SafeData) else name
    written = of_name(shown)
    if written.startswith("de "):
        return text
    result = text.replace(f"de {shown}", written, 1)
    return mark_safe(result) if isinstance(text, SafeData) else result  # noqa: S308
