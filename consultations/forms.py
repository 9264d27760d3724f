"""Forms of the consultations' pages."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.builder import LOGIC_COLUMNS, TEXT_COLUMNS
from consultations.models import Questionnaire, Round
from consultations.results import Filters
from consultations.services import Audience, Decision
from coordination.models import CoordinationBody
from lib.forms import CheckedTextForm, local_datetime_field
from register.pickers import OrganisationMultipleField
from taxonomy.models import ActorType, InstitutionalLevel, Sector, Theme
from territory.models import Province


class ImportForm(CheckedTextForm, forms.Form):
    file = forms.FileField(
        label=_("Fichier XLSForm"),
        help_text=_(
            "Un classeur .xlsx ou .xls (ou le markdown de pyxform, .md), de 5 Mo au "
            "plus, tel que KoboToolbox ou ODK les écrivent."
        ),
    )
    key = forms.SlugField(
        label=_("Identifiant"),
        max_length=100,
        required=False,
        help_text=_(
            "Facultatif : par défaut, le form_id du formulaire, sinon son titre. "
            "Importer sous un identifiant existant en fait la version suivante."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Vérifier seulement, sans importer"), required=False
    )


class RoundForm(CheckedTextForm, forms.ModelForm[Round]):
    opens_at = local_datetime_field(_("Ouverture"))
    closes_at = local_datetime_field(_("Clôture"))
    public = forms.BooleanField(
        label=_("Ouvrir aussi un lien public"),
        required=False,
        help_text=_(
            "Toute personne qui a le lien peut répondre, sans invitation (réponses "
            "anonymes, nombre limité par heure)."
        ),
    )

    class Meta:
        model = Round
        fields = [
            "questionnaire", "title", "purpose", "introduction", "unit", "anonymous",
            "opens_at", "closes_at",
        ]  # fmt: skip
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(
            forms.ModelChoiceField[Questionnaire], self.fields["questionnaire"]
        )
        field.queryset = Questionnaire.objects.exclude(
            status=Questionnaire.Status.RETIRED
        ).order_by("title", "-version")
        if self.instance.pk:
            self.fields["public"].initial = bool(self.instance.public_key)
            if self.instance.launched_at:
                for name in ("questionnaire", "unit", "anonymous"):
                    self.fields[name].disabled = True


class AudienceForm(CheckedTextForm, forms.Form):
    """Whom to invite: organisations of the register by their kind, theme or
    territory, the members of coordination bodies, or organisations named."""

    level = forms.ModelChoiceField(
        label=_("Niveau institutionnel"),
        queryset=InstitutionalLevel.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    sector = forms.ModelChoiceField(
        label=_("Secteur"),
        queryset=Sector.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    actor_type = forms.ModelChoiceField(
        label=_("Type d'acteur"),
        queryset=ActorType.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Theme.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    province = forms.ModelChoiceField(
        label=_("Province desservie"),
        queryset=Province.objects.order_by("nis"),
        required=False,
    )
    bodies = forms.ModelMultipleChoiceField(
        label=_("Membres des organes de coordination"),
        queryset=CoordinationBody.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = OrganisationMultipleField(
        label=_("Organisations choisies une à une"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError(
                _("Choisissez au moins un critère ou une organisation.")
            )
        return cleaned

    def audience(self) -> Audience:
        data = self.cleaned_data

        def code(name: str) -> str:
            value = data.get(name)
            return str(value.code) if value is not None else ""

        province = data.get("province")
        return Audience(
            level=code("level"),
            sector=code("sector"),
            actor_type=code("actor_type"),
            theme=code("theme"),
            province=province.nis if province is not None else "",
            bodies=tuple(body.pk for body in data.get("bodies") or []),
            organisations=tuple(o.pk for o in data.get("organisations") or []),
        )


class ResultFiltersForm(forms.Form):
    """The results' filters: the respondents' organisation, a text searched
    in the free answers; and a question to cross with one of them."""

    level = forms.ModelChoiceField(
        label=_("Niveau institutionnel"),
        queryset=InstitutionalLevel.objects.all(),
        to_field_name="code",
        required=False,
    )
    sector = forms.ModelChoiceField(
        label=_("Secteur"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
    )
    actor_type = forms.ModelChoiceField(
        label=_("Type d'acteur"),
        queryset=ActorType.objects.all(),
        to_field_name="code",
        required=False,
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.order_by("nis"), required=False
    )
    q = forms.CharField(
        label=_("Chercher dans les réponses libres"), max_length=200, required=False
    )
    cross = forms.ChoiceField(label=_("Croiser la question"), required=False)
    by = forms.ChoiceField(
        label=_("par"),
        required=False,
        choices=[
            ("level", _("niveau institutionnel")),
            ("sector", _("secteur")),
            ("actor_type", _("type d'acteur")),
            ("province", _("province")),
        ],
    )

    def __init__(
        self, *args: Any, questions: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cross = cast(forms.ChoiceField, self.fields["cross"])
        cross.choices = [("", _("— aucune —")), *questions]

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data

        def code(name: str, attribute: str = "code") -> str:
            value = data.get(name)
            return str(getattr(value, attribute)) if value is not None else ""

        return Filters(
            level=code("level"),
            sector=code("sector"),
            actor_type=code("actor_type"),
            province=code("province", "nis"),
            q=data.get("q") or "",
        )


class BindingsForm(forms.Form):
    """Which register field each question that can feed one goes to."""

    def __init__(
        self,
        *args: Any,
        questions: list[tuple[str, str, list[tuple[str, str]]]],
        initial_bindings: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, label, options in questions:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=[("", _("— ne va pas dans le registre —")), *options],
                required=False,
                initial=initial_bindings.get(name, ""),
            )


class ReviewForm(forms.Form):
    """A coordinator's decision on each answer waiting to go into the register."""

    VERDICTS = (
        ("", _("plus tard")),
        ("accept", _("écrire dans le registre")),
        ("reject", _("écarter")),
    )

    def __init__(self, *args: Any, proposals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Any, forms.BoundField | None, forms.BoundField | None]]
        self.rows = []
        for proposal in proposals:
            if proposal.state != "pending":
                self.rows.append((proposal, None, None))
                continue
            verdict = forms.ChoiceField(
                label=_("Décision pour « %(question)s »")
                % {"question": proposal.label},
                choices=self.VERDICTS,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"decision-{proposal.question}"] = verdict
            service = None
            if len(proposal.services) > 1:
                service = forms.TypedChoiceField(
                    label=_("Service dont la capacité change"),
                    choices=[("", "—"), *proposal.services],
                    coerce=int,
                    required=False,
                )
                self.fields[f"service-{proposal.question}"] = service
            self.rows.append(
                (
                    proposal,
                    self[f"decision-{proposal.question}"],
                    self[f"service-{proposal.question}"] if service else None,
                )
            )

    def decisions(self) -> dict[str, Decision]:
        found: dict[str, Decision] = {}
        for proposal, verdict, _service in self.rows:
            if verdict is None:
                continue
            chosen = self.cleaned_data.get(f"decision-{proposal.question}")
            if chosen:
                found[proposal.question] = Decision(
                    chosen,
                    self.cleaned_data.get(f"service-{proposal.question}") or None,
                )
        return found


