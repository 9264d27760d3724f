"""Names stored once per language, read in the language of the request."""

from django.utils.translation import get_language


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
