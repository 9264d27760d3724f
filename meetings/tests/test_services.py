"""Writes to meetings: planning, changes that invitees hear of, copies and
series, attendance, minutes' versions, decisions numbered per body, actions."""

import datetime

from django.core.exceptions import ValidationError
from django.test import override_settings

from lib.versioning import VersionConflict
from meetings import services
from meetings.models import Action, Decision, Invitation, Meeting, Minutes
from meetings.rich_text import rich_text_clean
from meetings.tests.base import BRUSSELS, MeetingTestCase, brussels
from register.tests.factories import make_organisation


class PlanningTests(MeetingTestCase):
    def test_a_body_meeting_invites_its_members_and_the_others_named(self):
        invited = set(self.meeting.invitations.values_list("organisation", flat=True))
        self.assertEqual(invited, {self.organisation_a.pk, self.organisation_b.pk})
        self.assertEqual(self.meeting.sequence, 0)
        self.assertTrue(
            all(
                i.delivery == Invitation.Delivery.PENDING
                for i in self.meeting.invitations.exclude(email="")
            )
        )

    def test_an_invitation_goes_to_the_focal_point_in_their_language(self):
        invitation = self.scoping.invitations.get()
        self.assertEqual(invitation.email, "claire.contact@example.org")
        self.assertEqual(invitation.name, "Claire Contact")
        self.assertEqual(invitation.language, "nl")

    def test_an_organisation_without_any_address_is_marked_so(self):
        silent = make_organisation("Association sans adresse", by=self.coordinator)
        services.meeting_update(
            self.meeting,
            by=self.coordinator,
            version=None,
            fields={},
            invitees=[services.Invitee(silent)],
            send=True,
        )
        invitation = self.meeting.invitations.get(organisation=silent)
        self.assertEqual(invitation.delivery, Invitation.Delivery.NO_ADDRESS)
        # Organisation B's contact has an address, though not shared.
        invitation = self.meeting.invitations.get(organisation=self.organisation_b)
        self.assertEqual(invitation.email, "bernard.confidentiel@example.org")

    def test_times_are_stored_in_utc(self):
        self.meeting.refresh_from_db()
        self.assertEqual(
            self.meeting.starts_at,
            datetime.datetime(2030, 12, 10, 13, 0, tzinfo=datetime.UTC),
        )

    def test_the_end_must_follow_the_start(self):
        with self.assertRaises(ValidationError) as caught:
            services.meeting_update(
                self.meeting,
                by=self.coordinator,
                version=self.meeting.version,
                fields={"ends_at": brussels(2030, 12, 10, 13, 0)},
            )
        self.assertIn("ends_at", caught.exception.message_dict)

    def test_a_change_of_time_raises_the_sequence_and_a_change_of_text_does_not(self):
        meeting = services.meeting_update(
            self.meeting,
            by=self.coordinator,
            version=self.meeting.version,
            fields={"description": "Avec le bilan de l'année."},
            send=False,
        )
        self.assertEqual(meeting.sequence, 0)
        meeting = services.meeting_update(
            meeting,
            by=self.coordinator,
            version=meeting.version,
            fields={
                "starts_at": brussels(2030, 12, 10, 15, 0),
                "ends_at": brussels(2030, 12, 10, 17, 0),
            },
            send=False,
        )
        self.assertEqual(meeting.sequence, 1)

    def test_a_stale_version_is_refused(self):
        with self.assertRaises(VersionConflict):
            services.meeting_update(
                self.meeting,
                by=self.coordinator,
                version=self.meeting.version + 1,
                fields={"title": "Autre"},
            )

    def test_a_cancelled_meeting_no_longer_changes(self):
        meeting = services.meeting_cancel(
            self.meeting, by=self.coordinator, version=self.meeting.version
        )
        self.assertEqual(meeting.status, Meeting.Status.CANCELLED)
        self.assertEqual(meeting.sequence, 1)
        with self.assertRaises(ValidationError):
            services.meeting_update(
                meeting, by=self.coordinator, version=None, fields={"title": "Autre"}
            )

    def test_a_copy_keeps_the_agenda_and_invitees_unsent(self):
        copy = services.meeting_copy(
            self.meeting, by=self.coordinator, starts_at=brussels(2031, 1, 14, 14, 0)
        )
        self.assertEqual(copy.ends_at - copy.starts_at, datetime.timedelta(hours=2))
        self.assertEqual(list(copy.agenda.values_list("title", flat=True)), ["Accueil"])
        self.assertEqual(copy.invitations.count(), 2)
        self.assertFalse(copy.invitations.filter(sent_sequence__gte=0).exists())
        self.assertNotEqual(copy.uid, self.meeting.uid)

    def test_a_monthly_series_keeps_the_brussels_hour_across_the_change_of_time(self):
        start = brussels(2026, 9, 15, 14, 0)
        starts = services.series_dates(start, services.Cadence.MONTHLY, 8)
        self.assertEqual({s.astimezone(BRUSSELS).hour for s in starts}, {14})
        # 14:00 in Brussels is 12:00 UTC in summer and 13:00 UTC in winter.
        # (15 October: summer; 15 November: winter; 15 April: summer again.)
        self.assertEqual(
            [starts[n].astimezone(datetime.UTC).hour for n in (0, 1, 6)], [12, 13, 12]
        )

    def test_a_series_ends_on_the_last_day_of_short_months(self):
        starts = services.series_dates(
            brussels(2027, 1, 31, 9, 0), services.Cadence.MONTHLY, 2
        )
        self.assertEqual(
            [s.date() for s in starts],
            [datetime.date(2027, 2, 28), datetime.date(2027, 3, 31)],
        )

    def test_a_series_is_made_and_bounded(self):
        made = services.meeting_series(
            self.meeting, by=self.coordinator, cadence="fortnightly", count=3
        )
        self.assertEqual(len(made), 3)
        self.assertEqual(
            len(
                {m.series for m in made}
                | {Meeting.objects.get(pk=self.meeting.pk).series}
            ),
            1,
        )
        for count in (0, services.SERIES_MAX + 1):
            with self.assertRaises(ValidationError):
                services.meeting_series(
                    self.meeting, by=self.coordinator, cadence="monthly", count=count
                )
        with self.assertRaises(ValidationError):
            services.meeting_series(
                self.meeting, by=self.coordinator, cadence="daily", count=2
            )


