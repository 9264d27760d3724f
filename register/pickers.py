"""Pickers shared by the forms of every app: organisations among thousands (a text
input with suggestions, not a <select>) and an area of communes with whole-unit
shortcuts."""

import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import reduce
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.api import MAX_ID
from lib.text import REFUSED_IN_LINE, validate_line
from register.area import AreaSummary, area_summary, expand_area
from register.models import Organisation
from register.search import normalise, search
from territory.models import Arrondissement, Commune, Province, Region


def scope_communes() -> QuerySet[Commune]:
    return (
        Commune.objects.in_scope(settings.TERRITORY_SCOPE)
        .defer("boundary")
        .order_by("search_names", "nis")
    )


AREA_SHORTCUTS = ("area_arrondissements", "area_provinces", "area_regions")


def add_area_fields(
    form: forms.BaseForm,
    name: str,
    label: Any,
    current: QuerySet[Commune] | None = None,
) -> None:
    """Add a commune picker and the whole-unit shortcuts to a form.

    The `current` area starts as it reads: the units it covers entirely ticked,
    only its other communes chosen one by one."""
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
    if not form.is_bound:
        summary = area_summary(current) if current is not None else AreaSummary()
        for field, chosen in (
            (name, summary.communes),
            ("area_arrondissements", summary.arrondissements),
            ("area_provinces", summary.provinces),
            ("area_regions", summary.regions),
        ):
            form.initial.setdefault(field, [unit.pk for unit in chosen])


def cleaned_area(form: forms.BaseForm, name: str) -> list[Commune]:
    data = form.cleaned_data
    return expand_area(
        communes=data.get(name) or (),
        arrondissements=data.get("area_arrondissements") or (),
        provinces=data.get("area_provinces") or (),
        regions=data.get("area_regions") or (),
    )


# Picking one organisation among thousands: a text input, not a <select>.

# An organisation is written "Nom (sigle)"; "— n° 123" follows only when another
# active organisation reads the same. Typed, "n° 123" or a bare number is an id
# ("nº" and "N°" too).
_ID_SUFFIX = re.compile(r"^(?P<name>.*?)[\s—–-]*\b[nN]\s*[°º]\s*(?P<pk>\d+)$")
_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)$")
SUGGESTIONS = 10
TYPE_TO_PICK = _(
    "Tapez au moins trois lettres du nom ou du sigle, puis choisissez dans la liste."
)
# Longer than any name and acronym with a number: never looked up.
MAX_REFERENCE = 400
# The columns a picker reads of an organisation.
PICKED = ("id", "name", "acronym", "status")


def organisation_references(organisations: Iterable[Organisation]) -> dict[int, str]:
    """How each organisation is written in a picker (one query): "Nom (sigle)",
    with its number only when another active organisation reads the same, so
    that what is shown finds that organisation and no other when sent back."""
    organisations = list(organisations)
    names = {organisation.name for organisation in organisations}
    readings = Counter(
        Organisation.objects.active()
        .filter(name__in=names)
        .values_list("name", "acronym")
        if names
        else ()
    )
    references = {}
    for organisation in organisations:
        others = readings[(organisation.name, organisation.acronym)] - (
            organisation.status == Organisation.Status.ACTIVE
        )
        references[organisation.pk] = (
            f"{organisation} — n° {organisation.pk}"
            if others > 0
            else str(organisation)
        )
    return references


def organisation_reference(organisation: Organisation) -> str:
    """How one organisation is written in a picker (one query)."""
    return organisation_references([organisation])[organisation.pk]


def named_organisations(
    queryset: QuerySet[Organisation], texts: Iterable[str]
) -> dict[str, list[Organisation]]:
    """The organisations of `queryset` written exactly as each text, with or
    without its acronym in brackets, letter case aside (one query for them all)."""
    wanted: dict[str, Q] = {}
    for text in texts:
        if REFUSED_IN_LINE.search(text) or len(text) > MAX_REFERENCE:
            continue  # refused by the picker, with its message; never queried
        condition = Q(name__iexact=text)
        match = _ACRONYM.match(text)
        if match is not None:
            condition |= Q(name__iexact=match["name"], acronym__iexact=match["acronym"])
        wanted[text] = condition
    if not wanted:
        return {}
    rows = list(queryset.filter(reduce(operator.or_, wanted.values())).only(*PICKED))
    found: dict[str, list[Organisation]] = {}
    for text in wanted:
        key = text.casefold()
        same = [o for o in rows if key in (str(o).casefold(), o.name.casefold())]
        # "CPAS" exactly as written before "cpas" or "Cpas".
        exact = [o for o in same if text in (str(o), o.name)]
        found[text] = exact or same
    return found


