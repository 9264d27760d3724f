"""The meetings' test scaffolding: on top of the register's personas and
organisations, a body whose member is organisation A, a third organisation C
(member of nothing), a body meeting that also invites B, and a scoping
meeting outside any body that invites C only."""

import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from coordination import services as coordination_services
from coordination.models import CoordinationBody
from meetings import services
from meetings.models import Meeting
from register.models import Organisation
from register.tests.base import RegisterTestCase
from register.tests.factories import make_contact, make_organisation
from taxonomy.models import InstitutionalLevel

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


class MeetingTestCase(RegisterTestCase):
    body: ClassVar[CoordinationBody]
    organisation_c: ClassVar[Organisation]
    meeting: ClassVar[Meeting]
    scoping: ClassVar[Meeting]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.organisation_c = make_organisation(
            "Croix-Rouge, maison d'accueil de Namur",
            by=cls.coordinator,
            postal_code="5000",
            area=["92094"],
        )
        make_contact(
            cls.organisation_c,
            "Claire Contact",
            email="claire.contact@example.org",
            is_focal_point=True,
            languages=["nl"],
        )
        cls.body = coordination_services.body_create(
            by=cls.coordinator,
            fields={
                "name": "Plateforme provinciale de Liège",
                "level": InstitutionalLevel.objects.get(code="provincial"),
                "formality": "formal",
                "decision_power": "advises",
                "frequency": "monthly",
                "status": "active",
            },
            members=[(cls.organisation_a, "member")],
        )
        cls.meeting = services.meeting_create(
            by=cls.coordinator,
            fields={
                "title": "Plénière de décembre",
                "kind": Meeting.Kind.PLENARY,
                "body": cls.body,
                "starts_at": brussels(2030, 12, 10, 14, 0),
                "ends_at": brussels(2030, 12, 10, 16, 0),
                "place": "Palais provincial, Liège",
                "languages": ["fr"],
            },
            agenda=[services.AgendaRow("Accueil", "Présidence", 10)],
            invitees=[
                *services.body_invitees(cls.body),
                services.Invitee(cls.organisation_b),
            ],
        )
        cls.scoping = services.meeting_create(
            by=cls.coordinator,
            fields={
                "title": "Cadrage avec la Croix-Rouge",
                "kind": Meeting.Kind.SCOPING,
                "starts_at": brussels(2030, 11, 5, 10, 0),
                "ends_at": brussels(2030, 11, 5, 12, 0),
                "online_url": "https://visio.example.org/cadrage",
            },
            invitees=[services.Invitee(cls.organisation_c)],
        )
