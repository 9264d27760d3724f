"""Documents attached to meetings and agenda items: a few office and image
formats, checked by their first bytes as well as their name, of limited size,
stored through Django's storage API under a random name and only ever sent by
a view that checks who asks."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import User
from meetings.models import AgendaItem, Document, Meeting

ZIP_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
SIGNED_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}
EXTENSIONS = sorted({*ZIP_TYPES, *SIGNED_TYPES, *TEXT_TYPES})
# How many documents a meeting holds at most.
MAX_DOCUMENTS = 100


def _refuse(message: str) -> None:
    raise ValidationError({"file": message})


def _content_type(upload: UploadedFile[bytes], extension: str) -> str:
    upload.seek(0)
    head = upload.read(8)
    if extension in SIGNED_TYPES:
        content_type, signatures = SIGNED_TYPES[extension]
        if not head.startswith(signatures):
            _refuse(
                _("Ce fichier n'est pas un %(type)s.") % {"type": extension[1:].upper()}
            )
        return content_type
    if extension in ZIP_TYPES:
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            names = set()
        if not ({"[Content_Types].xml", "mimetype"} & names):
            _refuse(
                _("Ce fichier n'est pas un %(type)s.") % {"type": extension[1:].upper()}
            )
        return ZIP_TYPES[extension]
    upload.seek(0)
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        _refuse(_("Un fichier texte doit être en UTF-8."))
    return TEXT_TYPES[extension]


@transaction.atomic
def document_add(
    meeting: Meeting,
    *,
    by: User,
    upload: UploadedFile[bytes],
    agenda_item: AgendaItem | None = None,
) -> Document:
    name = PurePath(upload.name or "").name.strip()
    extension = PurePath(name).suffix.lower()
    if not name or extension not in EXTENSIONS:
        _refuse(
            _("Formats acceptés : %(extensions)s.")
            % {"extensions": ", ".join(e[1:] for e in EXTENSIONS)}
        )
    if upload.size is None or upload.size > settings.MEETING_DOCUMENT_MAX_BYTES:
        _refuse(
            _("Un document pèse au plus %(size)s.")
            % {"size": filesizeformat(settings.MEETING_DOCUMENT_MAX_BYTES)}
        )
    if upload.size == 0:
        _refuse(_("Ce fichier est vide."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Ce point est d'une autre réunion.")})
    if meeting.documents.count() >= MAX_DOCUMENTS:
        _refuse(
            _("Cette réunion a déjà %(count)s documents.") % {"count": MAX_DOCUMENTS}
        )
    content_type = _content_type(upload, extension)
    upload.seek(0)
    stem = (
        "".join(c for c in PurePath(name).stem if c.isprintable())[:150] or "document"
    )
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        filename=f"{stem}{extension}",
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by,
    )
    document.file.save(name, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def document_delete(document: Document) -> None:
    document.file.delete(save=False)
    document.delete()