class FollowUpTests(MeetingTestCase):
    def test_attendance_makes_a_started_meeting_held(self):
        services.meeting_update(
            self.scoping,
            by=self.coordinator,
            version=None,
            fields={
                "starts_at": brussels(2026, 1, 5, 10, 0),
                "ends_at": brussels(2026, 1, 5, 12, 0),
            },
            send=False,
        )
        meeting = Meeting.objects.get(pk=self.scoping.pk)
        services.attendance_record(
            meeting,
            by=self.coordinator,
            rows=[
                services.AttendanceRow(self.organisation_c, "Claire Contact", "present")
            ],
        )
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).status, Meeting.Status.HELD)

    def test_attendance_refuses_a_person_twice_and_unknown_presence(self):
        rows = [services.AttendanceRow(self.organisation_a, "Anne", "present")] * 2
        with self.assertRaises(ValidationError):
            services.attendance_record(self.meeting, by=self.coordinator, rows=rows)
        with self.assertRaises(ValidationError):
            services.attendance_record(
                self.meeting,
                by=self.coordinator,
                rows=[services.AttendanceRow(self.organisation_a, "", "late")],
            )

    def test_approved_minutes_are_kept_and_a_new_version_starts_from_them(self):
        first = services.minutes_save(
            self.meeting, by=self.coordinator, text="Projet", number=0
        )
        services.minutes_approve(first, by=self.coordinator)
        with self.assertRaises(ValidationError):
            services.minutes_approve(first, by=self.coordinator)
        second = services.minutes_save(
            self.meeting, by=self.coordinator, text="Corrigé", number=1
        )
        self.assertEqual(second.number, 2)
        first.refresh_from_db()
        self.assertEqual(
            (first.text, first.status), ("<p>Projet</p>", Minutes.Status.APPROVED)
        )
        with self.assertRaises(ValidationError):
            services.minutes_save(
                self.meeting, by=self.coordinator, text="Vieux", number=1
            )

    def test_minutes_are_sanitised(self):
        minutes = services.minutes_save(
            self.meeting,
            by=self.coordinator,
            text=(
                '<h2 onclick="x()">Points</h2><script>alert(1)</script>'
                '<a href="javascript:x">a</a><img src=x onerror=y>'
            ),
            number=None,
        )
        self.assertEqual(
            minutes.text, '<h2>Points</h2><a rel="noopener noreferrer nofollow">a</a>'
        )
        self.assertEqual(
            rich_text_clean("Un\nDeux\n\nTrois & <"),
            "<p>Un<br>Deux</p><p>Trois &amp; &lt;</p>",
        )

    def test_decisions_are_numbered_per_body_and_outside_bodies(self):
        numbers = [
            services.decision_add(
                self.meeting, by=self.coordinator, text=f"D{n}"
            ).number
            for n in range(3)
        ]
        other = services.decision_add(
            self.scoping, by=self.coordinator, text="Hors organe"
        )
        self.assertEqual(numbers, [1, 2, 3])
        self.assertEqual(other.number, 1)
        copy = services.meeting_copy(
            self.meeting, by=self.coordinator, starts_at=brussels(2031, 1, 1, 9, 0)
        )
        self.assertEqual(
            services.decision_add(copy, by=self.coordinator, text="Suite").number, 4
        )
        self.assertEqual(Decision.objects.filter(body=self.body).count(), 4)

    def test_an_action_keeps_its_progress_notes(self):
        action = services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": "Recenser les places",
                "owner_organisation": self.organisation_a,
                "owner": self.focal_point_a,
                "due_date": datetime.date(2031, 1, 15),
            },
        )
        self.assertEqual(action.body, self.body)
        action = services.action_update(
            action,
            by=self.focal_point_a,
            version=action.version,
            fields={"status": Action.Status.DONE},
            note="Liste envoyée.",
        )
        self.assertIsNotNone(action.done_at)
        note = action.notes.get()
        self.assertEqual(
            (note.status, note.text, note.author),
            ("done", "Liste envoyée.", self.focal_point_a),
        )
        with self.assertRaises(VersionConflict):
            services.action_update(
                action, by=self.coordinator, version=1, fields={"status": "open"}
            )

    def test_an_action_of_an_archived_organisation_is_refused(self):
        from register import services as register_services

        archived = register_services.organisation_archive(
            organisation_id=self.organisation_c.pk, by=self.coordinator
        )
        with self.assertRaises(ValidationError):
            services.action_create(
                by=self.coordinator,
                meeting=None,
                fields={
                    "title": "X",
                    "owner_organisation": archived,
                    "due_date": datetime.date(2031, 1, 1),
                },
            )