def split_reference(text: str) -> tuple[str, int | None]:
    """The name part and the id of what was typed in a picker (no id: None).

    A bare number is an id; a number inside a name ("Article 27") is not. A
    number no id can be (past 64 bits) is no id: the database would overflow."""
    text = text.strip()
    if text.isdigit():
        return "", _id(text)
    match = _ID_SUFFIX.match(text)
    if match is None:
        return text, None
    return match["name"].strip(), _id(match["pk"])


def _id(digits: str) -> int:
    """An id as typed; 0 (which no organisation has) past the largest id."""
    number = int(digits) if len(digits) <= 19 else 0
    return number if number <= MAX_ID else 0


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
    """One organisation among `queryset`, written as the picker shows it ("Nom
    (sigle)", with "— n° 123" for homonyms), as a bare id, or as a name or acronym
    that only one active organisation matches."""

    widget = OrganisationInput
    default_error_messages = {
        "itself": _("Choisissez une autre organisation que celle-ci."),
    }

    def __init__(
        self,
        *,
        exclude: int | None = None,
        known: Mapping[int, Organisation] | None = None,
        references: Mapping[int, str] | None = None,
        named: Mapping[str, list[Organisation]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("queryset", Organisation.objects.active())
        kwargs.setdefault("help_text", TYPE_TO_PICK)
        super().__init__(**kwargs)
        self.exclude = exclude
        # What a form has already read, to spare a query per picker: organisations
        # of `queryset` by id (a body's current members, say), how they are
        # written, and the organisations written as each text sent.
        self.known: Mapping[int, Organisation] = known or {}
        self.references: Mapping[int, str] = references or {}
        self.named: Mapping[str, list[Organisation]] = named or {}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = Organisation.objects.only(*PICKED).filter(pk=value).first() or value
        if isinstance(value, Organisation):
            return self.references.get(value.pk) or organisation_reference(value)
        return value

    def to_python(self, value: Any) -> Organisation | None:
        text = str(value or "").strip()
        if not text:
            return None
        validate_line(text)
        name, pk = split_reference(text)
        if pk is not None:
            return self._by_id(pk, text)
        return self._by_reference(name) or self._by_name(name)

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

    def _by_reference(self, text: str) -> Organisation | None:
        """The organisation written exactly so, if there is one (a homonym of
        another: the message asks for its number)."""
        if text in self.named:
            found = self.named[text]
        else:
            queryset = cast(QuerySet[Organisation], self.queryset)
            found = named_organisations(queryset, [text]).get(text, [])
        if len(found) > 1:
            raise self._ambiguous(text, found)
        if found and found[0].pk == self.exclude:
            raise ValidationError(self.error_messages["itself"], code="itself")
        return found[0] if found else None

    def _ambiguous(self, text: str, found: list[Organisation]) -> ValidationError:
        listed = "; ".join(
            f"{organisation} — n° {organisation.pk}" for organisation in found[:5]
        )
        return ValidationError(
            _(
                "Plusieurs organisations correspondent à « %(text)s » : "
                "%(candidates)s. Recopiez celle qui convient, avec son numéro."
            ),
            params={"text": text, "candidates": listed},
            code="ambiguous",
        )

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
            # A name or acronym typed in full wins over the longer names that
            # start with it.
            wanted = normalise(name)
            exact = [
                o for o in found if wanted in (normalise(o.name), normalise(o.acronym))
            ]
            if len(exact) == 1:
                return cast(Organisation, exact[0])
            raise self._ambiguous(name, found)
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
        """Organisations (or their ids) as the picker writes them; typed text as
        typed."""
        if value is None:
            return []
        items = [value] if isinstance(value, str | int | Model) else list(value)
        ids = [item for item in items if isinstance(item, int)]
        found = Organisation.objects.only(*PICKED).in_bulk(ids) if ids else {}
        items = [
            found.get(item, item) if isinstance(item, int) else item for item in items
        ]
        references = organisation_references(
            item for item in items if isinstance(item, Organisation)
        )
        return [
            references[item.pk] if isinstance(item, Organisation) else str(item)
            for item in items
        ]

    def clean(self, value: Any) -> list[Organisation]:  # type: ignore[override]
        organisations = self.resolve(value)
        if self.required and not organisations:
            raise ValidationError(self.error_messages["required"], code="required")
        self.run_validators(organisations)
        return organisations

    def resolve(self, value: Any) -> list[Organisation]:
        """The organisations typed, each once; one message per entry that finds
        none or several. Those given by id, and those written in full, are read
        in one query each."""
        texts = _entries(value)
        references = [split_reference(text) for text in texts]
        ids = [pk for _name, pk in references if pk is not None]
        queryset = cast(QuerySet[Organisation], self.queryset)
        picker = OrganisationField(
            queryset=queryset,
            known=queryset.in_bulk(ids) if ids else {},
            named=named_organisations(
                queryset, [name for name, pk in references if pk is None]
            ),
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
