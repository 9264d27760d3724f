"""The columns of the register's exchange files: one shared contract.

Imports read these columns and exports write them, so that an exported file
re-imports as updates. Each sheet (`organisations`, `contacts`, `services`,
`relations`, `4w`) is an ordered tuple of `Column`:

- `key`: the stable field code, the template's header row and the JSON key;
- `labels`: human header names per language, all recognised on import
  (accent-, case- and space-insensitive), with the older names in `aliases`;
- `hxl`: the HXL hashtag with attributes (https://hxlstandard.org), also
  recognised on import and written by the HXL export;
- `kind`: how a cell is read and written (see `Kind`);
- `vocabulary`: the taxonomy model for `code`/`codes`; `choices`: the model's
  TextChoices for `choice`;
- `help`: the instruction shown on the template's instructions sheet.

A column that is one model field (`_field`) takes everything but its hashtag
from the field, and its help when it has none of its own: the labels are the
field's translated verbose name, so that renaming a field renames its column in
every language. Columns that are no single field (the ids, the 4W sheet's
organisation, activity and places) declare their labels, kind and help.

Data only: no I/O here.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from register.models import Contact, Organisation, Relation, Service
from taxonomy.models import ActorType
from territory.models import Commune


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    CODE = "code"  # one vocabulary term, by code or name in any language
    CODES = "codes"  # several terms separated by ";"
    CHOICE = "choice"  # one of the model's TextChoices, by value or label
    LANGUAGES = "languages"  # language codes separated by ";" (fr;nl;uk)
    COMMUNE = "commune"  # NIS code, postal code or name
    COMMUNES = "communes"  # several, separated by ";"
    ORGANISATION = "organisation"  # platform id, enterprise number, external id, name
    ORGANISATIONS = "organisations"  # several, separated by ";"
    EMAIL = "email"
    URL = "url"
    ID = "id"  # the platform id of the row's own object


SEPARATOR = ";"
SHEETS = ("organisations", "contacts", "services", "relations", "4w")
# The languages of the header names recognised on import.
LABEL_LANGUAGES = ("fr", "nl", "de", "en")


@dataclass(frozen=True)
class Column:
    key: str
    # The labels of a column that is no single model field; empty for one that
    # is, whose labels are its field's verbose name.
    declared_labels: Mapping[str, str]
    hxl: str
    kind: Kind = Kind.TEXT
    required: bool = False
    vocabulary: type[models.Model] | None = None
    choices: type[models.TextChoices] | None = None
    help: str | Promise = field(default="", compare=False)
    model_field: Any = field(default=None, compare=False, repr=False)
    # Header names of earlier versions of the template, still recognised.
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def labels(self) -> dict[str, str]:
        """The column's header name in each of `LABEL_LANGUAGES`."""
        if self.declared_labels or self.model_field is None:
            return dict(self.declared_labels)
        labels = {}
        for language in LABEL_LANGUAGES:
            with override(language):
                labels[language] = str(self.model_field.verbose_name)
        return labels

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header name the import recognises: the labels, then the aliases."""
        return (*self.labels.values(), *self.aliases)

    @property
    def is_multiple(self) -> bool:
        return self.kind in (
            Kind.CODES,
            Kind.COMMUNES,
            Kind.LANGUAGES,
            Kind.ORGANISATIONS,
        )


def _l(fr: str, nl: str, de: str, en: str) -> dict[str, str]:
    return {"fr": fr, "nl": nl, "de": de, "en": en}


# The simple field types, most specific first: an EmailField is a CharField, and
# a DateTimeField a DateField that no column reads.
_KINDS: tuple[tuple[type[models.Field[Any, Any]], Kind | None], ...] = (
    (models.EmailField, Kind.EMAIL),
    (models.URLField, Kind.URL),
    (models.DateTimeField, None),
    (models.DateField, Kind.DATE),
    (models.BooleanField, Kind.BOOLEAN),
    (models.IntegerField, Kind.INTEGER),
    (models.CharField, Kind.TEXT),
    (models.TextField, Kind.TEXT),
)


def _kind(model_field: Any) -> tuple[Kind, type[models.Model] | None]:
    """How a field's cells are read and written, and its vocabulary if any."""
    if model_field.is_relation:
        many = model_field.many_to_many
        related = model_field.related_model
        if related is Organisation:
            return (Kind.ORGANISATIONS if many else Kind.ORGANISATION), None
        if related is Commune:
            return (Kind.COMMUNES if many else Kind.COMMUNE), None
        if related._meta.app_label == "taxonomy":
            return (Kind.CODES if many else Kind.CODE), related
    elif model_field.choices:
        return Kind.CHOICE, None
    # The register keeps lists of language codes in JSON fields named so.
    elif isinstance(model_field, models.JSONField) and model_field.name == "languages":
        return Kind.LANGUAGES, None
    else:
        kind = next((k for t, k in _KINDS if isinstance(model_field, t)), None)
        if kind is not None:
            return kind, None
    raise TypeError(f"No column kind for {model_field!r}: declare the column.")