@override_settings(SITE_ROOT="https://maillage.example.org")
class AnswerTests(MeetingTestCase):
    def test_an_answer_is_recorded_until_the_meeting_ends(self):
        invitation = self.scoping.invitations.get()
        services.invitation_answer(invitation, answer="declined", note="Congé")
        invitation.refresh_from_db()
        self.assertEqual(
            (invitation.answer, invitation.answer_note), ("declined", "Congé")
        )
        after = self.scoping.ends_at + datetime.timedelta(minutes=1)
        with self.assertRaises(ValidationError):
            services.invitation_answer(invitation, answer="accepted", now=after)

    def test_a_delegate_gets_an_invitation_of_their_own(self):
        invitation = self.scoping.invitations.get()
        with self.captureOnCommitCallbacks(execute=True):
            delegate = services.invitation_answer(
                invitation,
                answer="delegated",
                delegate_name="Dora Délé",
                delegate_email="dora@example.org",
            )
        assert delegate is not None
        self.assertEqual(delegate.organisation, self.organisation_c)
        self.assertEqual(delegate.delegated_from, invitation)
        self.assertNotEqual(delegate.key, invitation.key)
        with self.assertRaises(ValidationError):
            services.invitation_answer(invitation, answer="accepted")


class ErasureTests(MeetingTestCase):
    def test_an_erased_contact_leaves_no_name_or_address_in_invitations(self):
        from register import services as register_services

        invitation = self.scoping.invitations.get()
        contact_id = invitation.contact_id
        assert contact_id is not None
        register_services.contact_erase(contact_id=contact_id, by=self.coordinator)
        invitation.refresh_from_db()
        self.assertEqual(
            (invitation.contact_id, invitation.name, invitation.email),
            (None, "", ""),
        )
        self.assertEqual(invitation.delivery, Invitation.Delivery.NO_ADDRESS)
        self.assertEqual(invitation.organisation, self.organisation_c)
