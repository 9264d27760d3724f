"""Forms of the register's pages. They validate and shape input; they never save:
the views hand their cleaned data to register.services."""

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.i18n import current_language
from lib.refcache import cached_reference
from lib.widgets import FastSelect, PreparedChoiceField, PreparedChoices
from register.area import expand_area
from register.models import (
    Assessment,
    Contact,
    Organisation,
    Relation,
    Service,
    SpokenLanguage,
)
from register.search import normalise, search
from register.validators import (
    normalise_enterprise_number,
    validate_enterprise_number,
)
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Term,
    Theme,
)
from territory.models import Arrondissement, Commune, PostalCode, Province, Region

Choices = list[tuple[Any, Any]]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def usable_terms[T: Term](
    model: type[T], current: Iterable[int | None] = ()
) -> QuerySet[T]:
    """The terms in use, plus those already on the object (a retired term stays)."""
    kept = [pk for pk in current if pk is not None]
    return model._default_manager.filter(Q(is_active=True) | Q(pk__in=kept))


def grouped_themes(
    themes: Iterable[Theme], *, value: str = "pk", whole_theme: bool = True
) -> Choices:
    """Select options grouped by main theme: the main theme itself first (when
    `whole_theme`), then its sub-themes."""
    themes = list(themes)
    children: dict[int, list[Theme]] = {}
    for theme in themes:
        if theme.parent_id is not None:
            children.setdefault(theme.parent_id, []).append(theme)
    groups: Choices = []
    for theme in themes:
        if theme.parent_id is not None:
            continue
        options = [
            (getattr(sub, value), sub.name) for sub in children.get(theme.pk, [])
        ]
        if whole_theme:
            label = gettext("%(theme)s (tout le thème)") % {"theme": theme.name}
            options.insert(0, (getattr(theme, value), label))
        if options:
            groups.append((theme.name, options))
    return groups


def apply_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    renamed: Mapping[str, str] | None = None,
) -> None:
    """Show a service's ValidationError on the form: on the field it names when the
    form has it (`renamed` maps service names to form names), above the form
    otherwise."""
    renamed = renamed or {}
    error_dict: dict[str, list[ValidationError]] | None = getattr(
        error, "error_dict", None
    )
    if error_dict is None:
        form.add_error(None, error)
        return
    for name, errors in error_dict.items():
        field = renamed.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


class FieldsetForm(forms.BaseForm):
    """A form laid out in fieldsets: (legend, field names) pairs."""

    fieldsets: Sequence[tuple[Any, Sequence[str]]] = ()
    required_css_class = "required"

    def bound_fieldsets(self) -> list[tuple[Any, list[BoundField]]]:
        """The visible fields by fieldset (hidden ones go with form.hidden_fields)."""
        layout = []
        for legend, names in self.fieldsets:
            fields = [
                self[name]
                for name in names
                if name in self.fields and not self[name].is_hidden
            ]
            if fields:
                layout.append((legend, fields))
        return layout


def scope_communes() -> QuerySet[Commune]:
    return (
        Commune.objects.in_scope(settings.TERRITORY_SCOPE)
        .defer("boundary")
        .order_by("search_names", "nis")
    )


AREA_SHORTCUTS = ("area_arrondissements", "area_provinces", "area_regions")