def _choices(
    model: type[models.Model], model_field: Any
) -> type[models.TextChoices] | None:
    """The model's TextChoices class whose values the field's choices are."""
    if not model_field.choices:
        return None
    values = [value for value, _label in model_field.flatchoices]
    for candidate in vars(model).values():
        if (
            isinstance(candidate, type)
            and issubclass(candidate, models.TextChoices)
            and list(candidate.values) == values
        ):
            return candidate
    raise TypeError(f"No TextChoices on {model.__name__} for {model_field!r}.")


def _field(
    model: type[models.Model],
    name: str,
    hxl: str,
    *,
    help: str | Promise = "",
    aliases: tuple[str, ...] = (),
    labels: Mapping[str, str] | None = None,
) -> Column:
    """The column of a model field: its kind, vocabulary or choices, whether it
    is required (neither blank nor with a default to fill an empty cell), its
    help text unless `help` is given, and its translated verbose name as labels
    unless `labels` are."""
    model_field: Any = model._meta.get_field(name)
    kind, vocabulary = _kind(model_field)
    return Column(
        name,
        labels or {},
        hxl,
        kind,
        required=not model_field.blank and not model_field.has_default(),
        vocabulary=vocabulary,
        choices=_choices(model, model_field),
        help=help or model_field.help_text,
        model_field=model_field,
        aliases=aliases,
    )


_ORG_REF_HELP = _(
    "L'organisation : son identifiant sur la plateforme, son numéro d'entreprise, "
    "son identifiant externe ou son nom exact."
)
_COMMUNES_HELP = _(
    "Codes INS, codes postaux ou noms de communes, séparés par des points-virgules."
)
_LANGUAGES_HELP = _("Codes de langue séparés par des points-virgules, ex. fr;nl;uk.")
_BOOL_HELP = _("oui ou non.")
_DATE_HELP = _("Date au format AAAA-MM-JJ (ou JJ/MM/AAAA).")
_ID_HELP = _(
    "Identifiant sur la plateforme : laissez vide pour créer, gardez-le pour "
    "mettre à jour une ligne exportée."
)

