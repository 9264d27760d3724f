# ruff: noqa: E501 - tables of labels in five languages, one row each
"""The consultations' part of the demo (all fictitious): a questionnaire on the
coordination mechanism, in French, Dutch, German, English and Ukrainian,
written as XLSForm rows; a design round open for three weeks more, put to
the organisations of the scoping meeting and a few others, with some
answers sent, one started, and a public link. Invitations are recorded, not
sent (the demo sends no e-mail).

The demo's focal point (CPAS de Liège) has not answered yet: « Consultations »
in their menu leads to the questionnaire."""

import datetime
from typing import Any

from django.utils import timezone

from consultations import services
from consultations.engine import evaluation_run, spec_for
from consultations.models import Invitation, Questionnaire, Response, Round
from consultations.xlsform import form_check

TITLE = "Conception du mécanisme de coordination — enquête auprès des acteurs"
KEY = "conception-mecanisme"
INVITED = (
    "spw-ias", "oim", "fedasil", "cpas-liege", "cpas-namur", "croix-rouge",
    "forem",
)  # fmt: skip
LANGUAGES = {
    "fr": "Français (fr)",
    "nl": "Nederlands (nl)",
    "de": "Deutsch (de)",
    "en": "English (en)",
    "uk": "Українська (uk)",
}
# Each row: type, name, labels (fr, nl, de, en, uk), then other columns.
ROWS: list[tuple[str, str, tuple[str, ...], dict[str, str]]] = [
    ("begin_group", "profil", (
        "Votre organisation", "Uw organisatie", "Ihre Organisation",
        "Your organisation", "Ваша організація"), {}),
    ("select_one niveau", "niveau", (
        "À quel niveau votre organisation agit-elle surtout ?",
        "Op welk niveau werkt uw organisatie vooral?",
        "Auf welcher Ebene ist Ihre Organisation vor allem tätig?",
        "At which level does your organisation mostly work?",
        "На якому рівні переважно працює ваша організація?"),
        {"required": "yes"}),
    ("maillage-commune", "commune", (
        "Commune de votre siège", "Gemeente van uw zetel",
        "Gemeinde Ihres Sitzes", "Municipality of your head office",
        "Громада вашого головного офісу"), {}),
    ("select_multiple langues", "langues", (
        "Dans quelles langues votre équipe accueille-t-elle les personnes ?",
        "In welke talen onthaalt uw team de mensen?",
        "In welchen Sprachen empfängt Ihr Team die Menschen?",
        "In which languages does your team welcome people?",
        "Якими мовами ваша команда приймає людей?"), {}),
    ("maillage-organisation", "partenaire", (
        "Avec quelle organisation travaillez-vous le plus pour l'accueil ?",
        "Met welke organisatie werkt u het meest samen voor het onthaal?",
        "Mit welcher Organisation arbeiten Sie beim Empfang am meisten zusammen?",
        "Which organisation do you work with most on reception?",
        "З якою організацією ви найбільше співпрацюєте щодо прийому?"), {}),
    ("end_group", "", ("", "", "", "", ""), {}),
    ("begin_group", "coordination", (
        "La coordination aujourd'hui", "De coördinatie vandaag",
        "Die Koordinierung heute", "Coordination today", "Координація сьогодні"),
        {}),
    ("select_one satisfaction", "satisfaction", (
        "La coordination actuelle répond-elle à vos besoins ?",
        "Beantwoordt de huidige coördinatie aan uw behoeften?",
        "Entspricht die derzeitige Koordinierung Ihrem Bedarf?",
        "Does the current coordination meet your needs?",
        "Чи відповідає нинішня координація вашим потребам?"),
        {"required": "yes", "appearance": "likert"}),
    ("select_multiple besoins", "besoins", (
        "Sur quels thèmes manque-t-il de coordination ?",
        "Over welke thema's ontbreekt coördinatie?",
        "Bei welchen Themen fehlt Koordinierung?",
        "On which themes is coordination lacking?",
        "З яких тем бракує координації?"), {}),
    ("integer", "reunions", (
        "Combien de réunions de coordination par an vous semblent utiles ?",
        "Hoeveel coördinatievergaderingen per jaar lijken u nuttig?",
        "Wie viele Koordinierungssitzungen pro Jahr halten Sie für sinnvoll?",
        "How many coordination meetings a year seem useful to you?",
        "Скільки координаційних зустрічей на рік ви вважаєте корисними?"),
        {"constraint": ". >= 0 and . <= 52",
         "constraint_message::Français (fr)": "Entre 0 et 52.",
         "constraint_message::Nederlands (nl)": "Tussen 0 en 52.",
         "constraint_message::Deutsch (de)": "Zwischen 0 und 52.",
         "constraint_message::English (en)": "Between 0 and 52.",
         "constraint_message::Українська (uk)": "Від 0 до 52."}),
    ("end_group", "", ("", "", "", "", ""), {}),
    ("begin_group", "mecanisme", (
        "Le mécanisme souhaité", "Het gewenste mechanisme",
        "Der gewünschte Mechanismus", "The mechanism you wish for",
        "Бажаний механізм"), {}),
    ("rank priorites", "priorites", (
        "Classez ces priorités du mécanisme", "Rangschik deze prioriteiten",
        "Ordnen Sie diese Prioritäten", "Rank these priorities",
        "Розташуйте ці пріоритети за важливістю"), {}),
    ("select_one oui_non", "participer", (
        "Votre organisation participerait-elle à un groupe de travail ?",
        "Zou uw organisatie deelnemen aan een werkgroep?",
        "Würde Ihre Organisation an einer Arbeitsgruppe teilnehmen?",
        "Would your organisation take part in a working group?",
        "Чи взяла б ваша організація участь у робочій групі?"),
        {"required": "yes"}),
    ("text", "groupe", (
        "Sur quel sujet ?", "Over welk onderwerp?", "Zu welchem Thema?",
        "On which subject?", "На яку тему?"),
        {"relevant": "${participer} = 'oui'"}),
    ("text", "remarques", (
        "Autres remarques", "Andere opmerkingen", "Weitere Anmerkungen",
        "Other remarks", "Інші зауваження"), {"appearance": "multiline"}),
    ("end_group", "", ("", "", "", "", ""), {}),
]  # fmt: skip
CHOICES: list[tuple[str, str, tuple[str, ...]]] = [
    ("niveau", "local", ("Communal", "Gemeentelijk", "Kommunal", "Municipal", "Громада")),
    ("niveau", "provincial", ("Provincial", "Provinciaal", "Provinzial", "Provincial", "Провінція")),
    ("niveau", "regional", ("Régional", "Gewestelijk", "Regional", "Regional", "Регіон")),
    ("niveau", "federal", ("Fédéral", "Federaal", "Föderal", "Federal", "Федеральний")),
    ("satisfaction", "non", ("Pas du tout", "Helemaal niet", "Gar nicht", "Not at all", "Зовсім ні")),
    ("satisfaction", "peu", ("Peu", "Weinig", "Wenig", "A little", "Мало")),
    ("satisfaction", "assez", ("Assez", "Vrij goed", "Ziemlich", "Fairly", "Досить")),
    ("satisfaction", "tout", ("Tout à fait", "Helemaal", "Völlig", "Fully", "Повністю")),
    ("langues", "fr", ("Français", "Frans", "Französisch", "French", "Французька")),
    ("langues", "nl", ("Néerlandais", "Nederlands", "Niederländisch", "Dutch", "Нідерландська")),
    ("langues", "de", ("Allemand", "Duits", "Deutsch", "German", "Німецька")),
    ("langues", "en", ("Anglais", "Engels", "Englisch", "English", "Англійська")),
    ("langues", "uk", ("Ukrainien", "Oekraïens", "Ukrainisch", "Ukrainian", "Українська")),
    ("langues", "ru", ("Russe", "Russisch", "Russisch", "Russian", "Російська")),
    ("besoins", "logement", ("Logement", "Huisvesting", "Wohnen", "Housing", "Житло")),
    ("besoins", "emploi", ("Emploi", "Werk", "Arbeit", "Employment", "Робота")),
    ("besoins", "sante", ("Santé", "Gezondheid", "Gesundheit", "Health", "Здоров'я")),
    ("besoins", "langue", ("Apprentissage du français", "Frans leren", "Französisch lernen", "Learning French", "Вивчення французької")),
    ("priorites", "information", ("Partager l'information", "Informatie delen", "Informationen teilen", "Sharing information", "Обмін інформацією")),
    ("priorites", "orientation", ("Orienter les personnes", "Mensen doorverwijzen", "Menschen weiterleiten", "Referring people", "Скерування людей")),
    ("priorites", "planification", ("Planifier l'offre", "Het aanbod plannen", "Das Angebot planen", "Planning the offer", "Планування пропозиції")),
    ("oui_non", "oui", ("Oui", "Ja", "Ja", "Yes", "Так")),
    ("oui_non", "non", ("Non", "Nee", "Nein", "No", "Ні")),
]  # fmt: skip
# What the organisations that have answered said (fictitious).
ANSWERS: dict[str, dict[str, Any]] = {
    "spw-ias": {"niveau": "regional", "langues": ["fr", "de", "en"],
                "partenaire": "@oim", "satisfaction": "peu",
                "besoins": ["logement", "emploi"], "reunions": "4",
                "priorites": ["information", "planification", "orientation"],
                "participer": "oui", "groupe": "Données partagées"},
    "oim": {"niveau": "federal", "satisfaction": "assez", "besoins": ["logement"],
            "reunions": "6", "priorites": ["orientation", "information", "planification"],
            "participer": "oui", "groupe": "Orientation des personnes"},
    "fedasil": {"niveau": "federal", "satisfaction": "peu",
                "besoins": ["logement", "sante"], "reunions": "2",
                "priorites": ["planification", "information", "orientation"],
                "participer": "non"},
    "cpas-namur": {"niveau": "local", "commune": "92094", "langues": ["fr", "uk", "ru"],
                   "partenaire": "@croix-rouge", "satisfaction": "non",
                   "besoins": ["logement", "langue"], "reunions": "12",
                   "priorites": ["information", "orientation", "planification"],
                   "participer": "oui", "groupe": "Logement",
                   "remarques": "Besoin d'un interlocuteur provincial unique."},
}  # fmt: skip


