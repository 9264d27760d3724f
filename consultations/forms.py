"""Forms of the consultations' pages."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

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