ORGANISATIONS: tuple[Column, ...] = (
    Column("id", _l("id", "id", "ID", "id"), "#org+id", Kind.ID, help=_ID_HELP),
    _field(Organisation, "name", "#org+name", help=_("Nom usuel de l'organisation.")),
    _field(
        Organisation,
        "name_fr",
        "#org+name+i_fr",
        help=_("Nom officiel en français, s'il existe."),
    ),
    _field(
        Organisation,
        "name_nl",
        "#org+name+i_nl",
        help=_("Nom officiel en néerlandais, s'il existe."),
    ),
    _field(
        Organisation,
        "name_de",
        "#org+name+i_de",
        help=_("Nom officiel en allemand, s'il existe."),
    ),
    _field(
        Organisation,
        "acronym",
        "#org+acronym",
        help=_("Sigle ou acronyme."),
        aliases=("Abkürzung",),
    ),
    _field(
        Organisation,
        "enterprise_number",
        "#org+code+bce",
        help=_("Numéro BCE à dix chiffres, par exemple 0123.456.749."),
        aliases=(
            "numéro d'entreprise",
            "ondernemingsnummer",
            "Unternehmensnummer",
            "enterprise number",
        ),
    ),
    _field(
        Organisation,
        "external_id",
        "#org+code+external",
        help=_("Identifiant stable venu d'un autre système."),
        aliases=("externe identificatie", "external id"),
    ),
    _field(
        Organisation,
        "level",
        "#org+type+level",
        help=_(
            "Code ou nom du niveau institutionnel (liste dans l'onglet « listes »)."
        ),
    ),
    _field(
        Organisation,
        "sector",
        "#org+type+sector",
        help=_("Code ou nom du secteur : public, associatif, privé…"),
    ),
    _field(
        Organisation,
        "actor_type",
        "#org+type",
        help=_("Code ou nom du type d'acteur."),
        aliases=("type actor",),
    ),
    _field(
        Organisation,
        "parent",
        "#org+parent",
        help=_ORG_REF_HELP,
        aliases=("moederorganisatie", "Mutterorganisation"),
    ),
    _field(Organisation, "street", "#loc+address", help=_("Rue et numéro.")),
    _field(
        Organisation,
        "postal_code",
        "#loc+postcode",
        help=_("Code postal belge à quatre chiffres."),
        aliases=("postal code",),
    ),
    _field(
        Organisation,
        "commune",
        "#adm3+code",
        help=_("Code INS, code postal ou nom de la commune du siège."),
    ),
    _field(
        Organisation,
        "website",
        "#contact+url",
        help=_("Adresse complète, commençant par https://."),
        aliases=("Webseite",),
    ),
    _field(Organisation, "email", "#contact+email", help=_("Adresse e-mail générale.")),
    _field(
        Organisation, "phone", "#contact+phone", help=_("Numéro de téléphone général.")
    ),
    _field(
        Organisation,
        "languages",
        "#meta+languages",
        help=_LANGUAGES_HELP,
        aliases=("langues", "talen", "Sprachen", "languages"),
    ),
    _field(Organisation, "area_communes", "#adm3+code+area", help=_COMMUNES_HELP),
    _field(
        Organisation,
        "description",
        "#description",
        help=_("Présentation de l'organisation."),
    ),
    _field(Organisation, "status", "#status", help=_("active ou archived (archivée).")),
    _field(Organisation, "published", "#meta+published", help=_BOOL_HELP),
)

CONTACTS: tuple[Column, ...] = (
    Column("id", _l("id", "id", "ID", "id"), "#contact+id", Kind.ID, help=_ID_HELP),
    _field(Contact, "organisation", "#org", help=_ORG_REF_HELP),
    _field(Contact, "name", "#contact+name", help=_("Prénom et nom de la personne.")),
    _field(
        Contact,
        "function",
        "#contact+role",
        help=_("Fonction dans l'organisation."),
        aliases=("function",),
    ),
    _field(Contact, "email", "#contact+email", help=_("Adresse e-mail.")),
    _field(Contact, "phone", "#contact+phone", help=_("Numéro de téléphone.")),
    _field(
        Contact,
        "is_focal_point",
        "#contact+focal",
        help=_BOOL_HELP,
        aliases=("focal point", "Ansprechperson"),
    ),
    _field(Contact, "languages", "#meta+languages", help=_LANGUAGES_HELP),
    _field(
        Contact,
        "legal_basis",
        "#meta+legal_basis",
        help=_("consent, public_task ou legitimate_interest."),
    ),
    _field(
        Contact,
        "consent_date",
        "#date+consent",
        help=_DATE_HELP,
        aliases=(
            "date du consentement",
            "datum toestemming",
            "Datum der Einwilligung",
            "consent date",
        ),
    ),
    _field(
        Contact,
        "shared",
        "#meta+shared",
        help=_("oui si les autres organisations peuvent voir ce contact."),
        aliases=("partagé", "gedeeld", "geteilt", "shared"),
    ),
    _field(
        Contact,
        "last_verified",
        "#date+verified",
        help=_DATE_HELP,
        aliases=("last verified",),
    ),
)

