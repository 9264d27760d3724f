"""The .ics files, read back with the icalendar package: UID, SEQUENCE,
METHOD, times in Europe/Brussels with their VTIMEZONE, across both changes of
time; and the e-mails that carry them."""

import datetime
from typing import Any, cast

import icalendar
from django.core import mail
from django.test import override_settings

from meetings import services
from meetings.calendar import CANCEL, REQUEST, calendar_build, meeting_uid
from meetings.models import Meeting
from meetings.tests.base import BRUSSELS, MeetingTestCase, brussels


def parse(content: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(content)


def start(event: icalendar.Event) -> datetime.datetime:
    value = event.start
    assert isinstance(value, datetime.datetime)
    return value


def end(event: icalendar.Event) -> datetime.datetime:
    value = event.end
    assert isinstance(value, datetime.datetime)
    return value


def elapsed(event: icalendar.Event) -> datetime.timedelta:
    """The real time between start and end (subtracting two times of one zone
    would give the wall clock's difference)."""
    return end(event).astimezone(datetime.UTC) - start(event).astimezone(datetime.UTC)


def attached_calendars(message: Any) -> list[icalendar.Calendar]:
    """The .ics files attached to an e-mail, parsed."""
    return [
        parse(cast(bytes, part.get_payload(decode=True)))
        for part in message.message().walk()
        if part.get_content_type() == "text/calendar"
    ]


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.events
    return event


class CalendarFileTests(MeetingTestCase):
    def plan(self, begin: datetime.datetime, finish: datetime.datetime) -> Meeting:
        return services.meeting_create(
            by=self.coordinator,
            fields={
                "title": "Réunion de nuit",
                "kind": Meeting.Kind.WORKING_GROUP,
                "starts_at": begin,
                "ends_at": finish,
                "place": "Namur; salle 2, étage \\ 1",
            },
        )

    def assert_brussels(self, content: bytes, begin: datetime.datetime) -> None:
        text = content.decode()
        calendar = parse(content)
        event = only_event(calendar)
        self.assertIn(
            f"DTSTART;TZID=Europe/Brussels:{begin.astimezone(BRUSSELS):%Y%m%dT%H%M%S}",
            text,
        )
        self.assertEqual(
            [str(tz["TZID"]) for tz in calendar.timezones], ["Europe/Brussels"]
        )
        self.assertEqual(start(event), begin)
        self.assertEqual(
            start(event).utcoffset(), begin.astimezone(BRUSSELS).utcoffset()
        )

    def test_a_meeting_across_the_change_to_winter_time(self):
        # 25 October 2026: at 3:00 summer time, clocks go back to 2:00.
        begin, finish = brussels(2026, 10, 25, 1, 30), brussels(2026, 10, 25, 4, 0)
        meeting = self.plan(begin, finish)
        content = calendar_build([(meeting, "")], method=REQUEST)
        self.assert_brussels(content, begin)
        event = only_event(parse(content))
        self.assertEqual(elapsed(event), datetime.timedelta(hours=3, minutes=30))
        self.assertEqual(start(event).utcoffset(), datetime.timedelta(hours=2))
        self.assertEqual(end(event).utcoffset(), datetime.timedelta(hours=1))

    def test_a_meeting_across_the_change_to_summer_time(self):
        # 29 March 2026: at 2:00 winter time, clocks go forward to 3:00.
        begin, finish = brussels(2026, 3, 29, 1, 0), brussels(2026, 3, 29, 4, 0)
        meeting = self.plan(begin, finish)
        content = calendar_build([(meeting, "")], method=REQUEST)
        self.assert_brussels(content, begin)
        event = only_event(parse(content))
        self.assertEqual(elapsed(event), datetime.timedelta(hours=2))
        self.assertEqual(end(event).utcoffset(), datetime.timedelta(hours=2))

    def test_an_update_keeps_the_uid_and_raises_the_sequence(self):
        before = only_event(parse(calendar_build([(self.meeting, "")], method=REQUEST)))
        meeting = services.meeting_update(
            self.meeting,
            by=self.coordinator,
            version=self.meeting.version,
            fields={"place": "Salle du conseil"},
            send=False,
        )
        after = only_event(parse(calendar_build([(meeting, "")], method=REQUEST)))
        self.assertEqual(str(before["UID"]), str(after["UID"]))
        self.assertEqual(str(after["UID"]), meeting_uid(meeting))
        self.assertEqual((before["SEQUENCE"], after["SEQUENCE"]), (0, 1))
        self.assertEqual(str(after["LOCATION"]), "Salle du conseil")

    def test_a_cancellation_is_method_cancel(self):
        meeting = services.meeting_cancel(
            self.meeting, by=self.coordinator, version=self.meeting.version
        )
        calendar = parse(calendar_build([(meeting, "")], method=CANCEL))
        self.assertEqual(str(calendar["METHOD"]), "CANCEL")
        event = only_event(calendar)
        self.assertEqual(str(event["STATUS"]), "CANCELLED")
        self.assertEqual(event["SEQUENCE"], 1)

    def test_text_with_commas_semicolons_and_backslashes_reads_back(self):
        meeting = self.plan(brussels(2026, 6, 1, 9, 0), brussels(2026, 6, 1, 10, 0))
        event = only_event(parse(calendar_build([(meeting, "")])))
        self.assertEqual(str(event["LOCATION"]), "Namur; salle 2, étage \\ 1")


@override_settings(SITE_ROOT="https://maillage.example.org")
class InvitationMailTests(MeetingTestCase):
    def test_the_invitation_carries_a_request_and_the_personal_link(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invitations_send(self.scoping)
        (message,) = mail.outbox
        self.assertEqual(message.to, ["claire.contact@example.org"])
        # In the invitee's language (Dutch here).
        self.assertIn("Uitnodiging", message.subject)
        self.assertIn("https://maillage.example.org/reunions/reponse/", message.body)
        (part,) = [
            p
            for p in message.message().walk()
            if p.get_content_type() == "text/calendar"
        ]
        self.assertEqual(part.get_param("method"), "REQUEST")
        (calendar,) = attached_calendars(message)
        self.assertEqual(str(calendar["METHOD"]), "REQUEST")
        event = only_event(calendar)
        self.assertEqual(str(event["ATTENDEE"]), "mailto:claire.contact@example.org")

    def test_a_change_is_sent_to_those_already_invited_and_a_cancellation_too(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.invitations_send(self.scoping)
        with self.captureOnCommitCallbacks(execute=True):
            meeting = services.meeting_update(
                self.scoping,
                by=self.coordinator,
                version=None,
                fields={"online_url": "https://visio.example.org/autre"},
                send=False,
            )
        with self.captureOnCommitCallbacks(execute=True):
            services.meeting_cancel(meeting, by=self.coordinator, version=None)
        calendars = [attached_calendars(message)[0] for message in mail.outbox]
        self.assertEqual(
            [str(calendar["METHOD"]) for calendar in calendars],
            ["REQUEST", "REQUEST", "CANCEL"],
        )
        events = [only_event(calendar) for calendar in calendars]
        self.assertEqual([event["SEQUENCE"] for event in events], [0, 1, 2])
        self.assertEqual(len({str(event["UID"]) for event in events}), 1)

    def test_nobody_hears_first_of_a_meeting_as_it_is_cancelled(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.meeting_cancel(self.scoping, by=self.coordinator, version=None)
        self.assertEqual(mail.outbox, [])
