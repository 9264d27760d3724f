"""Files checked on the import page, kept until they are applied.

A check keeps the uploaded file in the default storage under `imports/`, with
what it holds and the mapping of its columns (ImportUpload); applying reads it
from there with those same choices, so that the person does not choose the
file again. The file is removed once applied, or IMPORT_RETENTION_HOURS after
it was uploaded (whenever the import page is used).
"""

import datetime
import uuid
from collections.abc import Mapping
from pathlib import PurePath
from typing import BinaryIO, cast

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from exchange.imports import ImportReport, import_file
from exchange.models import ImportUpload


def import_upload_keep(
    upload: "UploadedFile[bytes]",
    *,
    user: User,
    kind: str,
    overrides: Mapping[str, str],
) -> ImportUpload:
    """Keep an uploaded file and the choices made for it."""
    kept = ImportUpload(
        author=user,
        file_name=(upload.name or "import")[:255],
        kind=kind,
        overrides=dict(overrides),
    )
    # Only the extension is kept from the person's file name in the path.
    suffix = PurePath(kept.file_name).suffix.lower()[:10]
    kept.file = default_storage.save(f"imports/{kept.pk}/upload{suffix}", upload)
    kept.save()
    return kept


def import_upload_run(
    kept: ImportUpload,
    *,
    user: User,
    kind: str,
    overrides: Mapping[str, str],
    apply: bool,
) -> ImportReport:
    """Check a kept file again with what it holds and this mapping, or apply it
    (all or nothing); once applied, it is removed."""
    kept.kind = kind
    kept.overrides = dict(overrides)
    kept.save(update_fields=["kind", "overrides"])
    with default_storage.open(kept.file, "rb") as stream:
        report = import_file(
            cast(BinaryIO, stream),
            file_name=kept.file_name,
            user=user,
            kind=kept.kind,
            dry_run=not apply,
            overrides=kept.overrides,
        )
    if report.applied:
        import_upload_delete(kept)
    return report


def import_upload_delete(kept: ImportUpload) -> None:
    default_storage.delete(kept.file)
    kept.delete()


def import_uploads_purge(*, now: datetime.datetime) -> int:
    """Remove the files uploaded more than IMPORT_RETENTION_HOURS ago; returns
    how many."""
    before = now - datetime.timedelta(hours=settings.IMPORT_RETENTION_HOURS)
    expired = list(ImportUpload.objects.filter(created_at__lt=before))
    for kept in expired:
        import_upload_delete(kept)
    return len(expired)


def get_import_upload_for_user(user: User, upload_id: str) -> ImportUpload:
    """A kept file, to the person who uploaded it only; to anyone else, for an
    unknown, expired or malformed id: 404."""
    try:
        pk = uuid.UUID(str(upload_id))
    except ValueError:
        raise Http404("No such file.") from None
    kept = ImportUpload.objects.filter(pk=pk, author=user).first()
    if kept is None or kept.created_at < timezone.now() - datetime.timedelta(
        hours=settings.IMPORT_RETENTION_HOURS
    ):
        raise Http404("No such file.")
    return kept
