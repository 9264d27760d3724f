"""Pages of the relations between organisations: declare, edit, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can, current_user, permission_required
from lib.forms import apply_service_errors
from lib.views import GET_POST, edit_versioned
from register import services
from register.access import (
    get_organisation_for_user,
    get_relation_for_user,
)
from register.forms import (
    RelationForm,
)
from register.models import Organisation, Relation


def _other_initial(other: str) -> dict[str, int]:
    """The other organisation a link asks for (`?other=<id>`, as the sector
    analysis's overlaps link); nothing for an id of no active organisation."""
    if not (other.isascii() and other.isdigit()) or len(other) > 18:
        return {}
    found = (
        Organisation.objects.active().filter(pk=int(other)).values_list("pk", flat=True)
    )
    first = found.first()
    return {} if first is None else {"other": first}


@GET_POST
@permission_required("internal.view")
def relation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk, write=True)
    form = RelationForm(
        request.POST or None,
        organisation=organisation,
        initial=_other_initial(request.GET.get("other", "")),
    )
    if request.method == "POST" and form.is_valid():
        # A focal point declares on behalf of their organisation; a coordinator's
        # declaration belongs to no organisation (and stays theirs to edit).
        declared_by = None if can(user, "register.manage") else organisation
        try:
            services.relation_create(
                by=user,
                fields={**form.relation_fields(), "declared_by": declared_by},
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            apply_service_errors(
                form, error, {"target": "other", "source": "other", "type": "kind"}
            )
        else:
            messages.success(request, _("La relation a été enregistrée."))
            return redirect(
                reverse("register:organisation_detail", args=[pk]) + "#relations"
            )
    return render(
        request,
        "register/relation_form.html",
        {"form": form, "organisation": organisation},
    )


def _seen_from(relation: Relation) -> Organisation:
    """The side a relation is edited from: the one that declared it, if any."""
    declared_by = relation.declared_by
    if declared_by is not None and declared_by.pk in (
        relation.source_id,
        relation.target_id,
    ):
        return declared_by
    return relation.source


@GET_POST
@permission_required("internal.view")
def relation_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    relation = get_relation_for_user(user, pk, write=True)
    organisation = _seen_from(relation)
    edit = edit_versioned(
        request,
        RelationForm(
            request.POST or None, organisation=organisation, relation=relation
        ),
        form_for=lambda data, current: RelationForm(
            data, organisation=organisation, relation=current
        ),
        write=lambda form: services.relation_update(
            relation_id=relation.pk,
            by=user,
            expected_version=form.cleaned_data["version"],
            fields=form.relation_fields(),
            themes=form.cleaned_data["themes"],
        ),
        refused=lambda form, error: apply_service_errors(
            form, error, {"target": "other", "source": "other", "type": "kind"}
        ),
    )
    if edit.saved:
        messages.success(request, _("La relation a été enregistrée."))
        return redirect(
            reverse("register:organisation_detail", args=[organisation.pk])
            + "#relations"
        )
    return render(
        request,
        "register/relation_form.html",
        {
            "form": edit.form,
            "organisation": organisation,
            "relation": relation,
            "conflict": edit.conflict,
        },
        status=edit.status,
    )


@GET_POST
@permission_required("internal.view")
def relation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    relation = get_relation_for_user(user, pk, write=True)
    organisation = _seen_from(relation)
    if request.method == "POST":
        services.relation_delete(relation_id=relation.pk, by=user)
        messages.success(request, _("La relation a été supprimée."))
        return redirect(
            reverse("register:organisation_detail", args=[organisation.pk])
            + "#relations"
        )
    return render(
        request,
        "register/confirm_delete.html",
        {
            "organisation": organisation,
            "title": _("Supprimer la relation %(source)s — %(type)s — %(target)s")
            % {
                "source": relation.source,
                "type": relation.type,
                "target": relation.target,
            },
            "explanation": _("L'historique garde la trace de la relation."),
            "button": _("Supprimer la relation"),
        },
    )