def add_area_fields(
    form: forms.BaseForm, name: str, label: Any, current: Iterable[Commune] = ()
) -> None:
    """Add a commune picker and the whole-unit shortcuts to a form."""
    scope = settings.TERRITORY_SCOPE
    form.fields[name] = forms.ModelMultipleChoiceField(
        label=label,
        queryset=scope_communes(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Choisissez une ou plusieurs communes (Ctrl ou Cmd pour en choisir "
            "plusieurs), ou cochez ci-dessous des territoires entiers."
        ),
    )
    if not form.is_bound:
        form.initial.setdefault(name, [commune.pk for commune in current])
    arrondissements = Arrondissement.objects.order_by("name_fr")
    provinces = Province.objects.order_by("name_fr")
    regions = Region.objects.order_by("nis")
    if scope != "BE":
        arrondissements = arrondissements.filter(region_id=scope)
        provinces = provinces.filter(region_id=scope)
        regions = regions.filter(nis=scope)
    form.fields["area_arrondissements"] = forms.ModelMultipleChoiceField(
        label=_("Arrondissements entiers"),
        queryset=arrondissements,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    form.fields["area_provinces"] = forms.ModelMultipleChoiceField(
        label=_("Provinces entières"),
        queryset=provinces,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    form.fields["area_regions"] = forms.ModelMultipleChoiceField(
        label=_("Régions entières"),
        queryset=regions,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def cleaned_area(form: forms.BaseForm, name: str) -> list[Commune]:
    data = form.cleaned_data
    return expand_area(
        communes=data.get(name) or (),
        arrondissements=data.get("area_arrondissements") or (),
        provinces=data.get("area_provinces") or (),
        regions=data.get("area_regions") or (),
    )


# Optimistic locking: what the writer sent against what is stored now.


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def display_value(field: forms.Field, value: Any) -> str:
    """A field's value as a person reads it."""
    if isinstance(field, forms.BooleanField):
        return gettext("oui") if value else gettext("non")
    if _is_empty(value):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        names = sorted(str(item) for item in value)
        if len(names) > 10:
            return gettext("%(count)s éléments : %(names)s…") % {
                "count": len(names),
                "names": ", ".join(names[:10]),
            }
        return ", ".join(names)
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(cast(Iterable[tuple[Any, Any]], field.choices))
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(field, forms.ChoiceField):
        labels = dict(cast(Iterable[tuple[Any, Any]], field.choices))
        return str(labels.get(value, labels.get(str(value), value)))
    if isinstance(value, datetime.date):
        return date_format(value)
    return str(value)


def _comparable(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        return frozenset(_comparable(item) for item in value)
    return value


def _stored(field: forms.Field, initial: Any) -> Any:
    """The object(s) behind an initial value (primary keys for model fields)."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        manager = field.queryset.model._default_manager  # type: ignore[union-attr]
        pks = [getattr(item, "pk", item) for item in initial or []]
        return list(manager.filter(pk__in=pks))
    if isinstance(field, forms.ModelChoiceField):
        manager = field.queryset.model._default_manager  # type: ignore[union-attr]
        return (
            manager.filter(pk=getattr(initial, "pk", initial)).first()
            if initial
            else None
        )
    return initial


def conflict_rows(
    submitted: forms.BaseForm,
    stored: forms.BaseForm,
    submitted_values: Mapping[str, Any],
    skip: Iterable[str] = (),
) -> list[dict[str, str]]:
    """The fields where what was submitted differs from what is stored now.

    `stored` is an unbound form of the current object: its initial values are
    what the database holds."""
    skipped = {"version", "reason", *AREA_SHORTCUTS, *skip}
    rows = []
    for name, field in submitted.fields.items():
        if name in skipped or name not in stored.fields:
            continue
        mine = submitted_values.get(name)
        theirs = _stored(field, stored.initial.get(name, stored.fields[name].initial))
        if _comparable(mine) != _comparable(theirs):
            rows.append(
                {
                    "label": str(field.label),
                    "submitted": display_value(field, mine),
                    "stored": display_value(field, theirs),
                }
            )
    return rows


# Picking one organisation among thousands: a text input, not a <select>.

# "Nom (sigle) — n° 123" or "n° 123": the id is what counts ("nº" and "N°" too).
_ID_SUFFIX = re.compile(r"^(?P<name>.*?)[\s—–-]*\b[nN]\s*[°º]\s*(?P<pk>\d+)$")
SUGGESTIONS = 10
TYPE_TO_PICK = _(
    "Tapez au moins trois lettres du nom ou du sigle, puis choisissez dans la liste."
)


def organisation_reference(organisation: Organisation) -> str:
    """How an organisation is written in a picker: "Nom (sigle) — n° 123"."""
    return f"{organisation} — n° {organisation.pk}"


def split_reference(text: str) -> tuple[str, int | None]:
    """The name part and the id of what was typed in a picker (no id: None).

    A bare number is an id; a number inside a name ("Article 27") is not."""
    text = text.strip()
    if text.isdigit():
        return "", int(text)
    match = _ID_SUFFIX.match(text)
    if match is None:
        return text, None
    return match["name"].strip(), int(match["pk"])


class OrganisationInput(forms.TextInput):
    """A text input that asks the server for suggestions as one types (htmx),
    shown by the browser from the <datalist> that follows it."""

    template_name = "register/widgets/organisation_input.html"

    def get_context(
        self, name: str, value: Any, attrs: dict[str, Any] | None
    ) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        input_id = widget["attrs"].get("id") or f"id_{name}"
        suggestions = f"{input_id}-suggestions"
        widget["suggestions_id"] = suggestions
        widget["attrs"].update(
            {
                "list": suggestions,
                "autocomplete": "off",
                "hx-get": reverse("register:organisation_suggestions")
                + "?"
                + urlencode({"field": name}),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{suggestions}",
                "hx-swap": "innerHTML",
            }
        )
        return context


class OrganisationField(forms.ModelChoiceField[Organisation]):
    """One organisation among `queryset`, written as "Nom (sigle) — n° 123", as a
    bare id, or as a name or acronym that only one active organisation matches."""

    widget = OrganisationInput
    default_error_messages = {
        "itself": _("Choisissez une autre organisation que celle-ci."),
    }

    def __init__(
        self,
        *,
        exclude: int | None = None,
        known: Mapping[int, Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("queryset", Organisation.objects.active())
        kwargs.setdefault("help_text", TYPE_TO_PICK)
        super().__init__(**kwargs)
        self.exclude = exclude
        # Organisations of `queryset` already read (a body's current members, say):
        # found by id without a query.
        self.known: Mapping[int, Organisation] = known or {}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Organisation):
            return organisation_reference(value)
        if isinstance(value, int):
            organisation = Organisation.objects.only("id", "name", "acronym").filter(
                pk=value
            )
            found = organisation.first()
            return organisation_reference(found) if found else value
        return value

    def to_python(self, value: Any) -> Organisation | None:
        text = str(value or "").strip()
        if not text:
            return None
        name, pk = split_reference(text)
        if pk is not None:
            return self._by_id(pk, text)
        return self._by_name(name)

    def _by_id(self, pk: int, text: str) -> Organisation:
        if pk == self.exclude:
            raise ValidationError(self.error_messages["itself"], code="itself")
        queryset = cast(QuerySet[Organisation], self.queryset)
        organisation = self.known.get(pk) or queryset.filter(pk=pk).first()
        if organisation is None:
            raise ValidationError(
                _("Aucune organisation active ne correspond à « %(text)s »."),
                params={"text": text},
                code="invalid_choice",
            )
        return organisation

    def _by_name(self, name: str) -> Organisation:
        candidates = self.queryset.filter(  # type: ignore[union-attr]
            status=Organisation.Status.ACTIVE
        )
        if self.exclude is not None:
            candidates = candidates.exclude(pk=self.exclude)
        found = (
            list(search(candidates, name).order_by("name", "id")[:6])
            if normalise(name)
            else []
        )
        if not found:
            raise ValidationError(
                _("Aucune organisation active ne correspond à « %(text)s »."),
                params={"text": name},
                code="invalid_choice",
            )
        if len(found) > 1:
            # A name typed in full wins over the longer names that start with it.
            wanted = normalise(name)
            exact = [
                o for o in found if wanted in (normalise(o.name), normalise(o.acronym))
            ]
            if not exact:
                exact = list(candidates.filter(name__iexact=name.strip())[:2])
            if len(exact) == 1:
                return cast(Organisation, exact[0])
        if len(found) > 1:
            listed = "; ".join(
                f"{organisation.name} — n° {organisation.pk}"
                for organisation in found[:5]
            )
            raise ValidationError(
                _(
                    "Plusieurs organisations correspondent à « %(text)s » : "
                    "%(candidates)s. Recopiez celle qui convient, avec son numéro."
                ),
                params={"text": name, "candidates": listed},
                code="ambiguous",
            )
        return cast(Organisation, found[0])

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        before = initial.pk if isinstance(initial, Organisation) else initial
        return bool(before != (chosen.pk if chosen else None))


class OrganisationInputs(forms.Widget):
    """One OrganisationInput per organisation chosen, plus `extra` blank ones, all
    under the same name. Without JavaScript a person types in the blanks and saves;
    the page comes back with new blanks.

    Each input is named "<field label>, organisation <n>": the first by aria-label
    (the field's <label> points at it too), the others by a visually hidden
    <label>, as the members' table does."""

    template_name = "register/widgets/organisation_inputs.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, extra: int = 2) -> None:
        super().__init__(attrs)
        self.extra = extra
        # The field's label, to name each input ("Bailleurs de fonds, organisation 2").
        self.label: Any = None

    def format_value(self, value: Any) -> list[str]:
        return _entries(value)

    def use_required_attribute(self, initial: Any) -> bool:
        # The blank inputs may stay blank.
        return False

    def get_context(
        self, name: str, value: Any, attrs: dict[str, Any] | None
    ) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        first_id = widget["attrs"].get("id") or f"id_{name}"
        single = OrganisationInput()
        subwidgets = []
        for index, item in enumerate([*widget["value"], *[""] * self.extra]):
            number = index + 1
            label = (
                gettext("%(label)s, organisation %(number)s")
                % {"label": self.label, "number": number}
                if self.label
                else gettext("Organisation %(number)s") % {"number": number}
            )
            # The first input keeps the field's id: its <label> points at it.
            item_attrs = {**widget["attrs"], "id": f"{first_id}_{index}"}
            if not index:
                item_attrs.update({"id": first_id, "aria-label": label})
            subwidget = single.get_context(name, item, item_attrs)["widget"]
            subwidget["label"] = label
            subwidgets.append(subwidget)
        widget["subwidgets"] = subwidgets
        return context

    def value_from_datadict(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> list[str]:
        getlist = getattr(data, "getlist", None)
        return _entries(getlist(name) if getlist else data.get(name))

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> bool:
        # Like a <select multiple>: nothing sent means none chosen.
        return False


def _entries(value: Any) -> list[str]:
    """The non-blank entries of a multiple picker's value, as text."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


class OrganisationMultipleField(forms.ModelMultipleChoiceField[Organisation]):
    """Several organisations among `queryset`, one per text input, each written as
    OrganisationField accepts it; blank inputs are ignored and repeats collapsed.
    Cleans to a list of organisations in the order typed."""

    widget = OrganisationInputs

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organisation.objects.active())
        if not kwargs.get("help_text"):
            kwargs["help_text"] = format_lazy(
                "{} {}",
                TYPE_TO_PICK,
                _(
                    "Une organisation par case ; pour en ajouter d'autres, "
                    "enregistrez : de nouvelles cases vides vous attendront."
                ),
            )
        super().__init__(**kwargs)
        if isinstance(self.widget, OrganisationInputs):
            self.widget.label = self.label

    def prepare_value(self, value: Any) -> list[str]:
        """Organisations (or their ids) as references; typed text as typed."""
        if value is None:
            return []
        items = [value] if isinstance(value, str | int | Model) else list(value)
        ids = [item for item in items if isinstance(item, int)]
        found = Organisation.objects.only("id", "name", "acronym").in_bulk(ids)
        references = []
        for item in items:
            organisation = found.get(item, item) if isinstance(item, int) else item
            references.append(
                organisation_reference(organisation)
                if isinstance(organisation, Organisation)
                else str(organisation)
            )
        return references

    def clean(self, value: Any) -> list[Organisation]:  # type: ignore[override]
        organisations = self.resolve(value)
        if self.required and not organisations:
            raise ValidationError(self.error_messages["required"], code="required")
        self.run_validators(organisations)
        return organisations

    def resolve(self, value: Any) -> list[Organisation]:
        """The organisations typed, each once; one message per entry that finds
        none or several. Those given by id are read in one query."""
        texts = _entries(value)
        ids = [pk for _name, pk in map(split_reference, texts) if pk is not None]
        queryset = cast(QuerySet[Organisation], self.queryset)
        picker = OrganisationField(
            queryset=queryset, known=queryset.in_bulk(ids) if ids else {}
        )
        chosen: dict[int, Organisation] = {}
        errors: list[ValidationError] = []
        for text in texts:
            try:
                organisation = picker.to_python(text)
            except ValidationError as error:
                errors.extend(error.error_list)
                continue
            if organisation is not None:
                chosen.setdefault(organisation.pk, organisation)
        if errors:
            raise ValidationError(errors)
        return list(chosen.values())

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            chosen = {str(organisation.pk) for organisation in self.resolve(data)}
        except ValidationError:
            return True
        before = {str(getattr(item, "pk", item)) for item in initial or ()}
        return chosen != before


# Register list


STATUS_CHOICES = [
    ("active", _("actives")),
    ("archived", _("archivées")),
    ("all", _("toutes")),
]
SORT_CHOICES = [
    ("name", _("nom (A → Z)")),
    ("-name", _("nom (Z → A)")),
    ("-updated", _("modifiées récemment")),
    ("updated", _("modifiées il y a longtemps")),
]


def _term_choices(model: type[Term], empty: Any) -> Choices:
    return [
        ("", empty),
        *((term.code, term.name) for term in model._default_manager.all()),
    ]


def filter_choices() -> dict[str, PreparedChoices]:
    """The choices of the register list's filters, in the active language.

    The list is the register's busiest page and these choices (every commune,
    every vocabulary) cost it eight queries: they are reference data, kept in the
    cache (lib.refcache) with their <option>s written (PreparedChoices).
    """
    return cached_reference(
        f"register:filter-choices:{current_language()}",
        _build_filter_choices,
        sources=(
            ActorType,
            InstitutionalLevel,
            Sector,
            TargetGroup,
            Theme,
            Arrondissement,
            Commune,
            Province,
        ),
    )


def _build_filter_choices() -> dict[str, PreparedChoices]:
    every, all_feminine = gettext("Tous"), gettext("Toutes")
    themes = Theme.objects.order_by("position", "code")
    # Only the columns the names need.
    communes = scope_communes().only(
        "nis", "name_fr", "name_nl", "name_de", "language_area"
    )
    scope = settings.TERRITORY_SCOPE
    in_scope = {} if scope == "BE" else {"region_id": scope}
    provinces = Province.objects.filter(**in_scope).order_by("nis")
    arrondissements = Arrondissement.objects.filter(**in_scope)
    choices = {
        "level": _term_choices(InstitutionalLevel, every),
        "sector": _term_choices(Sector, every),
        "actor_type": _term_choices(ActorType, every),
        "target_group": _term_choices(TargetGroup, every),
        "theme": [("", every), *grouped_themes(themes, value="code")],
        "province": [("", all_feminine), *((p.nis, p.name) for p in provinces)],
        "arrondissement": [
            ("", every),
            *sorted(
                ((a.nis, a.name) for a in arrondissements),
                key=lambda choice: choice[1],
            ),
        ],
        "commune": [("", all_feminine), *((c.nis, c.name) for c in communes)],
        "language": [("", all_feminine), *SpokenLanguage.choices],
        "status": STATUS_CHOICES,
        "sort": SORT_CHOICES,
    }
    # Plain strings (the language is in the key).
    return {name: PreparedChoices(choices[name]) for name in choices}


class OrganisationFilterForm(forms.Form):
    """The register list's filters, read from the URL; every one is optional."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Nom, sigle ou description d'un service, avec ou sans accents."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    level = PreparedChoiceField(widget=FastSelect, label=_("Niveau"), required=False)
    sector = PreparedChoiceField(widget=FastSelect, label=_("Secteur"), required=False)
    actor_type = PreparedChoiceField(
        widget=FastSelect, label=_("Type d'acteur"), required=False
    )
    theme = PreparedChoiceField(widget=FastSelect, label=_("Thème"), required=False)
    target_group = PreparedChoiceField(
        widget=FastSelect, label=_("Public cible"), required=False
    )
    province = PreparedChoiceField(
        widget=FastSelect, label=_("Province desservie"), required=False
    )
    arrondissement = PreparedChoiceField(
        widget=FastSelect, label=_("Arrondissement desservi"), required=False
    )
    commune = PreparedChoiceField(
        widget=FastSelect, label=_("Commune desservie"), required=False
    )
    language = PreparedChoiceField(
        widget=FastSelect, label=_("Langue parlée"), required=False
    )
    status = PreparedChoiceField(widget=FastSelect, label=_("Statut"), required=False)
    sort = PreparedChoiceField(widget=FastSelect, label=_("Trier par"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in filter_choices().items():
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The valid filters, by the names of selectors.OrganisationFilters."""
        values = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value
        }
        values.setdefault("status", "active")
        values.setdefault("sort", "name")
        return values


# Organisations


class OrganisationForm(FieldsetForm, forms.ModelForm[Organisation]):
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
        error_messages={
            "itself": _("Une organisation ne peut pas être sa propre parente.")
        },
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
        ).only("id", "name", "acronym")
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
            instance.area_communes.all() if editing else (),
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
        candidates = Commune.objects.filter(
            pk__in=PostalCode.objects.filter(code=code).values("commune_id")
        ).defer("boundary")
        if not code or candidates.count() < 2:
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
        number = self.cleaned_data["enterprise_number"].strip()
        if not number:
            return ""
        validate_enterprise_number(number)
        number = normalise_enterprise_number(number)
        others = Organisation.objects.filter(enterprise_number=number)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        other = others.first()
        if other is not None:
            raise ValidationError(
                _("Ce numéro d'entreprise est déjà celui de %(organisation)s."),
                params={"organisation": other},
                code="enterprise_number_taken",
            )
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
            _("Comment"),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        editing = instance.pk is not None
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
            instance.communes.all() if editing else (),
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
        error_messages={
            "itself": _("Une organisation ne peut pas être en relation avec elle-même.")
        },
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
    note = forms.CharField(label=_("Remarque"), required=False, widget=forms.Textarea)

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
        ).only("id", "name", "acronym")
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