SERVICES: tuple[Column, ...] = (
    Column("id", _l("id", "id", "ID", "id"), "#activity+id", Kind.ID, help=_ID_HELP),
    _field(Service, "organisation", "#org", help=_ORG_REF_HELP),
    _field(
        Service,
        "title",
        "#activity+name",
        help=_("Intitulé du service."),
        aliases=("Titel",),
    ),
    _field(
        Service,
        "description",
        "#activity+description",
        help=_("Description du service."),
    ),
    _field(Service, "theme", "#sector", help=_("Code ou nom du thème principal.")),
    _field(
        Service,
        "subtheme",
        "#subsector",
        help=_("Code ou nom d'un sous-thème du thème."),
    ),
    _field(
        Service,
        "target_groups",
        "#targeted+type",
        help=_("Codes ou noms de publics cibles, séparés par des points-virgules."),
    ),
    _field(
        Service,
        "eligibility",
        "#access+eligibility",
        aliases=("Zugangsvoraussetzungen", "eligibility"),
    ),
    _field(
        Service,
        "communes",
        "#adm3+code+list",
        help=_COMMUNES_HELP,
        aliases=("versorgte Gemeinden", "communes served"),
    ),
    _field(
        Service,
        "delivery_mode",
        "#activity+modality",
        help=_("on_site, remote, mobile ou mixed."),
        aliases=("modaliteit", "Modalität"),
    ),
    _field(Service, "languages", "#meta+languages", help=_LANGUAGES_HELP),
    _field(Service, "capacity", "#capacity", help=_("Nombre entier.")),
    _field(Service, "capacity_unit", "#capacity+unit", aliases=("eenheid capaciteit",)),
    _field(
        Service,
        "cost",
        "#access+cost",
        help=_("free, contribution ou paid."),
        aliases=("kosten",),
    ),
    _field(
        Service, "access", "#access+type", help=_("walk_in, appointment ou referral.")
    ),
    _field(
        Service,
        "referral_how",
        "#access+referral",
        help=_("Comment orienter une personne vers ce service."),
        aliases=("wie überweisen",),
    ),
    _field(
        Service,
        "opening_hours",
        "#access+hours",
        help=_("Jours et heures d'ouverture."),
    ),
    _field(
        Service, "start_date", "#date+start", help=_DATE_HELP, aliases=("start date",)
    ),
    _field(Service, "end_date", "#date+end", help=_DATE_HELP, aliases=("end date",)),
    _field(
        Service, "status", "#status", help=_("planned, ongoing, suspended ou ended.")
    ),
    _field(
        Service,
        "funders",
        "#org+funder",
        help=_("Organisations qui financent, séparées par des points-virgules."),
    ),
    _field(Service, "published", "#meta+published", help=_BOOL_HELP),
)

RELATIONS: tuple[Column, ...] = (
    Column("id", _l("id", "id", "ID", "id"), "#meta+id", Kind.ID, help=_ID_HELP),
    _field(Relation, "source", "#org+source", help=_ORG_REF_HELP),
    _field(
        Relation,
        "target",
        "#org+target",
        help=_ORG_REF_HELP,
        aliases=("gekoppelde organisatie",),
    ),
    _field(
        Relation,
        "type",
        "#meta+relation",
        help=_(
            "Code ou nom du type de relation : "
            "l'organisation <type> l'organisation liée."
        ),
    ),
    _field(
        Relation,
        "themes",
        "#sector+list",
        help=_("Codes ou noms de thèmes, séparés par des points-virgules."),
    ),
    _field(
        Relation,
        "frequency",
        "#meta+frequency",
        help=_("daily, weekly, monthly, quarterly, yearly ou ad_hoc."),
    ),
    _field(Relation, "formal", "#meta+formal", help=_BOOL_HELP, aliases=("formal",)),
    _field(Relation, "since", "#date+start", help=_DATE_HELP),
    _field(
        Relation,
        "declared_by",
        "#org+reported",
        help=_ORG_REF_HELP,
        aliases=("aangegeven door", "declared by"),
    ),
    # The field's verbose name, "source", is this sheet's key of the source
    # organisation: the column keeps a header of its own.
    _field(
        Relation,
        "source_note",
        "#meta+source",
        help=_("Par exemple : enquête de mars 2026."),
        labels=_l(
            "source de l'information",
            "informatiebron",
            "Informationsquelle",
            "information source",
        ),
    ),
    _field(Relation, "note", "#description", help=_("Remarque libre.")),
)

