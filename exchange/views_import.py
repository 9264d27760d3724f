"""The import pages: upload and check a file, apply it, list and undo batches.

The uploaded file is read during the request and never stored: applying after a
check means choosing the file again (the check is repeated, all or nothing).
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import current_user, permission_required
from exchange.columns import SHEETS, columns_for
from exchange.imports import (
    ImportReport,
    RowResult,
    SheetReport,
    UndoRefused,
    batch_undo,
    import_file,
)
from exchange.models import ImportBatch
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


def _overrides(request: HttpRequest) -> dict[str, str]:
    return {
        name.removeprefix(MAP_PREFIX): str(request.POST.get(name, ""))
        for name in request.POST
        if name.startswith(MAP_PREFIX)
    }


@GET_POST
@permission_required("register.manage")
def import_upload(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    overrides = _overrides(request) if request.method == "POST" else {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        apply = "apply" in request.POST
        report = import_file(
            upload,
            file_name=upload.name,
            user=user,
            kind=form.cleaned_data["kind"],
            dry_run=not apply,
            overrides=overrides,
        )
        upload.close()
        if report.applied:
            messages.success(
                request,
                _("Import appliqué : %(created)s créée(s), %(updated)s mise(s) à jour.")
                % report.counts,
            )
            return redirect("exchange:import_batches")
    rows: list[tuple[SheetReport, RowResult]] = []
    hidden = 0
    if report is not None:
        for sheet in report.sheets:
            for row in sheet.rows:
                if len(rows) < MAX_ROWS_SHOWN:
                    rows.append((sheet, row))
                else:
                    hidden += 1
    unknown = [
        (sheet, header, [column.key for column in columns_for(sheet.sheet)])
        for sheet in (report.sheets if report else [])
        for header in sheet.mapping.unknown
    ]
    return render(
        request,
        "exchange/import.html",
        {
            "form": form,
            "report": report,
            "rows": rows,
            "hidden": hidden,
            "unknown": unknown,
            "overrides": overrides,
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


@require_POST
@permission_required("register.manage")
def import_batch_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        batch_undo(batch_id=batch.pk, by=current_user(request))
    except UndoRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("L'import a été annulé."))
    return redirect("exchange:import_batches")
