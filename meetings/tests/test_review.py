"""What a second reading found: documents kept across agenda edits,
invitations on their way when the meeting changes, delegation, junk in query
strings, years out of range, control characters in minutes, people's names,
meetings one does not see, concurrent minutes, dissolved bodies, cancelled
meetings, deactivated owners."""

import datetime

from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coordination.models import CoordinationBody
from meetings import reminders, services
from meetings.links import answer_token
from meetings.models import Action, Attendance, Document, Invitation, Meeting
from meetings.tasks import send_invitation
from meetings.tests.base import MeetingTestCase, brussels
from meetings.tests.test_pages import PDF, temp_media


class AgendaTests(MeetingTestCase):
    def setUp(self) -> None:
        temp_media(self)

    def test_editing_the_agenda_keeps_the_documents_of_its_items(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from meetings.documents import document_add

        item = self.meeting.agenda.get()
        document = document_add(
            self.meeting,
            by=self.coordinator,
            upload=SimpleUploadedFile("note.pdf", PDF),
            agenda_item=item,
        )
        # The same item moved down, another added before it.
        services.meeting_update(
            self.meeting,
            by=self.coordinator,
            version=None,
            fields={"title": "Plénière (nouveau titre)"},
            agenda=[services.AgendaRow("Tour de table"), services.AgendaRow("Accueil")],
            send=False,
        )
        document.refresh_from_db()
        self.assertEqual(document.agenda_item_id, item.pk)
        self.assertEqual(
            list(self.meeting.agenda.values_list("title", "position")),
            [("Tour de table", 1), ("Accueil", 2)],
        )
        # An item removed leaves its document on the meeting.
        services.meeting_update(
            self.meeting, by=self.coordinator, version=None, fields={}, agenda=[]
        )
        document.refresh_from_db()
        self.assertIsNone(document.agenda_item_id)
        self.assertEqual(Document.objects.filter(meeting=self.meeting).count(), 1)


@override_settings(SITE_ROOT="https://maillage.example.org")
class SendingTests(MeetingTestCase):
    def test_an_invitation_on_its_way_gets_the_changed_meeting(self):
        invitation = self.scoping.invitations.get()
        # Queued, not sent yet (the worker is late, or the server down).
        services.invitations_send(self.scoping)
        with self.captureOnCommitCallbacks(execute=True):
            services.meeting_update(
                self.scoping,
                by=self.coordinator,
                version=None,
                fields={"place": "Namur"},
                send=False,
            )
        # The first task, for the first version, sends nothing more.
        self.assertEqual(
            send_invitation.call(invitation_id=invitation.pk, sequence=0),
            "already sent",
        )
        (message,) = mail.outbox
        self.assertIn("Namur", message.body)
        invitation.refresh_from_db()
        self.assertEqual((invitation.delivery, invitation.sent_sequence), ("sent", 1))

    def test_a_delegation_sends_only_the_delegate_s_invitation(self):
        invitation = self.meeting.invitations.get(organisation=self.organisation_a)
        with self.captureOnCommitCallbacks(execute=True):
            services.invitation_answer(
                invitation,
                answer="delegated",
                delegate_name="Dora",
                delegate_email="dora@example.org",
            )
        self.assertEqual([m.to for m in mail.outbox], [["dora@example.org"]])
        other = self.meeting.invitations.get(organisation=self.organisation_b)
        self.assertEqual(other.delivery, Invitation.Delivery.PENDING)

    def test_a_cancellation_stops_what_was_on_its_way_to_people_never_invited(self):
        invitation = self.scoping.invitations.get()
        services.invitations_send(self.scoping)
        with self.captureOnCommitCallbacks(execute=True):
            services.meeting_cancel(self.scoping, by=self.coordinator, version=None)
        self.assertEqual(mail.outbox, [])
        invitation.refresh_from_db()
        self.assertEqual(invitation.delivery, Invitation.Delivery.PENDING)


class JunkTests(MeetingTestCase):
    def test_unicode_digits_and_huge_numbers_find_nothing(self):
        self.login(self.coordinator)
        for url in (
            "/reunions/?organe=²",
            "/reunions/nouvelle/?organe=²",
            "/reunions/actions/?organisation=²&responsable=²&theme=²&organe=٣",
            "/reunions/actions/?responsable=99999999999999999999999",
            "/reunions/actions/export.xlsx?responsable=²",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(
            self.client.post(reverse("meetings:feed_list"), {"body": "²"}).status_code,
            200,
        )
        self.client.logout()
        self.assertEqual(
            self.client.get(f"/reunions/reponse/²-{'a' * 64}/").status_code, 404
        )
        self.login(self.focal_point_a)
        for query in ("owner=²", "owner=99999999999999999999", "owner=-1"):
            with self.subTest(query=query):
                response = self.client.get(f"/api/v1/actions?{query}")
                self.assertEqual(response.status_code, 422)

    def test_years_out_of_range_get_messages(self):
        self.login(self.coordinator)
        for days in ("9999-12-31", "0001-01-01", "1899-12-31"):
            with self.subTest(days=days):
                response = self.client.get(f"/api/v1/meetings?to={days}")
                self.assertEqual(response.status_code, 422)
                response = self.client.get(f"/api/v1/meetings?from={days}")
                self.assertEqual(response.status_code, 422)
        data = {
            "title": "Réunion",
            "kind": "scoping",
            "starts_at": "0001-01-01T00:05",
            "ends_at": "2030-01-01T10:00",
            "place": "Namur",
        }
        response = self.client.post(reverse("meetings:meeting_create"), data)
        self.assertContains(response, "Une date entre 2000 et 2100")
        url = reverse("meetings:meeting_copy", args=[self.meeting.pk])
        for start in ("9999-12-31T23:00", "0001-01-01T00:05", "0026-01-01T10:00"):
            with self.subTest(start=start):
                response = self.client.post(url, {"copy": "1", "copy-starts_at": start})
                self.assertContains(response, "Une date entre 2000 et 2100")
        self.assertEqual(Meeting.objects.count(), 2)
        with self.assertRaises(ValidationError):
            services.meeting_copy(
                self.meeting,
                by=self.coordinator,
                starts_at=datetime.datetime(26, 1, 1, tzinfo=datetime.UTC),
            )

    def test_control_characters_never_reach_the_minutes(self):
        minutes = services.minutes_save(
            self.meeting,
            by=self.coordinator,
            text="<p>Point&#x1;&#x0b; un</p>",
            number=None,
        )
        self.assertEqual(minutes.text, "<p>Point un</p>")
        self.login(self.coordinator)
        url = reverse("meetings:minutes_docx", args=[self.meeting.pk, 1])
        self.assertEqual(self.client.get(url).status_code, 200)


class PrivacyTests(MeetingTestCase):
    def test_attendance_names_only_the_people_of_one_s_organisation(self):
        services.meeting_update(
            self.meeting,
            by=self.coordinator,
            version=None,
            fields={
                "starts_at": brussels(2026, 1, 5, 10),
                "ends_at": brussels(2026, 1, 5, 12),
            },
            send=False,
        )
        services.attendance_record(
            self.meeting,
            by=self.coordinator,
            rows=[
                services.AttendanceRow(self.organisation_a, "Anne Partagée", "present"),
                services.AttendanceRow(self.organisation_b, "Bernard Privé", "present"),
            ],
        )
        self.login(self.focal_point_a)
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, "Anne Partagée")
        self.assertNotContains(page, "Bernard Privé")
        rows = self.client.get(f"/api/v1/meetings/{self.meeting.pk}/attendance").json()
        self.assertEqual(
            {row["organisation"]: row["person"] for row in rows},
            {self.organisation_a.pk: "Anne Partagée", self.organisation_b.pk: ""},
        )
        services.minutes_save(self.meeting, by=self.coordinator, text="PV", number=0)
        docx = self.client.get(
            reverse("meetings:minutes_docx", args=[self.meeting.pk, 1])
        )
        self.assertNotIn(b"Bernard", docx.content)
        self.login(self.coordinator)
        self.assertContains(
            self.client.get(self.meeting.get_absolute_url()), "Bernard Privé"
        )
        self.assertEqual(Attendance.objects.count(), 2)

    def test_an_action_does_not_name_a_meeting_one_does_not_see(self):
        action = services.action_create(
            by=self.coordinator,
            meeting=self.scoping,
            fields={
                "title": "Pour le CPAS",
                "owner_organisation": self.organisation_a,
                "due_date": datetime.date(2031, 1, 1),
            },
        )
        self.login(self.focal_point_a)
        for url in (
            action.get_absolute_url(),
            reverse("meetings:action_board"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Pour le CPAS")
                self.assertNotContains(response, "Cadrage avec la Croix-Rouge")
        self.login(self.coordinator)
        self.assertContains(
            self.client.get(action.get_absolute_url()), "Cadrage avec la Croix-Rouge"
        )


class ConcurrencyTests(MeetingTestCase):
    def test_two_writers_of_a_draft_do_not_overwrite_each_other(self):
        draft = services.minutes_save(
            self.meeting, by=self.coordinator, text="Un", number=0, revision=0
        )
        services.minutes_save(
            self.meeting, by=self.admin, text="Deux", number=1, revision=draft.revision
        )
        with self.assertRaises(ValidationError):
            services.minutes_save(
                self.meeting,
                by=self.coordinator,
                text="Trois",
                number=1,
                revision=draft.revision,
            )
        with self.assertRaises(ValidationError):
            services.minutes_approve(
                draft, by=self.coordinator, revision=draft.revision
            )
        draft.refresh_from_db()
        self.assertEqual((draft.text, draft.status), ("<p>Deux</p>", "draft"))
        services.minutes_approve(draft, by=self.coordinator, revision=draft.revision)

    def test_a_first_draft_read_as_none_is_refused_once_one_exists(self):
        services.minutes_save(
            self.meeting, by=self.admin, text="Un", number=0, revision=0
        )
        with self.assertRaises(ValidationError):
            services.minutes_save(
                self.meeting, by=self.coordinator, text="Autre", number=0, revision=0
            )


class StatusTests(MeetingTestCase):
    def test_a_cancelled_meeting_cannot_be_revived_nor_a_future_one_held(self):
        self.login(self.coordinator)
        path = f"/api/v1/meetings/{self.meeting.pk}"
        response = self.client.patch(
            path, {"version": 1, "status": "held"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 422)
        services.meeting_cancel(self.meeting, by=self.coordinator, version=None)
        version = Meeting.objects.get(pk=self.meeting.pk).version
        response = self.client.patch(
            path,
            {"version": version, "status": "planned"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).status, "cancelled")

    def test_a_held_meeting_is_not_cancelled(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(
            status="held",
            starts_at=timezone.now() - datetime.timedelta(days=2),
            ends_at=timezone.now() - datetime.timedelta(days=2, hours=-2),
        )
        with self.assertRaises(ValidationError):
            services.meeting_cancel(self.meeting, by=self.coordinator, version=None)

    def test_a_meeting_of_a_dissolved_body_can_still_be_edited(self):
        CoordinationBody.objects.filter(pk=self.body.pk).update(status="ended")
        self.login(self.coordinator)
        response = self.client.post(
            reverse("meetings:meeting_update", args=[self.meeting.pk]),
            {
                "title": "Plénière (corrigée)",
                "kind": "plenary",
                "body": self.body.pk,
                "starts_at": "2030-12-10T14:00",
                "ends_at": "2030-12-10T16:00",
                "place": "Liège",
                "agenda": "Accueil",
                "version": 1,
            },
        )
        self.assertEqual(response.status_code, 302)
        with self.assertRaises(ValidationError):
            services.meeting_update(
                self.scoping,
                by=self.coordinator,
                version=None,
                fields={"body": CoordinationBody.objects.get(pk=self.body.pk)},
            )


class ReminderOwnerTests(MeetingTestCase):
    def test_a_deactivated_owner_s_reminder_goes_to_the_focal_points(self):
        gone = User.objects.create_user("parti@example.org", None, role="focal_point")
        services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": "Orpheline",
                "owner_organisation": self.organisation_a,
                "owner": self.focal_point_a,
                "due_date": datetime.date(2020, 1, 1),
            },
        )
        Action.objects.update(owner=gone)
        User.objects.filter(pk=gone.pk).update(is_active=False)
        with self.captureOnCommitCallbacks(execute=True):
            reminders.reminders_prepare(today=datetime.date(2031, 1, 1))
        self.assertEqual([m.to for m in mail.outbox], [[self.focal_point_a.email]])

    def test_the_answer_token_is_stable(self):
        invitation = self.scoping.invitations.get()
        self.assertEqual(answer_token(invitation), answer_token(invitation))
