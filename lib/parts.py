"""The parts of the platform that exist, as each app declares its own.

The home page presents the platform's parts; each app adds its part when it
is there (from its AppConfig.ready), so that the page never presents a part
that has no page yet and shows a new one as soon as its app is installed.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Part:
    """A part of the platform: what it is, its first page (a URL name) and the
    action (accounts.permissions) one needs to open it; `position` orders the
    parts as the mission does."""

    title: str | Promise
    description: str | Promise
    url_name: str
    action: str
    position: int


_parts: dict[str, Part] = {}


def part_add(part: Part) -> None:
    """Declare a part (again: replaced, so that a reload does not repeat it)."""
    _parts[part.url_name] = part


def parts() -> list[Part]:
    """The parts declared, in the mission's order."""
    return sorted(_parts.values(), key=lambda part: part.position)
