"""Forms of the register's pages. They validate and shape input; they never save:
the views hand their cleaned data to register.services."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.forms import (
    DateInput,
    FieldsetForm,
)
from lib.text import NOTE_MAX_LENGTH
from register.models import (
    Assessment,
    Contact,
    Organisation,
    Relation,
    Service,
    SpokenLanguage,
)
from register.pickers import (
    AREA_SHORTCUTS,
    OrganisationField,
    OrganisationMultipleField,
    add_area_fields,
    cleaned_area,
)
from register.rules import (
    OWN_PARENT,
    SELF_RELATION,
    check_enterprise_number,
    check_enterprise_number_free,
)
from taxonomy.choices import grouped_themes, usable_terms
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from territory.models import Commune, PostalCode

Choices = list[tuple[Any, Any]]


# Organisations


class OrganisationForm(FieldsetForm, forms.ModelForm[Organisation]):
    conflict_skip = AREA_SHORTCUTS
    enterprise_number = forms.CharField(
        label=_("Numéro d'entreprise (BCE)"),
        required=False,
        max_length=20,
        help_text=_("Dix chiffres, par exemple 0123.456.749."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues parlées"),
        required=False,
        choices=SpokenLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    parent = OrganisationField(
        label=_("Organisation parente"),
        required=False,
        error_messages={"itself": OWN_PARENT},
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "name_fr",
            "name_nl",
            "name_de",
            "enterprise_number",
            "external_id",
            "level",
            "sector",
            "actor_type",
            "parent",
            "street",
            "postal_code",
            "website",
            "email",
            "phone",
            "languages",
            "description",
            "published",
        ]

    fieldsets = (
        (
            _("Identité"),
            [
                "name",
                "acronym",
                "name_fr",
                "name_nl",
                "name_de",
                "enterprise_number",
                "external_id",
            ],
        ),
        (_("Classement"), ["level", "sector", "actor_type", "parent"]),
        (
            _("Adresse et coordonnées"),
            ["street", "postal_code", "commune", "website", "email", "phone"],
        ),
        (
            _("Zone d'action"),
            ["area_communes", *AREA_SHORTCUTS],
        ),
        (_("Présentation"), ["languages", "description", "published"]),
        (_("Enregistrement"), ["reason", "version"]),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        editing = instance.pk is not None
        for name, model in (
            ("level", InstitutionalLevel),
            ("sector", Sector),
            ("actor_type", ActorType),
        ):
            current = getattr(instance, f"{name}_id", None) if editing else None
            self.fields[name].queryset = usable_terms(model, [current])  # type: ignore[attr-defined]
        # The current parent stays valid even once archived.
        parents = Organisation.objects.filter(
            Q(status=Organisation.Status.ACTIVE) | Q(pk=instance.parent_id)
        ).only("id", "name", "acronym", "status")
        if editing:
            parents = parents.exclude(pk=instance.pk)
        parent = cast(OrganisationField, self.fields["parent"])
        parent.queryset = parents
        parent.exclude = instance.pk
        if not self.is_bound and instance.parent_id is not None:
            self.initial["parent"] = instance.parent
        self.fields["postal_code"].help_text = _("La commune de l'adresse s'en déduit.")
        self._add_commune_field()
        add_area_fields(
            self,
            "area_communes",
            _("Communes de la zone d'action"),
            instance.area_communes.all() if editing else None,
        )
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["reason"] = forms.CharField(
                label=_("Motif de la modification"),
                required=False,
                max_length=100,
                help_text=_("Facultatif ; il apparaîtra dans l'historique."),
            )
            self.initial.setdefault("version", instance.version)

    def _add_commune_field(self) -> None:
        """A commune select, only when the postal code serves several communes."""
        if self.is_bound:
            code = str(self.data.get("postal_code", "")).strip()
        else:
            code = self.initial.get("postal_code", "")
        if not code.isdigit():
            # Not a postal code, which the field refuses: not even looked up
            # (PostgreSQL would fail on a NUL in it).
            return
        candidates = Commune.objects.filter(
            pk__in=PostalCode.objects.filter(code=code).values("commune_id")
        ).defer("boundary")
        if candidates.count() < 2:
            return
        self.fields["commune"] = forms.ModelChoiceField(
            label=_("Commune"),
            queryset=candidates.order_by("search_names"),
            required=False,
            help_text=_("Ce code postal dessert plusieurs communes."),
        )
        if not self.is_bound:
            self.initial.setdefault("commune", self.instance.commune_id)

    def clean_enterprise_number(self) -> str:
        try:
            number = check_enterprise_number(
                self.cleaned_data["enterprise_number"].strip()
            )
            if number:
                others = Organisation.objects.filter(enterprise_number=number)
                if self.instance.pk is not None:
                    others = others.exclude(pk=self.instance.pk)
                other = others.first()
                check_enterprise_number_free(
                    number=number, taken=other is not None, holder=other
                )
        except ValidationError as error:
            # The rules name the field; a field's own clean raises its errors.
            raise ValidationError(error.error_dict["enterprise_number"]) from None
        return number

    def validate_constraints(self) -> None:
        """The service checks the model's constraints; the form gives clearer
        messages for the ones people meet (clean_enterprise_number)."""

    def organisation_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in self._meta.fields or ()}
        if "commune" in self.fields:
            fields["commune"] = self.cleaned_data.get("commune")
        return fields

    def area(self) -> list[Commune]:
        if not hasattr(self, "_area"):
            self._area = cleaned_area(self, "area_communes")
        return self._area

    def submitted_values(self) -> dict[str, Any]:
        return {**self.cleaned_data, "area_communes": self.area()}


# Contacts


class ContactForm(FieldsetForm, forms.ModelForm[Contact]):
    languages = forms.MultipleChoiceField(
        label=_("Langues"),
        required=False,
        choices=SpokenLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "name",
            "function",
            "email",
            "phone",
            "is_focal_point",
            "languages",
            "legal_basis",
            "consent_date",
            "shared",
            "last_verified",
        ]
        widgets = {"consent_date": DateInput, "last_verified": DateInput}

    fieldsets = (
        (
            _("Personne"),
            ["name", "function", "email", "phone", "is_focal_point", "languages"],
        ),
        (
            _("Protection des données"),
            ["legal_basis", "consent_date", "shared", "last_verified"],
        ),
        (_("Enregistrement"), ["version"]),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.initial.setdefault("version", self.instance.version)

    def contact_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


# Services


class ServiceForm(FieldsetForm, forms.ModelForm[Service]):
    conflict_skip = AREA_SHORTCUTS
    languages = forms.MultipleChoiceField(
        label=_("Langues"),
        required=False,
        choices=SpokenLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "title",
            "description",
            "theme",
            "subtheme",
            "target_groups",
            "eligibility",
            "delivery_mode",
            "languages",
            "capacity",
            "capacity_unit",
            "cost",
            "access",
            "referral_how",
            "opening_hours",
            "start_date",
            "end_date",
            "status",
            "funders",
            "published",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "target_groups": forms.CheckboxSelectMultiple,
        }
        field_classes = {"funders": OrganisationMultipleField}

    fieldsets = (
        (_("Quoi"), ["title", "description", "theme", "subtheme"]),
        (_("Pour qui"), ["target_groups", "eligibility"]),
        (_("Où"), ["communes", *AREA_SHORTCUTS]),
        (
            # In context: Django's own catalogue has "Comment" (a remark).
            pgettext_lazy("how a service is delivered", "Comment"),
            [
                "delivery_mode",
                "languages",
                "capacity",
                "capacity_unit",
                "cost",
                "access",
                "referral_how",
                "opening_hours",
            ],
        ),
        (_("Quand"), ["start_date", "end_date", "status"]),
        (_("Financement et publication"), ["funders", "published"]),
        (_("Enregistrement"), ["version"]),
    )

    def __init__(
        self, *args: Any, organisation: Organisation | None = None, **kwargs: Any
    ) -> None:
        """`organisation`: a new service's, whose communes and languages it
        starts from."""
        super().__init__(*args, **kwargs)
        instance = self.instance
        editing = instance.pk is not None
        if organisation is not None and not editing:
            self.initial.setdefault("languages", list(organisation.languages))
        themes = list(
            usable_terms(
                Theme,
                [instance.theme_id, instance.subtheme_id] if editing else [],
            ).order_by("position", "code")
        )
        theme = self.fields["theme"]
        theme.queryset = Theme.objects.filter(  # type: ignore[attr-defined]
            pk__in=[t.pk for t in themes if t.parent_id is None]
        )
        theme.widget.choices = [
            ("", "---------"),
            *((t.pk, t.name) for t in themes if t.parent_id is None),
        ]
        subtheme = self.fields["subtheme"]
        subtheme.queryset = Theme.objects.filter(  # type: ignore[attr-defined]
            pk__in=[t.pk for t in themes if t.parent_id is not None]
        )
        subtheme.widget.choices = [
            ("", _("aucun")),
            *grouped_themes(themes, whole_theme=False),
        ]
        subtheme.help_text = _("Un sous-thème du thème choisi.")
        # With scripts, choosing a theme narrows the sub-themes to its own.
        theme.widget.attrs.update(
            {
                "hx-get": reverse("register:subtheme_options"),
                "hx-target": "#id_subtheme",
                "hx-swap": "outerHTML",
                "hx-include": "#id_subtheme",
                "aria-controls": "id_subtheme",
            }
        )
        current_groups = (
            list(instance.target_groups.values_list("pk", flat=True)) if editing else []
        )
        self.fields["target_groups"].queryset = usable_terms(  # type: ignore[attr-defined]
            TargetGroup, current_groups
        )
        # The ModelForm read the current funders into `initial`: they stay valid
        # even once archived.
        current_funders = [
            getattr(funder, "pk", funder) for funder in self.initial.get("funders", [])
        ]
        funders = cast(OrganisationMultipleField, self.fields["funders"])
        funders.queryset = Organisation.objects.filter(
            Q(status=Organisation.Status.ACTIVE) | Q(pk__in=current_funders)
        ).only("id", "name", "acronym", "status")
        funders.help_text = format_lazy(
            "{} {}", _("Les organisations qui financent ce service."), funders.help_text
        )
        add_area_fields(
            self,
            "communes",
            _("Communes desservies"),
            instance.communes.all()
            if editing
            else organisation.area_communes.all()
            if organisation is not None
            else None,
        )
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.initial.setdefault("version", instance.version)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                ValidationError(
                    _("La date de fin (%(end)s) précède la date de début (%(start)s)."),
                    params={"end": date_format(end), "start": date_format(start)},
                    code="end_before_start",
                ),
            )
        return cleaned

    def validate_constraints(self) -> None:
        """The service checks the model's constraints; clean() gives the clearer
        message for the dates."""

    def service_fields(self) -> dict[str, Any]:
        m2m = {"target_groups", "funders"}
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields or ()
            if name not in m2m
        }

    def area(self) -> list[Commune]:
        if not hasattr(self, "_area"):
            self._area = cleaned_area(self, "communes")
        return self._area

    def submitted_values(self) -> dict[str, Any]:
        return {**self.cleaned_data, "communes": self.area()}


# Relations


FORWARD, INVERSE = "forward", "inverse"


class RelationForm(FieldsetForm, forms.Form):
    """A relation seen from one organisation: "this one <type> the other one", in
    either direction."""

    kind = forms.ChoiceField(label=_("Relation"))
    other = OrganisationField(
        label=_("Autre organisation"),
        error_messages={"itself": SELF_RELATION},
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        required=False,
        choices=[("", "---------"), *Relation.Frequency.choices],
    )
    formal = forms.BooleanField(
        label=_("Formalisée"),
        required=False,
        help_text=_("Une convention, un contrat ou un agrément l'encadre."),
    )
    since = forms.DateField(label=_("Depuis"), required=False, widget=DateInput)
    source_note = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=255,
        help_text=_("Par exemple : enquête de mars 2026, réunion de cadrage."),
    )
    note = forms.CharField(
        label=_("Remarque"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
    )

    fieldsets = (
        (_("Relation"), ["kind", "other", "themes"]),
        (_("Précisions"), ["frequency", "formal", "since", "source_note", "note"]),
        (_("Enregistrement"), ["version"]),
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        relation: Relation | None = None,
        **kwargs: Any,
    ) -> None:
        self.organisation = organisation
        self.relation = relation
        if relation is not None and "initial" not in kwargs:
            outgoing = relation.source_id == organisation.pk
            kwargs["initial"] = {
                "kind": f"{FORWARD if outgoing else INVERSE}:{relation.type_id}",
                "other": relation.target_id if outgoing else relation.source_id,
                "themes": [theme.pk for theme in relation.themes.all()],
                "frequency": relation.frequency,
                "formal": relation.formal,
                "since": relation.since,
                "source_note": relation.source_note,
                "note": relation.note,
                "version": relation.version,
            }
        super().__init__(*args, **kwargs)
        current_type = relation.type_id if relation else None
        kinds: Choices = [("", "---------")]
        for relation_type in usable_terms(RelationType, [current_type]):
            kinds.append((f"{FORWARD}:{relation_type.pk}", relation_type.name))
            if not relation_type.is_symmetric:
                kinds.append(
                    (f"{INVERSE}:{relation_type.pk}", relation_type.inverse_name)
                )
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["kind"].help_text = _(
            "Lue depuis %(organisation)s : « %(organisation)s finance… », "
            "« %(organisation)s est financée par… »."
        ) % {"organisation": organisation}
        current_other = None
        if relation is not None:
            current_other = (
                relation.target_id
                if relation.source_id == organisation.pk
                else relation.source_id
            )
        # The current other side stays valid even once archived.
        other = cast(OrganisationField, self.fields["other"])
        other.queryset = Organisation.objects.filter(
            Q(status=Organisation.Status.ACTIVE) | Q(pk=current_other)
        ).only("id", "name", "acronym", "status")
        other.exclude = organisation.pk
        current_themes = (
            [theme.pk for theme in relation.themes.all()] if relation else []
        )
        themes = list(usable_terms(Theme, current_themes).order_by("position", "code"))
        self.fields["themes"].queryset = Theme.objects.filter(  # type: ignore[attr-defined]
            pk__in=[theme.pk for theme in themes]
        )
        self.fields["themes"].widget.choices = grouped_themes(themes)
        if relation is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)

    def clean_kind(self) -> tuple[str, RelationType]:
        value = self.cleaned_data["kind"]
        direction, _sep, pk = value.partition(":")
        relation_type = RelationType.objects.filter(pk=pk).first()
        if direction not in (FORWARD, INVERSE) or relation_type is None:
            raise ValidationError(_("Choisissez un type de relation."))
        return direction, relation_type

    def relation_fields(self) -> dict[str, Any]:
        direction, relation_type = self.cleaned_data["kind"]
        other = self.cleaned_data["other"]
        source, target = (
            (self.organisation, other)
            if direction == FORWARD
            else (other, self.organisation)
        )
        return {
            "source": source,
            "target": target,
            "type": relation_type,
            **{
                name: self.cleaned_data[name]
                for name in ("frequency", "formal", "since", "source_note", "note")
            },
        }

    def submitted_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        direction, relation_type = values["kind"]
        values["kind"] = f"{direction}:{relation_type.pk}"
        return values


# Assessments


class AssessmentForm(FieldsetForm, forms.ModelForm[Assessment]):
    class Meta:
        model = Assessment
        fields = [
            "influence",
            "interest",
            "attitude",
            "capacity",
            "strategy",
            "assessed_on",
            "note",
        ]
        widgets = {
            "influence": forms.RadioSelect,
            "interest": forms.RadioSelect,
            "capacity": forms.RadioSelect,
            "assessed_on": DateInput,
        }

    fieldsets = (
        (
            _("Évaluation"),
            ["influence", "interest", "capacity", "attitude", "strategy"],
        ),
        (_("Contexte"), ["assessed_on", "note"]),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("influence", "interest", "capacity"):
            # Radio buttons need no empty choice.
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = [
                choice
                for choice in cast(list[tuple[Any, Any]], field.choices)
                if choice[0] != ""
            ]

    def validate_constraints(self) -> None:
        """The scales are radio buttons from 1 to 5: the field validates them."""

    def assessment_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}
