"""The columns of the register's exchange files: one shared contract.

Imports read these columns and exports write them, so that an exported file
re-imports as updates. Each sheet (`organisations`, `contacts`, `services`,
`relations`, `4w`) is an ordered tuple of `Column`:

- `key`: the stable field code, the template's header row and the JSON key;
- `labels`: human header names per language, all recognised on import
  (accent-, case- and space-insensitive);
- `hxl`: the HXL hashtag with attributes (https://hxlstandard.org), also
  recognised on import and written by the HXL export;
- `kind`: how a cell is read and written (see `Kind`);
- `vocabulary`: the taxonomy model for `code`/`codes`; `choices`: the model's
  TextChoices for `choice`;
- `help`: the instruction shown on the template's instructions sheet.

Data only: no I/O here.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from register.models import Contact, Organisation, Relation, Service
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)


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


@dataclass(frozen=True)
class Column:
    key: str
    labels: dict[str, str]
    hxl: str
    kind: Kind = Kind.TEXT
    required: bool = False
    vocabulary: type[models.Model] | None = None
    choices: type[models.TextChoices] | None = None
    help: str | Promise = field(default="", compare=False)

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
    Column(
        "name",
        _l("nom", "naam", "Name", "name"),
        "#org+name",
        required=True,
        help=_("Nom usuel de l'organisation."),
    ),
    Column(
        "name_fr",
        _l(
            "nom officiel français",
            "officiële naam Frans",
            "amtlicher Name französisch",
            "official name French",
        ),
        "#org+name+i_fr",
        help=_("Nom officiel en français, s'il existe."),
    ),
    Column(
        "name_nl",
        _l(
            "nom officiel néerlandais",
            "officiële naam Nederlands",
            "amtlicher Name niederländisch",
            "official name Dutch",
        ),
        "#org+name+i_nl",
        help=_("Nom officiel en néerlandais, s'il existe."),
    ),
    Column(
        "name_de",
        _l(
            "nom officiel allemand",
            "officiële naam Duits",
            "amtlicher Name deutsch",
            "official name German",
        ),
        "#org+name+i_de",
        help=_("Nom officiel en allemand, s'il existe."),
    ),
    Column(
        "acronym",
        _l("sigle", "afkorting", "Abkürzung", "acronym"),
        "#org+acronym",
        help=_("Sigle ou acronyme."),
    ),
    Column(
        "enterprise_number",
        _l(
            "numéro d'entreprise",
            "ondernemingsnummer",
            "Unternehmensnummer",
            "enterprise number",
        ),
        "#org+code+bce",
        help=_("Numéro BCE à dix chiffres, par exemple 0123.456.749."),
    ),
    Column(
        "external_id",
        _l(
            "identifiant externe",
            "externe identificatie",
            "externe Kennung",
            "external id",
        ),
        "#org+code+external",
        help=_("Identifiant stable venu d'un autre système."),
    ),
    Column(
        "level",
        _l(
            "niveau institutionnel",
            "institutioneel niveau",
            "institutionelle Ebene",
            "institutional level",
        ),
        "#org+type+level",
        Kind.CODE,
        required=True,
        vocabulary=InstitutionalLevel,
        help=_(
            "Code ou nom du niveau institutionnel (liste dans l'onglet « listes »)."
        ),
    ),
    Column(
        "sector",
        _l("secteur", "sector", "Sektor", "sector"),
        "#org+type+sector",
        Kind.CODE,
        required=True,
        vocabulary=Sector,
        help=_("Code ou nom du secteur : public, associatif, privé…"),
    ),
    Column(
        "actor_type",
        _l("type d'acteur", "type actor", "Akteurstyp", "actor type"),
        "#org+type",
        Kind.CODE,
        required=True,
        vocabulary=ActorType,
        help=_("Code ou nom du type d'acteur."),
    ),
    Column(
        "parent",
        _l(
            "organisation parente",
            "moederorganisatie",
            "Mutterorganisation",
            "parent organisation",
        ),
        "#org+parent",
        Kind.ORGANISATION,
        help=_ORG_REF_HELP,
    ),
    Column(
        "street",
        _l("adresse", "adres", "Adresse", "address"),
        "#loc+address",
        help=_("Rue et numéro."),
    ),
    Column(
        "postal_code",
        _l("code postal", "postcode", "Postleitzahl", "postal code"),
        "#loc+postcode",
        help=_("Code postal belge à quatre chiffres."),
    ),
    Column(
        "commune",
        _l("commune", "gemeente", "Gemeinde", "municipality"),
        "#adm3+code",
        Kind.COMMUNE,
        help=_("Code INS, code postal ou nom de la commune du siège."),
    ),
    Column(
        "website",
        _l("site web", "website", "Webseite", "website"),
        "#contact+url",
        Kind.URL,
        help=_("Adresse complète, commençant par https://."),
    ),
    Column(
        "email",
        _l("e-mail", "e-mail", "E-Mail", "email"),
        "#contact+email",
        Kind.EMAIL,
        help=_("Adresse e-mail générale."),
    ),
    Column(
        "phone",
        _l("téléphone", "telefoon", "Telefon", "phone"),
        "#contact+phone",
        help=_("Numéro de téléphone général."),
    ),
    Column(
        "languages",
        _l("langues", "talen", "Sprachen", "languages"),
        "#meta+languages",
        Kind.LANGUAGES,
        help=_LANGUAGES_HELP,
    ),
    Column(
        "area_communes",
        _l("zone d'action", "werkingsgebied", "Tätigkeitsgebiet", "area of operation"),
        "#adm3+code+area",
        Kind.COMMUNES,
        help=_COMMUNES_HELP,
    ),
    Column(
        "description",
        _l("description", "beschrijving", "Beschreibung", "description"),
        "#description",
        help=_("Présentation de l'organisation."),
    ),
    Column(
        "status",
        _l("statut", "status", "Status", "status"),
        "#status",
        Kind.CHOICE,
        choices=Organisation.Status,
        help=_("active ou archived (archivée)."),
    ),
    Column(
        "published",
        _l("publiée", "gepubliceerd", "veröffentlicht", "published"),
        "#meta+published",
        Kind.BOOLEAN,
        help=_BOOL_HELP,
    ),
)

CONTACTS: tuple[Column, ...] = (
    Column("id", _l("id", "id", "ID", "id"), "#contact+id", Kind.ID, help=_ID_HELP),
    Column(
        "organisation",
        _l("organisation", "organisatie", "Organisation", "organisation"),
        "#org",
        Kind.ORGANISATION,
        required=True,
        help=_ORG_REF_HELP,
    ),
    Column(
        "name",
        _l("nom", "naam", "Name", "name"),
        "#contact+name",
        required=True,
        help=_("Prénom et nom de la personne."),
    ),
    Column(
        "function",
        _l("fonction", "functie", "Funktion", "function"),
        "#contact+role",
        help=_("Fonction dans l'organisation."),
    ),
    Column(
        "email",
        _l("e-mail", "e-mail", "E-Mail", "email"),
        "#contact+email",
        Kind.EMAIL,
        help=_("Adresse e-mail."),
    ),
    Column(
        "phone",
        _l("téléphone", "telefoon", "Telefon", "phone"),
        "#contact+phone",
        help=_("Numéro de téléphone."),
    ),
    Column(
        "is_focal_point",
        _l("point focal", "focal point", "Ansprechperson", "focal point"),
        "#contact+focal",
        Kind.BOOLEAN,
        help=_BOOL_HELP,
    ),
    Column(
        "languages",
        _l("langues", "talen", "Sprachen", "languages"),
        "#meta+languages",
        Kind.LANGUAGES,
        help=_LANGUAGES_HELP,
    ),
    Column(
        "legal_basis",
        _l("base légale", "rechtsgrond", "Rechtsgrundlage", "legal basis"),
        "#meta+legal_basis",
        Kind.CHOICE,
        required=True,
        choices=Contact.LegalBasis,
        help=_("consent, public_task ou legitimate_interest."),
    ),
    Column(
        "consent_date",
        _l(
            "date du consentement",
            "datum toestemming",
            "Datum der Einwilligung",
            "consent date",
        ),
        "#date+consent",
        Kind.DATE,
        help=_DATE_HELP,
    ),
    Column(
        "shared",
        _l("partagé", "gedeeld", "geteilt", "shared"),
        "#meta+shared",
        Kind.BOOLEAN,
        help=_("oui si les autres organisations peuvent voir ce contact."),
    ),
    Column(
        "last_verified",
        _l("vérifié le", "gecontroleerd op", "überprüft am", "last verified"),
        "#date+verified",
        Kind.DATE,
        help=_DATE_HELP,
    ),
)

SERVICES: tuple[Column, ...] = (
    Column("id", _l("id", "id", "ID", "id"), "#activity+id", Kind.ID, help=_ID_HELP),
    Column(
        "organisation",
        _l("organisation", "organisatie", "Organisation", "organisation"),
        "#org",
        Kind.ORGANISATION,
        required=True,
        help=_ORG_REF_HELP,
    ),
    Column(
        "title",
        _l("intitulé", "titel", "Titel", "title"),
        "#activity+name",
        required=True,
        help=_("Intitulé du service."),
    ),
    Column(
        "description",
        _l("description", "beschrijving", "Beschreibung", "description"),
        "#activity+description",
        help=_("Description du service."),
    ),
    Column(
        "theme",
        _l("thème", "thema", "Thema", "theme"),
        "#sector",
        Kind.CODE,
        required=True,
        vocabulary=Theme,
        help=_("Code ou nom du thème principal."),
    ),
    Column(
        "subtheme",
        _l("sous-thème", "subthema", "Unterthema", "sub-theme"),
        "#subsector",
        Kind.CODE,
        vocabulary=Theme,
        help=_("Code ou nom d'un sous-thème du thème."),
    ),
    Column(
        "target_groups",
        _l("publics cibles", "doelgroepen", "Zielgruppen", "target groups"),
        "#targeted+type",
        Kind.CODES,
        vocabulary=TargetGroup,
        help=_("Codes ou noms de publics cibles, séparés par des points-virgules."),
    ),
    Column(
        "eligibility",
        _l(
            "conditions d'accès",
            "toegangsvoorwaarden",
            "Zugangsvoraussetzungen",
            "eligibility",
        ),
        "#access+eligibility",
        help=_("Par exemple : attestation de protection temporaire requise."),
    ),
    Column(
        "communes",
        _l(
            "communes desservies",
            "bediende gemeenten",
            "versorgte Gemeinden",
            "communes served",
        ),
        "#adm3+code+list",
        Kind.COMMUNES,
        help=_COMMUNES_HELP,
    ),
    Column(
        "delivery_mode",
        _l("modalité", "modaliteit", "Modalität", "delivery mode"),
        "#activity+modality",
        Kind.CHOICE,
        choices=Service.DeliveryMode,
        help=_("on_site, remote, mobile ou mixed."),
    ),
    Column(
        "languages",
        _l("langues", "talen", "Sprachen", "languages"),
        "#meta+languages",
        Kind.LANGUAGES,
        help=_LANGUAGES_HELP,
    ),
    Column(
        "capacity",
        _l("capacité", "capaciteit", "Kapazität", "capacity"),
        "#capacity",
        Kind.INTEGER,
        help=_("Nombre entier."),
    ),
    Column(
        "capacity_unit",
        _l(
            "unité de capacité",
            "eenheid capaciteit",
            "Kapazitätseinheit",
            "capacity unit",
        ),
        "#capacity+unit",
        help=_("Par exemple : places, personnes par mois."),
    ),
    Column(
        "cost",
        _l("coût", "kosten", "Kosten", "cost"),
        "#access+cost",
        Kind.CHOICE,
        choices=Service.Cost,
        help=_("free, contribution ou paid."),
    ),
    Column(
        "access",
        _l("accès", "toegang", "Zugang", "access"),
        "#access+type",
        Kind.CHOICE,
        choices=Service.Access,
        help=_("walk_in, appointment ou referral."),
    ),
    Column(
        "referral_how",
        _l("comment orienter", "hoe doorverwijzen", "wie überweisen", "how to refer"),
        "#access+referral",
        help=_("Comment orienter une personne vers ce service."),
    ),
    Column(
        "opening_hours",
        _l("horaires", "openingsuren", "Öffnungszeiten", "opening hours"),
        "#access+hours",
        help=_("Jours et heures d'ouverture."),
    ),
    Column(
        "start_date",
        _l("début", "begin", "Beginn", "start date"),
        "#date+start",
        Kind.DATE,
        help=_DATE_HELP,
    ),
    Column(
        "end_date",
        _l("fin", "einde", "Ende", "end date"),
        "#date+end",
        Kind.DATE,
        help=_DATE_HELP,
    ),
    Column(
        "status",
        _l("statut", "status", "Status", "status"),
        "#status",
        Kind.CHOICE,
        choices=Service.Status,
        help=_("planned, ongoing, suspended ou ended."),
    ),
    Column(
        "funders",
        _l("bailleurs de fonds", "financiers", "Geldgeber", "funders"),
        "#org+funder",
        Kind.ORGANISATIONS,
        help=_("Organisations qui financent, séparées par des points-virgules."),
    ),
    Column(
        "published",
        _l("publié", "gepubliceerd", "veröffentlicht", "published"),
        "#meta+published",
        Kind.BOOLEAN,
        help=_BOOL_HELP,
    ),
)

RELATIONS: tuple[Column, ...] = (
    Column("id", _l("id", "id", "ID", "id"), "#meta+id", Kind.ID, help=_ID_HELP),
    Column(
        "source",
        _l("organisation", "organisatie", "Organisation", "organisation"),
        "#org+source",
        Kind.ORGANISATION,
        required=True,
        help=_ORG_REF_HELP,
    ),
    Column(
        "target",
        _l(
            "organisation liée",
            "gekoppelde organisatie",
            "verbundene Organisation",
            "related organisation",
        ),
        "#org+target",
        Kind.ORGANISATION,
        required=True,
        help=_ORG_REF_HELP,
    ),
    Column(
        "type",
        _l("type", "type", "Typ", "type"),
        "#meta+relation",
        Kind.CODE,
        required=True,
        vocabulary=RelationType,
        help=_(
            "Code ou nom du type de relation : "
            "l'organisation <type> l'organisation liée."
        ),
    ),
    Column(
        "themes",
        _l("thèmes", "thema's", "Themen", "themes"),
        "#sector+list",
        Kind.CODES,
        vocabulary=Theme,
        help=_("Codes ou noms de thèmes, séparés par des points-virgules."),
    ),
    Column(
        "frequency",
        _l("fréquence", "frequentie", "Häufigkeit", "frequency"),
        "#meta+frequency",
        Kind.CHOICE,
        choices=Relation.Frequency,
        help=_("daily, weekly, monthly, quarterly, yearly ou ad_hoc."),
    ),
    Column(
        "formal",
        _l("formalisée", "geformaliseerd", "formalisiert", "formal"),
        "#meta+formal",
        Kind.BOOLEAN,
        help=_BOOL_HELP,
    ),
    Column(
        "since",
        _l("depuis", "sinds", "seit", "since"),
        "#date+start",
        Kind.DATE,
        help=_DATE_HELP,
    ),
    Column(
        "declared_by",
        _l("déclarée par", "aangegeven door", "gemeldet von", "declared by"),
        "#org+reported",
        Kind.ORGANISATION,
        help=_ORG_REF_HELP,
    ),
    Column(
        "source_note",
        _l(
            "source de l'information",
            "informatiebron",
            "Informationsquelle",
            "information source",
        ),
        "#meta+source",
        help=_("Par exemple : enquête de mars 2026."),
    ),
    Column(
        "note",
        _l("remarque", "opmerking", "Bemerkung", "note"),
        "#description",
        help=_("Remarque libre."),
    ),
)

# One row per organisation × activity × commune, as humanitarian partners report.
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
        help=_("Code ou nom du type d'acteur (requis pour une nouvelle organisation)."),
    ),
    Column(
        "theme",
        _l("thème", "thema", "Thema", "theme"),
        "#sector",
        Kind.CODE,
        required=True,
        vocabulary=Theme,
        help=_("Code ou nom du thème."),
    ),
    Column(
        "subtheme",
        _l("sous-thème", "subthema", "Unterthema", "sub-theme"),
        "#subsector",
        Kind.CODE,
        vocabulary=Theme,
        help=_("Code ou nom du sous-thème."),
    ),
    Column(
        "activity_title",
        _l("activité", "activiteit", "Aktivität", "activity"),
        "#activity+name",
        required=True,
        help=_("Intitulé de l'activité ou du service."),
    ),
    Column(
        "description",
        _l("description", "beschrijving", "Beschreibung", "description"),
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
    Column(
        "target_groups",
        _l("publics cibles", "doelgroepen", "Zielgruppen", "target groups"),
        "#targeted+type",
        Kind.CODES,
        vocabulary=TargetGroup,
        help=_("Codes ou noms de publics cibles, séparés par des points-virgules."),
    ),
    Column(
        "status",
        _l("statut", "status", "Status", "status"),
        "#status",
        Kind.CHOICE,
        choices=Service.Status,
        help=_("planned, ongoing, suspended ou ended."),
    ),
    Column(
        "start_date",
        _l("début", "begin", "Beginn", "start date"),
        "#date+start",
        Kind.DATE,
        help=_DATE_HELP,
    ),
    Column(
        "end_date",
        _l("fin", "einde", "Ende", "end date"),
        "#date+end",
        Kind.DATE,
        help=_DATE_HELP,
    ),
    Column(
        "delivery_mode",
        _l("modalité", "modaliteit", "Modalität", "delivery mode"),
        "#activity+modality",
        Kind.CHOICE,
        choices=Service.DeliveryMode,
        help=_("on_site, remote, mobile ou mixed."),
    ),
    Column(
        "languages",
        _l("langues", "talen", "Sprachen", "languages"),
        "#meta+languages",
        Kind.LANGUAGES,
        help=_LANGUAGES_HELP,
    ),
    Column(
        "capacity",
        _l("capacité", "capaciteit", "Kapazität", "capacity"),
        "#capacity",
        Kind.INTEGER,
        help=_("Nombre entier."),
    ),
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