# The questionnaire builder ---------------------------------------------------

KIND_LABELS = {
    "text": _("texte"),
    "integer": _("nombre entier"),
    "decimal": _("nombre décimal"),
    "date": _("date"),
    "time": _("heure"),
    "select_one": _("un choix dans une liste"),
    "select_multiple": _("plusieurs choix dans une liste"),
    "rank": _("classement"),
    "note": _("note (texte à lire)"),
    "acknowledge": _("case à cocher « j'ai lu »"),
    "calculate": _("calcul"),
    "begin_group": _("groupe (une page)"),
    "begin_repeat": _("répétition"),
    "maillage-organisation": _("organisation du registre"),
    "maillage-commune": _("commune"),
    "maillage-theme": _("thème"),
    "maillage-body": _("organe de coordination"),
}
COLUMN_LABELS = {
    "label": _("Libellé"),
    "hint": _("Aide"),
    "guidance_hint": _("Consigne pour l'enquêteur"),
    "constraint_message": _("Message si la contrainte n'est pas respectée"),
    "required_message": _("Message si la réponse manque"),
    "required": _("Obligatoire (yes, ou une expression)"),
    "relevant": _("Affichée si (expression)"),
    "constraint": _("Contrainte (expression, « . » est la réponse)"),
    "calculation": _("Calcul (expression)"),
    "choice_filter": _("Filtre des choix (expression)"),
    "default": _("Valeur par défaut"),
    "read_only": _("Lecture seule (yes, ou une expression)"),
    "appearance": _("Apparence"),
    "repeat_count": _("Nombre de répétitions (expression)"),
}


def _language_label(language: str) -> str:
    return language or str(_("langue des libellés"))