def questionnaire_definition() -> dict[str, Any]:
    survey = []
    for kind, name, labels, extra in ROWS:
        row = {"type": kind, "name": name}
        if kind.startswith("maillage-"):
            row["type"] = "text"
            row["appearance"] = kind
        if name and not kind.startswith("end"):
            for code, label in zip(LANGUAGES, labels, strict=True):
                row[f"label::{LANGUAGES[code]}"] = label
        row.update(extra)
        survey.append(row)
    choices = [
        {
            "list_name": list_name,
            "name": name,
            **{
                f"label::{LANGUAGES[code]}": label
                for code, label in zip(LANGUAGES, labels, strict=True)
            },
        }
        for list_name, name, labels in CHOICES
    ]
    settings = {
        "form_title": TITLE,
        "form_id": KEY,
        "default_language": LANGUAGES["fr"],
    }
    return {"survey": survey, "choices": choices, "settings": settings}


def consultations_part(builder: Any) -> None:
    """The demo's questionnaire and round, unless they exist already."""
    if Questionnaire.objects.filter(key=KEY).exists():
        return
    by = builder.coordinator
    orgs = builder.orgs
    questionnaire = services.questionnaire_import(
        form=form_check(questionnaire_definition()), by=by, key=KEY
    )
    now = timezone.now()
    round_ = services.round_create(
        by=by,
        fields={
            "questionnaire": questionnaire,
            "title": "Enquête de conception du mécanisme de coordination",
            "purpose": Round.Purpose.DESIGN,
            "introduction": (
                "Vos réponses préparent le mécanisme de coordination de l'accueil "
                "en Wallonie. Comptez dix minutes ; vous pouvez vous arrêter et "
                "reprendre plus tard par le même lien."
            ),
            "opens_at": now - datetime.timedelta(days=7),
            "closes_at": now + datetime.timedelta(days=21),
        },
        public=True,
    )
    services.invitations_add(
        round_=round_,
        audience=services.Audience(
            organisations=tuple(orgs[key].pk for key in INVITED if key in orgs)
        ),
    )
    # Launched a week ago, invitations recorded as sent: the demo sends no
    # e-mail (services.round_launch would queue them).
    Round.objects.filter(pk=round_.pk).update(launched_at=round_.opens_at)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        status=Questionnaire.Status.IN_USE
    )
    # The organisations' languages and their closest partner may go into the
    # register, once a coordinator has read them (« Vers le registre »).
    services.round_bindings_set(
        round_=round_,
        bindings={"langues": "languages", "partenaire": "relation:partners-with"},
    )
    round_.refresh_from_db()
    round_.invitations.exclude(email="").update(
        delivery=Invitation.Delivery.SENT, sent_at=round_.opens_at
    )
    spec = spec_for(questionnaire)
    for number, (key, answers) in enumerate(ANSWERS.items()):
        invitation = round_.invitations.filter(organisation=orgs.get(key)).first()
        if invitation is None:
            continue
        invitation.opened_at = now - datetime.timedelta(days=6 - number)
        invitation.save(update_fields=["opened_at"])
        partner = orgs.get(str(answers.get("partenaire", "")).removeprefix("@"))
        answers = {**answers, "partenaire": str(partner.pk) if partner else ""}
        services.response_submit(
            round_=round_,
            instance_id=f"uuid:demo-{key}",
            answers=evaluation_run(spec, answers).answers(),
            invitation=invitation,
            language=LANGUAGES["fr"],
        )
    started = round_.invitations.filter(organisation=orgs.get("croix-rouge")).first()
    if started is not None:
        started.opened_at = now - datetime.timedelta(days=2)
        started.save(update_fields=["opened_at"])
        draft = services.response_draft(
            round_=round_, invitation=started, answers={"niveau": "provincial"}
        )
        Response.objects.filter(pk=draft.pk).update(page=2)
    builder.summary.created["consultation rounds"] += 1
    builder.summary.created["consultation responses"] += round_.responses.filter(
        status=Response.Status.SUBMITTED
    ).count()