# One row per organisation × activity × commune, as humanitarian partners report.
# The organisation and the places are named, not linked: declared columns.
FOUR_W: tuple[Column, ...] = (
    Column(
        "organisation_name",
        _l("organisation", "organisatie", "Organisation", "organisation"),
        "#org+name",
        required=True,
        help=_("Nom de l'organisation ; créée si elle est inconnue."),
    ),
    Column(
        "enterprise_number",
        _l(
            "numéro d'entreprise",
            "ondernemingsnummer",
            "Unternehmensnummer",
            "enterprise number",
        ),
        "#org+code",
        help=_("Numéro BCE, s'il existe : il identifie l'organisation."),
    ),
    Column(
        "actor_type",
        _l("type d'acteur", "type actor", "Akteurstyp", "actor type"),
        "#org+type",
        Kind.CODE,
        vocabulary=ActorType,
        help=_(
            "Code ou nom du type d'acteur ; sans lui, une nouvelle organisation "
            "est à compléter."
        ),
    ),
    _field(
        Service,
        "theme",
        "#sector",
        help=_("Code ou nom du thème."),
        # What humanitarian 4W sheets call it (no organisation sector here).
        aliases=("secteur", "sector", "sektor", "cluster"),
    ),
    _field(Service, "subtheme", "#subsector", help=_("Code ou nom du sous-thème.")),
    Column(
        "activity_title",
        _l("activité", "activiteit", "Aktivität", "activity"),
        "#activity+name",
        help=_(
            "Intitulé de l'activité ou du service ; sans lui, le nom du thème "
            "(ou du sous-thème)."
        ),
    ),
    _field(
        Service,
        "description",
        "#activity+description",
        help=_("Description de l'activité."),
    ),
    Column(
        "province_code",
        _l("code province", "code provincie", "Provinzcode", "province code"),
        "#adm1+code",
        help=_("Code INS de la province (contrôle de cohérence)."),
    ),
    Column(
        "arrondissement_code",
        _l(
            "code arrondissement", "code arrondissement", "Bezirkscode", "district code"
        ),
        "#adm2+code",
        help=_("Code INS de l'arrondissement (contrôle de cohérence)."),
    ),
    Column(
        "commune_code",
        _l("code commune", "code gemeente", "Gemeindecode", "municipality code"),
        "#adm3+code",
        Kind.COMMUNE,
        help=_("Code INS ou code postal de la commune."),
    ),
    Column(
        "commune_name",
        _l(
            "nom de la commune",
            "naam gemeente",
            "Name der Gemeinde",
            "municipality name",
        ),
        "#adm3+name",
        Kind.COMMUNE,
        help=_("Nom de la commune, si le code manque."),
    ),
    _field(
        Service,
        "target_groups",
        "#targeted+type",
        help=_("Codes ou noms de publics cibles, séparés par des points-virgules."),
    ),
    _field(
        Service, "status", "#status", help=_("planned, ongoing, suspended ou ended.")
    ),
    _field(
        Service, "start_date", "#date+start", help=_DATE_HELP, aliases=("start date",)
    ),
    _field(Service, "end_date", "#date+end", help=_DATE_HELP, aliases=("end date",)),
    _field(
        Service,
        "delivery_mode",
        "#activity+modality",
        help=_("on_site, remote, mobile ou mixed."),
        aliases=("modaliteit", "Modalität"),
    ),
    _field(Service, "languages", "#meta+languages", help=_LANGUAGES_HELP),
    _field(Service, "capacity", "#capacity", help=_("Nombre entier.")),
    Column(
        "contact_email",
        _l("e-mail de contact", "contact e-mail", "Kontakt-E-Mail", "contact email"),
        "#contact+email",
        Kind.EMAIL,
        help=_("Adresse e-mail de contact pour l'activité."),
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "organisations": ORGANISATIONS,
    "contacts": CONTACTS,
    "services": SERVICES,
    "relations": RELATIONS,
    "4w": FOUR_W,
}


def columns_for(sheet: str) -> tuple[Column, ...]:
    """The ordered columns of a sheet; KeyError for an unknown sheet name."""
    return COLUMNS[sheet]


def column_keys(sheet: str) -> tuple[str, ...]:
    return tuple(column.key for column in COLUMNS[sheet])


def hxl_row(sheet: str) -> tuple[str, ...]:
    return tuple(column.hxl for column in COLUMNS[sheet])