class BuilderForm(CheckedTextForm, forms.Form):
    """Every builder form carries the fingerprint of the rows it was made from."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)


class SettingsForm(BuilderForm):
    title = forms.CharField(label=_("Titre"), max_length=255)
    default_language = forms.ChoiceField(
        label=_("Langue par défaut"), required=False, choices=[]
    )

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["default_language"])
        field.choices = [(lang, _language_label(lang)) for lang in languages]


class QuestionAddForm(BuilderForm):
    kind = forms.ChoiceField(label=_("Type"), choices=list(KIND_LABELS.items()))
    name = forms.CharField(
        label=_("Nom"),
        max_length=64,
        help_text=_(
            "Unique dans le questionnaire, sans espace ni accent : « places »."
        ),
    )
    label = forms.CharField(label=_("Libellé"), max_length=2000)
    choices = forms.CharField(
        label=_("Choix, un par ligne (questions à choix)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    after = forms.TypedChoiceField(
        label=_("Place"), coerce=int, empty_value=None, required=False, choices=[]
    )

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["after"])
        field.choices = [
            ("", _("à la fin")),
            *(
                (row["index"], _("après « %(name)s »") % {"name": row["name"]})
                for row in rows
                if row["name"]
            ),
        ]


class RowForm(BuilderForm):
    """One row of the survey sheet: its type and name, its texts in each
    language, its logic."""

    type = forms.CharField(
        label=_("Type XLSForm"),
        max_length=200,
        help_text=_("Par exemple « integer », « select_one besoins »."),
    )
    name = forms.CharField(label=_("Nom"), max_length=64, required=False)

    def __init__(
        self, *args: Any, row: dict[str, str], languages: list[str], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(row)
        super().__init__(*args, **kwargs)
        self.columns: list[str] = ["type", "name"]
        self.languages = languages
        for language in languages:
            for base in TEXT_COLUMNS:
                key = f"{base}::{language}" if language else base
                label = COLUMN_LABELS[base]
                self.fields[key] = forms.CharField(
                    label=f"{label} ({_language_label(language)})"
                    if len(languages) > 1
                    else label,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2})
                    if base in {"label", "hint"}
                    else forms.TextInput,
                )
                self.columns.append(key)
        for base in LOGIC_COLUMNS:
            self.fields[base] = forms.CharField(
                label=COLUMN_LABELS[base], required=False, max_length=2000
            )
            self.columns.append(base)

    def values(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in self.columns}

    def groups(self) -> list[tuple[str, list[forms.BoundField], bool]]:
        """The fields as the page shows them: the type and name, the texts of
        each language (the default one open), the logic."""
        groups = [(str(_("Question")), [self["type"], self["name"]], True)]
        for number, language in enumerate(self.languages):
            prefix = f"::{language}" if language else ""
            names = [f"{base}{prefix}" for base in TEXT_COLUMNS]
            groups.append(
                (
                    str(_("Textes en %(language)s") % {"language": language})
                    if language
                    else str(_("Textes")),
                    [self[name] for name in names],
                    number == 0 or any(self[name].errors for name in names),
                )
            )
        groups.append(
            (
                str(_("Logique")),
                [self[base] for base in LOGIC_COLUMNS],
                True,
            )
        )
        return groups


class ChoiceAddForm(BuilderForm):
    list_name = forms.ChoiceField(label=_("Liste"), choices=[])
    name = forms.CharField(label=_("Nom"), max_length=64)
    label = forms.CharField(label=_("Libellé"), max_length=500)

    def __init__(self, *args: Any, lists: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["list_name"])
        field.choices = [(name, name) for name in lists]


class ChoiceForm(BuilderForm):
    name = forms.CharField(label=_("Nom"), max_length=64)

    def __init__(
        self, *args: Any, choice: dict[str, str], languages: list[str], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].update(choice)
        super().__init__(*args, **kwargs)
        self.columns = ["name"]
        for language in languages:
            key = f"label::{language}" if language else "label"
            self.fields[key] = forms.CharField(
                label=f"{COLUMN_LABELS['label']} ({_language_label(language)})",
                required=False,
                max_length=500,
            )
            self.columns.append(key)

    def values(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in self.columns}


class LanguageAddForm(BuilderForm):
    language = forms.CharField(
        label=_("Nouvelle langue"),
        max_length=60,
        help_text=_("Son nom et son code, comme XLSForm les écrit : « English (en) »."),
    )
    current = forms.CharField(
        label=_("Langue des textes actuels"),
        max_length=60,
        required=False,
        help_text=_(
            "Les textes actuels ne nomment pas leur langue : « Français (fr) »."
        ),
    )

    def __init__(self, *args: Any, untranslated: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not untranslated:
            del self.fields["current"]


class TranslationForm(BuilderForm):
    """The texts of one language beside those of the default language."""

    def __init__(
        self,
        *args: Any,
        entries: list[tuple[str, int, str, str, str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.entries = []
        for sheet, index, base, where, source, current in entries:
            key = f"{sheet}-{index}-{base}"
            self.fields[key] = forms.CharField(
                label=f"{where} — {COLUMN_LABELS[base]}",
                required=False,
                max_length=2000,
                initial=current,
                widget=forms.Textarea(attrs={"rows": 2})
                if len(source) > 80
                else forms.TextInput,
            )
            self.entries.append((self[key], source, (sheet, index, base)))

    def texts(self) -> dict[tuple[str, int, str], str]:
        return {
            where: self.cleaned_data.get(field.name) or ""
            for field, _source, where in self.entries
        }
