"""The meetings' part of the demo (all fictitious): a scoping meeting held a
month ago, with its attendance, approved minutes, decisions and actions (one
done, one overdue, one open) for the demo's focal point; the Task force's
monthly plenaries, the last one held and the next ones planned; a meeting of
the Liège platform in a fortnight. Invitations are recorded, not sent (the
demo sends no e-mail): the organiser sends them from the meeting's page.

Dates follow the day the demo is seeded, so that the calendar and "my
actions" always show something to do."""

import datetime
from typing import Any

from django.utils import timezone

from accounts.models import User
from coordination.models import CoordinationBody
from meetings import services
from meetings.models import Action, Meeting

NOTE = "Réunion d'exemple : les dates, les présences et le procès-verbal sont fictifs."
SCOPING = "Réunion de cadrage du mécanisme de coordination"
TASK_FORCE = "Task force Ukraine — Wallonie"
LIEGE = "Plateforme provinciale d'accueil — Liège"
SCOPING_INVITEES = (
    "spw-ias",
    "oim",
    "fedasil",
    "cpas-liege",
    "cpas-namur",
    "croix-rouge",
    "forem",
)
MINUTES = (
    "<h2>Tour de table</h2>"
    "<p>Chaque organisation présente son offre et ses difficultés. Le logement "
    "et l'apprentissage du français restent les besoins les plus cités.</p>"
    "<h2>Premières orientations</h2>"
    "<ul><li>Un comité de pilotage régional, deux fois par an.</li>"
    "<li>Des plateformes provinciales, chaque mois.</li>"
    "<li>Un groupe de travail sur les données partagées.</li></ul>"
)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def meetings_part(builder: Any) -> None:
    """The demo's meetings, unless the scoping meeting exists already."""
    if Meeting.objects.filter(title=SCOPING).exists():
        return
    meetings_before = Meeting.objects.count()
    actions_before = Action.objects.count()
    _meetings_create(builder)
    builder.summary.created["meetings"] += Meeting.objects.count() - meetings_before
    builder.summary.created["actions"] += Action.objects.count() - actions_before


def _meetings_create(builder: Any) -> None:
    today = timezone.localdate()
    by: User = builder.coordinator
    orgs = builder.orgs
    focal = User.objects.filter(email="focal.point@example.org").first()

    held = today - datetime.timedelta(days=30)
    scoping = services.meeting_create(
        by=by,
        fields={
            "title": SCOPING,
            "kind": Meeting.Kind.SCOPING,
            "starts_at": _at(held, 9, 30),
            "ends_at": _at(held, 12, 30),
            "place": "Namur, Espace Wallonie, salle 2",
            "online_url": "https://visio.example.org/cadrage",
            "languages": ["fr"],
            "description": NOTE,
        },
        agenda=[
            services.AgendaRow("Accueil et objectifs de la réunion", "SPW IAS", 15),
            services.AgendaRow("Tour de table : offre et difficultés", "", 75),
            services.AgendaRow("Premières orientations pour le mécanisme", "OIM", 60),
            services.AgendaRow("Suites et calendrier", "SPW IAS", 15),
        ],
        invitees=[
            services.Invitee(orgs[key]) for key in SCOPING_INVITEES if key in orgs
        ],
    )
    scoping.invitations.filter(organisation=orgs.get("croix-rouge")).update(
        answer="declined", answer_note="Indisponibles ce jour-là."
    )
    scoping.invitations.exclude(organisation=orgs.get("croix-rouge")).update(
        answer="accepted"
    )
    # They were invited (the demo sends no e-mail: recorded as sent).
    scoping.invitations.exclude(email="").update(
        delivery="sent", sent_sequence=0, sent_at=scoping.created_at
    )
    services.attendance_record(
        scoping,
        by=by,
        rows=[
            services.AttendanceRow(
                orgs[key], "", "excused" if key == "croix-rouge" else "present"
            )
            for key in SCOPING_INVITEES
            if key in orgs
        ],
    )
    minutes = services.minutes_save(scoping, by=by, text=MINUTES, number=0)
    services.minutes_approve(minutes, by=by)
    first = services.decision_add(
        scoping,
        by=by,
        text="Proposer un mécanisme à trois niveaux (régional, provincial, local).",
    )
    services.decision_add(
        scoping, by=by, text="Consulter les communes avant la fin du trimestre."
    )
    for title, key, owner, due, status in (
        (
            "Recenser les places d'hébergement d'urgence",
            "cpas-liege",
            focal,
            today - datetime.timedelta(days=5),
            "open",
        ),
        (
            "Envoyer la liste des contacts provinciaux",
            "cpas-liege",
            focal,
            today - datetime.timedelta(days=12),
            "done",
        ),
        (
            "Préparer le questionnaire aux communes",
            "oim",
            None,
            today + datetime.timedelta(days=10),
            "in_progress",
        ),
    ):
        if key in orgs:
            services.action_create(
                by=by,
                meeting=scoping,
                fields={
                    "title": title,
                    "owner_organisation": orgs[key],
                    "owner": owner,
                    "due_date": due,
                    "status": status,
                    "decision": first,
                },
            )

    task_force = CoordinationBody.objects.filter(name=TASK_FORCE).first()
    if task_force is not None:
        last = today.replace(day=1) - datetime.timedelta(days=20)
        plenary = services.meeting_create(
            by=by,
            fields={
                "title": "Plénière mensuelle de la Task force",
                "kind": Meeting.Kind.PLENARY,
                "body": task_force,
                "starts_at": _at(last, 14),
                "ends_at": _at(last, 16),
                "place": "Namur, SPW IAS",
                "languages": ["fr"],
                "description": NOTE,
            },
            agenda=[
                services.AgendaRow("Situation des arrivées", "Fedasil", 20),
                services.AgendaRow("Suivi des actions", "Secrétariat", 30),
            ],
            invitees=services.body_invitees(task_force),
        )
        services.attendance_record(
            plenary,
            by=by,
            rows=[
                services.AttendanceRow(i.organisation, "", "present")
                for i in plenary.invitations.select_related("organisation")
            ],
        )
        services.meeting_series(plenary, by=by, cadence="monthly", count=3)

    liege = CoordinationBody.objects.filter(name=LIEGE).first()
    if liege is not None:
        soon = today + datetime.timedelta(days=14)
        services.meeting_create(
            by=by,
            fields={
                "title": "Plateforme provinciale : logement et emploi",
                "kind": Meeting.Kind.WORKING_GROUP,
                "body": liege,
                "starts_at": _at(soon, 10),
                "ends_at": _at(soon, 12),
                "place": "Liège, Palais provincial",
                "languages": ["fr"],
                "description": NOTE,
            },
            agenda=[services.AgendaRow("Logements de transit", "", 45)],
            invitees=services.body_invitees(liege),
        )
