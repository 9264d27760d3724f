"""Forms of the coordination bodies' pages; the views save through
coordination.services."""

import re
from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coordination.models import BodyMember, CoordinationBody
from lib.forms import FieldsetForm
from register.models import Organisation
from register.pickers import (
    AREA_SHORTCUTS,
    PICKED,
    OrganisationField,
    OrganisationMultipleField,
    add_area_fields,
    cleaned_area,
    named_organisations,
    organisation_references,
    split_reference,
)
from taxonomy.choices import grouped_themes, usable_terms
from taxonomy.models import InstitutionalLevel, Theme
from territory.models import Commune


class BodyForm(FieldsetForm, forms.ModelForm[CoordinationBody]):
    conflict_skip = AREA_SHORTCUTS
    convenors = OrganisationMultipleField(
        label=_("Organisations qui le convoquent"), required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = CoordinationBody
        fields = [
            "name",
            "acronym",
            "level",
            "status",
            "mandate",
            "formality",
            "decision_power",
            "frequency",
            "description",
        ]

    fieldsets = (
        (_("Identité"), ["name", "acronym", "level", "status", "convenors"]),
        (
            _("Mandat et fonctionnement"),
            ["mandate", "formality", "decision_power", "frequency", "description"],
        ),
        (_("Thèmes"), ["themes"]),
        (_("Territoire couvert"), ["communes", *AREA_SHORTCUTS]),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.instance
        editing = body.pk is not None
        self.fields["level"].queryset = usable_terms(  # type: ignore[attr-defined]
            InstitutionalLevel, [body.level_id if editing else None]
        )
        current_convenors = (
            list(body.convenors.only("id", "name", "acronym", "status"))
            if editing
            else []
        )
        # The current convenors stay valid even once archived.
        convenors = cast(OrganisationMultipleField, self.fields["convenors"])
        convenors.queryset = Organisation.objects.filter(
            Q(status=Organisation.Status.ACTIVE)
            | Q(pk__in=[convenor.pk for convenor in current_convenors])
        ).only("id", "name", "acronym", "status")
        current_themes = (
            list(body.themes.values_list("pk", flat=True)) if editing else []
        )
        themes = list(usable_terms(Theme, current_themes).order_by("position", "code"))
        self.fields["themes"].queryset = Theme.objects.filter(  # type: ignore[attr-defined]
            pk__in=[theme.pk for theme in themes]
        )
        self.fields["themes"].widget.choices = grouped_themes(themes)
        if not self.is_bound and editing:
            self.initial.setdefault("convenors", current_convenors)
            self.initial.setdefault("themes", current_themes)
        add_area_fields(
            self,
            "communes",
            _("Communes du territoire couvert"),
            body.communes.all() if editing else None,
        )
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.initial.setdefault("version", body.version)

    def body_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}

    def area(self) -> list[Commune]:
        if not hasattr(self, "_area"):
            self._area = cleaned_area(self, "communes")
        return self._area

    def submitted_values(self) -> dict[str, Any]:
        return {**self.cleaned_data, "communes": self.area()}


class MemberForm(forms.Form):
    """One member row; an empty row is ignored."""

    # The table's caption and help say what to do: no help under each row.
    organisation = OrganisationField(
        label=_("Organisation"), required=False, help_text=""
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        required=False,
        choices=[("", "---------"), *BodyMember.Role.choices],
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        known: Mapping[int, Organisation] | None = None,
        references: Mapping[int, str] | None = None,
        named: Mapping[str, list[Organisation]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(OrganisationField, self.fields["organisation"])
        if organisations is not None:
            field.queryset = organisations
        field.known = known or {}
        field.references = references or {}
        field.named = named or {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("organisation") and not cleaned.get("role"):
            self.add_error("role", _("Choisissez le rôle de cette organisation."))
        # An organisation typed but not found already has its message.
        if (
            cleaned.get("role")
            and not cleaned.get("organisation")
            and "organisation" not in self.errors
        ):
            self.add_error("organisation", _("Choisissez l'organisation."))
        return cleaned


class BaseMemberFormSet(forms.BaseFormSet[MemberForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            organisation = form.cleaned_data.get("organisation")
            if organisation is None:
                continue
            if organisation.pk in seen:
                raise ValidationError(
                    _("Une organisation figure deux fois parmi les membres.")
                )
            seen.add(organisation.pk)

    def members(self) -> list[tuple[Organisation, str]]:
        """The filled rows as (organisation, role) pairs."""
        return [
            (form.cleaned_data["organisation"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data.get("organisation")
        ]


MEMBER_ORGANISATION = re.compile(r"^members-\d{1,3}-organisation$")

MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=3, max_num=500
)


def member_formset(
    data: Any = None, *, body: CoordinationBody | None = None
) -> BaseMemberFormSet:
    """The members' rows. The current members' organisations are read once, with
    how they are written; the organisations named in the rows sent back are read
    in one query, and archived members stay valid."""
    members = list(body.members.select_related("organisation")) if body else []
    known = {member.organisation_id: member.organisation for member in members}
    organisations = Organisation.objects.filter(
        Q(status=Organisation.Status.ACTIVE) | Q(pk__in=list(known))
    ).only(*PICKED)
    initial = [{"organisation": m.organisation, "role": m.role} for m in members]
    named: dict[str, list[Organisation]] = {}
    if data is not None:
        texts = [
            str(value).strip()
            for key, value in data.items()
            if MEMBER_ORGANISATION.match(key)
        ]
        named = named_organisations(
            organisations,
            [name for name, pk in map(split_reference, texts) if name and pk is None],
        )
    formset = MemberFormSet(
        data,
        prefix="members",
        initial=initial,
        form_kwargs={
            "organisations": organisations,
            "known": known,
            "references": organisation_references(known.values()) if known else {},
            "named": named,
        },
    )
    return cast(BaseMemberFormSet, formset)
