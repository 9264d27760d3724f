"""Why a version was written: kept in no language, read in the reader's.

The reasons the platform writes itself (a creation, an import, the undoing of an
import, the return to a former version) are stored as codes such as
"maillage:import:12:partenaires.xlsx", and put into words where a page shows them,
in the language and the time zone of whoever reads it. A reason a person typed is
kept as typed; so are the reasons stored as words before codes existed.
"""

from datetime import UTC, date, datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PREFIX = "maillage:"
# simple-history keeps at most 100 characters of a reason.
MAX_LENGTH = 100

CREATED = "created"
UPDATED = "updated"
ARCHIVED = "archived"
RESTORED = "restored"
REVERTED = "reverted"
IMPORTED = "imported"
IMPORT_UNDONE = "import-undone"
FILE_IMPORTED = "file-imported"
DECLARED = "declared"

_WORDS = {
    CREATED: _("Création"),
    UPDATED: _("Modification"),
    ARCHIVED: _("Archivage"),
    RESTORED: _("Restauration"),
}


def reason(kind: str, *params: object) -> str:
    """The stored form of a reason the platform writes (`kind`, then its
    parameters: an import's number and file, a version's date)."""
    return ":".join([PREFIX + kind, *(str(param) for param in params)])[:MAX_LENGTH]


def reverted_reason(date: datetime) -> str:
    """Back to the version of `date`, kept in UTC."""
    return reason(REVERTED, date.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ"))


def import_reason(batch: int, file_name: str) -> str:
    # The file name last: what a long one loses is its end.
    return reason(IMPORTED, batch, file_name)


def import_undone_reason(batch: int) -> str:
    return reason(IMPORT_UNDONE, batch)


def file_import_reason(file_name: str) -> str:
    """Written from a file that is not kept (figures, for instance)."""
    return reason(FILE_IMPORTED, file_name)


def declared_reason(number: int, day: date, title: str) -> str:
    """Written from an answer to consultation round `number` given on `day`;
    its title last, since what a long one loses is its end."""
    return reason(DECLARED, number, day.isoformat(), title)


def reason_text(stored: str) -> str:
    """A stored reason in the active language (dates in the current time zone);
    what is not a code, as stored."""
    if not stored.startswith(PREFIX):
        return stored
    kind, _sep, rest = stored.removeprefix(PREFIX).partition(":")
    if kind in _WORDS:
        return str(_WORDS[kind])
    if kind == IMPORTED:
        batch, _sep, file_name = rest.partition(":")
        return gettext("Import n° %(batch)s (%(file)s)") % {
            "batch": batch,
            "file": file_name,
        }
    if kind == FILE_IMPORTED:
        return gettext("Importé du fichier %(file)s") % {"file": rest}
    if kind == DECLARED:
        _number, _sep, rest = rest.partition(":")
        day, _sep, title = rest.partition(":")
        try:
            when = datetime.strptime(day, "%Y-%m-%d").date()  # noqa: DTZ007 - a day
        except ValueError:
            return stored
        return gettext("Déclaré dans la consultation « %(title)s » le %(date)s") % {
            "title": title,
            "date": format_date(when, "j F Y"),
        }
    if kind == IMPORT_UNDONE:
        return gettext("Annulation de l'import n° %(batch)s") % {"batch": rest}
    if kind == REVERTED:
        try:
            date = datetime.strptime(rest, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
        except ValueError:
            return stored
        return gettext("Retour à la version du %(date)s") % {
            "date": format_date(timezone.localtime(date), "j F Y, H:i")
        }
    return stored
