"""Pages of the contact persons: add, edit, erase."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import current_user, permission_required
from lib.forms import apply_service_errors
from lib.views import GET_POST, edit_versioned
from register import services
from register.access import (
    get_contact_for_user,
    get_organisation_for_user,
)
from register.forms import (
    ContactForm,
)


@GET_POST
@permission_required("internal.view")
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk, write=True)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(
                by=user, fields={"organisation": organisation, **form.contact_fields()}
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Le contact a été ajouté."))
            return redirect(
                reverse("register:organisation_detail", args=[pk]) + "#contacts"
            )
    return render(
        request,
        "register/contact_form.html",
        {"form": form, "organisation": organisation},
    )


@GET_POST
@permission_required("internal.view")
def contact_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    contact = get_contact_for_user(user, pk, write=True)
    organisation = contact.organisation
    edit = edit_versioned(
        request,
        ContactForm(request.POST or None, instance=contact),
        form_for=lambda data, current: ContactForm(data, instance=current),
        write=lambda form: services.contact_update(
            contact_id=contact.pk,
            by=user,
            expected_version=form.cleaned_data["version"],
            fields=form.contact_fields(),
        ),
    )
    if edit.saved:
        messages.success(request, _("Le contact a été enregistré."))
        return redirect(
            reverse("register:organisation_detail", args=[organisation.pk])
            + "#contacts"
        )
    return render(
        request,
        "register/contact_form.html",
        {
            "form": edit.form,
            "organisation": organisation,
            "contact": contact,
            "conflict": edit.conflict,
        },
        status=edit.status,
    )


@GET_POST
@permission_required("internal.view")
def contact_erase(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    contact = get_contact_for_user(user, pk, write=True)
    organisation = contact.organisation
    if request.method == "POST":
        services.contact_erase(contact_id=contact.pk, by=user)
        messages.success(
            request,
            _("Le contact et ses données personnelles ont été effacés."),
        )
        return redirect(
            reverse("register:organisation_detail", args=[organisation.pk])
            + "#contacts"
        )
    return render(
        request,
        "register/confirm_delete.html",
        {
            "organisation": organisation,
            "title": _("Effacer le contact %(name)s") % {"name": contact.name},
            "explanation": _(
                "Le contact et tout son historique seront effacés définitivement "
                "(droit à l'effacement)."
            ),
            "button": _("Effacer définitivement"),
        },
    )
