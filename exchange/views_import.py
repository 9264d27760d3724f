"""The import pages: upload and check a file, apply it, list and undo batches.

A checked file is kept with the choices made for it (exchange.import_uploads):
applying it is one click on what was checked, and the check is repeated then,
all or nothing. A file may also be imported at once, without a check first.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import current_user, permission_required
from exchange.columns import SHEETS, Column, columns_for
from exchange.import_uploads import (
    get_import_upload_for_user,
    import_upload_delete,
    import_upload_keep,
    import_upload_run,
    import_uploads_purge,
)
from exchange.imports import (
    ImportReport,
    RowResult,
    SheetReport,
    UndoRefused,
    batch_objects,
    batch_undo,
    import_file,
)
from exchange.models import ImportBatch, ImportUpload
from lib.views import GET_POST

MAX_ROWS_SHOWN = 500
KIND_CHOICES = [
    ("", gettext_lazy("Selon les onglets ou les colonnes du fichier")),
    ("organisations", gettext_lazy("Organisations")),
    ("contacts", gettext_lazy("Contacts")),
    ("services", gettext_lazy("Services")),
    ("relations", gettext_lazy("Relations")),
    ("4w", gettext_lazy("Tableau 4W (qui fait quoi, où, quand)")),
]
MAP_PREFIX = "map:"


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label=gettext_lazy("Fichier XLSX ou CSV"),
        help_text=gettext_lazy(
            "Le modèle à remplir se télécharge depuis la page d'export. Les colonnes "
            "sont reconnues par leur code, leur nom en français, néerlandais, "
            "allemand ou anglais, ou leur étiquette HXL."
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Données"), choices=KIND_CHOICES, required=False
    )
    upload = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not cleaned.get("upload"):
            self.add_error("file", _("Choisissez un fichier XLSX ou CSV."))
        return cleaned


def _overrides(request: HttpRequest) -> dict[str, str]:
    return {
        name.removeprefix(MAP_PREFIX): str(request.POST.get(name, ""))
        for name in request.POST
        if name.startswith(MAP_PREFIX)
    }


def _column_label(column: Column) -> str:
    labels = column.labels
    return labels.get((get_language() or "fr")[:2]) or labels.get("fr") or column.key


def _mapping(
    report: ImportReport, overrides: dict[str, str]
) -> list[tuple[str, str, list[tuple[str, str]], str]]:
    """The columns to map, each as (header, where, [(key, label)], chosen key):
    those not recognised, then those already mapped, so that the mapping goes
    with the file from the check to the import."""
    rows = []
    seen: set[str] = set()
    for sheet in report.sheets:
        choices = [
            (column.key, _column_label(column)) for column in columns_for(sheet.sheet)
        ]
        for header in [*sheet.mapping.unknown, *overrides]:
            if header in seen or (
                header in overrides and header not in sheet.mapping.headers
            ):
                continue
            seen.add(header)
            rows.append((header, sheet.table, choices, overrides.get(header, "")))
    return rows


@GET_POST
@permission_required("register.manage")
def import_upload(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":
        import_uploads_purge(now=timezone.now())
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    kept: ImportUpload | None = None
    overrides = _overrides(request) if request.method == "POST" else {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        apply = "apply" in request.POST
        if upload is not None and apply:
            report = import_file(
                upload,
                file_name=upload.name,
                user=user,
                kind=kind,
                dry_run=False,
                overrides=overrides,
            )
        elif upload is not None:
            kept = import_upload_keep(upload, user=user, kind=kind, overrides=overrides)
            report = import_upload_run(
                kept, user=user, kind=kind, overrides=overrides, apply=False
            )
        else:
            kept = get_import_upload_for_user(user, form.cleaned_data["upload"])
            report = import_upload_run(
                kept, user=user, kind=kind, overrides=overrides, apply=apply
            )
        if upload is not None:
            upload.close()
        if report.applied:
            messages.success(
                request,
                _(
                    "Import appliqué. Lignes créées : %(created)s ; mises à jour : "
                    "%(updated)s."
                )
                % report.counts,
            )
            return redirect("exchange:import_batches")
        if kept is not None and report.problems:
            # A file that cannot be read is not kept for a second try.
            import_upload_delete(kept)
            kept = None
        if kept is not None:
            form = ImportForm(initial={"upload": kept.pk, "kind": kept.kind})
    rows: list[tuple[SheetReport, RowResult]] = []
    hidden = 0
    if report is not None:
        for sheet in report.sheets:
            for row in sheet.rows:
                if len(rows) < MAX_ROWS_SHOWN:
                    rows.append((sheet, row))
                else:
                    hidden += 1
    return render(
        request,
        "exchange/import.html",
        {
            "form": form,
            "report": report,
            "kept": kept,
            "rows": rows,
            "hidden": hidden,
            "mapping": _mapping(report, overrides) if report else [],
            "map_prefix": MAP_PREFIX,
            "sheets": SHEETS,
        },
    )


@GET_POST
@permission_required("register.manage")
def import_batches(request: HttpRequest) -> HttpResponse:
    # The id lists can be long and the list does not show them.
    batches = (
        ImportBatch.objects.select_related("author", "undone_by")
        .defer("created", "updated")
        .order_by("-created_at", "-id")
    )
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(request, "exchange/import_batches.html", {"page": page})


@require_safe
@permission_required("register.manage")
def import_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: what it created and updated, and (unless undone) the
    confirmation of its undoing."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("author", "undone_by"), pk=pk
    )
    return render(
        request,
        "exchange/import_batch_detail.html",
        {"batch": batch, "objects": batch_objects(batch)},
    )


@require_POST
@permission_required("register.manage")
def import_batch_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        batch_undo(batch_id=batch.pk, by=current_user(request))
    except UndoRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("exchange:import_batch_detail", pk=batch.pk)
    messages.success(request, _("L'import a été annulé."))
    return redirect("exchange:import_batches")
