"""The meetings' pages for every role: who sees which meeting, who changes
what, the answer link without an account, documents, feeds and bad input."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.feeds import feed_create
from meetings.links import answer_token
from meetings.models import Action, Attendance, Document, Invitation, Meeting, Minutes
from meetings.tests.base import MeetingTestCase, brussels

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def temp_media(test: Any) -> Any:
    import tempfile

    directory = tempfile.TemporaryDirectory()
    test.addCleanup(directory.cleanup)
    override = override_settings(MEDIA_ROOT=directory.name)
    override.enable()
    test.addCleanup(override.disable)


class VisibilityTests(MeetingTestCase):
    """Focal point A's organisation is a member of the body; B is invited to
    the body's meeting; nobody of theirs is invited to the scoping meeting."""

    def pages(self, meeting: Meeting) -> list[str]:
        return [
            meeting.get_absolute_url(),
            reverse("meetings:meeting_ics", args=[meeting.pk]),
            reverse("meetings:minutes_version", args=[meeting.pk, 1]),
        ]

    def setUp(self) -> None:
        for meeting in (self.meeting, self.scoping):
            services.minutes_save(meeting, by=self.coordinator, text="PV", number=None)

    def test_who_reads_which_meeting(self):
        expected = {
            "anonymous": (302, 302),
            "admin": (200, 200),
            "coordinator": (200, 200),
            "focal_point_a": (200, 404),
            "focal_point_b": (200, 404),
            "observer": (403, 403),
        }
        for name, user in self.personas().items():
            self.login(user)
            for meeting, status in zip(
                (self.meeting, self.scoping), expected[name], strict=True
            ):
                for url in self.pages(meeting):
                    with self.subTest(name=name, url=url):
                        self.assertEqual(self.client.get(url).status_code, status)

    def test_the_calendar_lists_only_what_one_sees(self):
        self.login(self.focal_point_b)
        response = self.client.get("/reunions/?mois=2030-12")
        self.assertContains(response, "Plénière de décembre")
        response = self.client.get("/reunions/?mois=2030-11&vue=liste")
        self.assertContains(response, "Plénière de décembre")
        self.assertNotContains(response, "Cadrage avec la Croix-Rouge")
        self.login(self.coordinator)
        self.assertContains(
            self.client.get("/reunions/?mois=2030-11"), "Cadrage avec la Croix-Rouge"
        )

    def test_the_menu_shows_meetings_to_those_who_see_them(self):
        for user, shown in (
            (self.coordinator, True),
            (self.focal_point_a, True),
            (self.observer, False),
        ):
            self.login(user)
            response = self.client.get("/")
            with self.subTest(user=user.email):
                self.assertEqual(
                    'href="/reunions/"' in response.content.decode(), shown
                )

    def test_only_coordinators_change_a_meeting(self):
        urls = [
            reverse("meetings:meeting_create"),
            reverse("meetings:meeting_update", args=[self.meeting.pk]),
            reverse("meetings:meeting_cancel", args=[self.meeting.pk]),
            reverse("meetings:meeting_copy", args=[self.meeting.pk]),
            reverse("meetings:attendance_edit", args=[self.meeting.pk]),
            reverse("meetings:minutes_edit", args=[self.meeting.pk]),
            reverse("meetings:action_create", args=[self.meeting.pk]),
        ]
        posts = [
            reverse("meetings:invitations_send", args=[self.meeting.pk]),
            reverse("meetings:invitation_add", args=[self.meeting.pk]),
            reverse("meetings:decision_add", args=[self.meeting.pk]),
            reverse("meetings:minutes_approve", args=[self.meeting.pk, 1]),
            reverse("meetings:document_upload", args=[self.meeting.pk]),
        ]
        for user in (self.focal_point_a, self.focal_point_b, self.observer):
            self.login(user)
            for url in urls:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
            for url in posts:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(
                        self.client.post(url, {"text": "x"}).status_code, 403
                    )
        self.login(self.coordinator)
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        self.assertFalse(Minutes.objects.filter(status="approved").exists())


class PlanningPageTests(MeetingTestCase):
    def post_meeting(self, **changes: Any) -> Any:
        data = {
            "title": "Réunion de lancement",
            "kind": "scoping",
            "starts_at": "2030-04-15T10:00",
            "ends_at": "2030-04-15T12:00",
            "place": "Namur",
            "languages": ["fr", "nl"],
            "agenda": "Accueil | Présidence | 10\nTour de table",
            "invitees": ["CPAS de Liège (CPAS Liège)", "CRVI", ""],
            "send": "on",
        }
        data.update(changes)
        return self.client.post(reverse("meetings:meeting_create"), data)

    def test_a_coordinator_plans_a_meeting_in_brussels_time(self):
        self.login(self.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.post_meeting()
        meeting = Meeting.objects.get(title="Réunion de lancement")
        self.assertRedirects(response, meeting.get_absolute_url())
        self.assertEqual(
            meeting.starts_at, datetime.datetime(2030, 4, 15, 8, 0, tzinfo=datetime.UTC)
        )
        self.assertEqual(meeting.agenda.count(), 2)
        self.assertEqual(meeting.agenda.values_list("duration", flat=True)[0], 10)
        self.assertEqual(meeting.invitations.count(), 2)
        self.assertEqual(
            set(meeting.invitations.values_list("delivery", flat=True)), {"sent"}
        )
        page = self.client.get(meeting.get_absolute_url())
        self.assertContains(page, "10:00")
        self.assertContains(page, "Envoyée")

    def test_bad_input_gets_messages_and_saves_nothing(self):
        self.login(self.coordinator)
        cases = {
            "ends_at": "2030-04-15T09:00",
            "starts_at": "29 mars",
            "agenda": "Point | Personne | dix minutes",
            "place": "",
            "title": "x" * 5000,
            "languages": ["xx"],
            "invitees": ["Organisation qui n'existe pas"],
        }
        for field, value in cases.items():
            with self.subTest(field=field):
                response = self.post_meeting(**{field: value})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Rien n'a été enregistré")
        self.assertFalse(Meeting.objects.filter(title="Réunion de lancement").exists())
        response = self.post_meeting(title="Nul\x00caractère")
        self.assertEqual(response.status_code, 200)

    def test_a_time_that_does_not_exist_in_brussels_is_refused(self):
        self.login(self.coordinator)
        response = self.post_meeting(starts_at="2030-03-31T02:30")
        self.assertContains(response, "Rien n'a été enregistré")

    def test_a_body_meeting_starts_with_its_members(self):
        self.login(self.coordinator)
        response = self.client.get(
            reverse("meetings:meeting_create") + f"?organe={self.body.pk}"
        )
        self.assertContains(response, "CPAS de Liège")
        self.assertEqual(
            self.client.get(
                reverse("meetings:meeting_create") + "?organe=99999999999999999999"
            ).status_code,
            200,
        )

    def test_an_edit_with_a_stale_version_is_a_conflict(self):
        self.login(self.coordinator)
        url = reverse("meetings:meeting_update", args=[self.meeting.pk])
        data = {
            "title": "Plénière",
            "kind": "plenary",
            "body": self.body.pk,
            "starts_at": "2030-12-10T14:00",
            "ends_at": "2030-12-10T16:00",
            "place": "Liège",
            "agenda": "",
            "version": self.meeting.version - 1 if self.meeting.version > 1 else 99,
        }
        self.assertEqual(self.client.post(url, data).status_code, 409)
        data["version"] = self.meeting.version
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_copy_series_and_cancel(self):
        self.login(self.coordinator)
        url = reverse("meetings:meeting_copy", args=[self.meeting.pk])
        response = self.client.post(
            url, {"copy": "1", "copy-starts_at": "2031-01-14T14:00"}
        )
        copy = Meeting.objects.exclude(pk__in=[self.meeting.pk, self.scoping.pk]).get()
        self.assertRedirects(response, copy.get_absolute_url())
        for count in ("0", "53", "abc", "9" * 30):
            response = self.client.post(
                url, {"series": "1", "series-cadence": "monthly", "series-count": count}
            )
            self.assertEqual(response.status_code, 200)
        response = self.client.post(
            url, {"series": "1", "series-cadence": "monthly", "series-count": "3"}
        )
        self.assertEqual(Meeting.objects.count(), 6)
        cancel = reverse("meetings:meeting_cancel", args=[copy.pk])
        self.client.post(cancel, {"version": copy.version})
        self.assertEqual(Meeting.objects.get(pk=copy.pk).status, "cancelled")


class FollowUpPageTests(MeetingTestCase):
    def setUp(self) -> None:
        temp_media(self)

    def test_attendance_minutes_decisions_and_actions_from_the_pages(self):
        self.login(self.coordinator)
        meeting = services.meeting_copy(
            self.meeting, by=self.coordinator, starts_at=brussels(2026, 11, 2, 14, 0)
        )
        url = reverse("meetings:attendance_edit", args=[meeting.pk])
        page = self.client.get(url)
        self.assertContains(page, "CPAS de Liège")
        data = {
            "attendance-TOTAL_FORMS": "2",
            "attendance-INITIAL_FORMS": "0",
            "attendance-MIN_NUM_FORMS": "0",
            "attendance-MAX_NUM_FORMS": "300",
            "attendance-0-organisation": "CPAS Liège",
            "attendance-0-name": "Anne Partagée",
            "attendance-0-presence": "present",
            "attendance-1-organisation": "CRVI",
            "attendance-1-presence": "",
        }
        self.assertEqual(self.client.post(url, data).status_code, 400)
        data["attendance-1-presence"] = "excused"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(Attendance.objects.filter(meeting=meeting).count(), 2)
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).status, "held")

        minutes = reverse("meetings:minutes_edit", args=[meeting.pk])
        self.client.post(
            minutes, {"text": "<p>Ouverture</p><script>x</script>", "number": "0"}
        )
        self.client.post(reverse("meetings:minutes_approve", args=[meeting.pk, 1]))
        self.assertEqual(Minutes.objects.get(meeting=meeting).status, "approved")
        page = self.client.get(meeting.get_absolute_url())
        self.assertContains(page, "<p>Ouverture</p>", html=False)
        self.assertNotContains(page, "<script>x</script>")

        self.client.post(
            reverse("meetings:decision_add", args=[meeting.pk]),
            {"text": "Créer un groupe logement."},
        )
        self.assertContains(
            self.client.get(meeting.get_absolute_url()), "Décision n° 1"
        )

        response = self.client.post(
            reverse("meetings:action_create", args=[meeting.pk]),
            {
                "title": "Recenser les logements",
                "owner_organisation": "CPAS Liège",
                "owner": self.focal_point_a.pk,
                "due_date": "2026-12-01",
                "status": "open",
            },
        )
        self.assertEqual(response.status_code, 302)
        action = Action.objects.get(title="Recenser les logements")

        # The owner sees it under "my actions" and marks it done.
        self.login(self.focal_point_a)
        self.assertContains(
            self.client.get(reverse("meetings:my_actions")), "Recenser les logements"
        )
        response = self.client.post(
            action.get_absolute_url(),
            {"status": "done", "note": "Fait.", "version": action.version},
        )
        self.assertRedirects(response, action.get_absolute_url())
        self.assertEqual(Action.objects.get(pk=action.pk).status, "done")
        # Focal point B sees the action (its organisation was invited), may not
        # change it.
        self.login(self.focal_point_b)
        self.assertEqual(self.client.get(action.get_absolute_url()).status_code, 200)
        self.assertEqual(
            self.client.post(
                action.get_absolute_url(), {"status": "open", "version": 9}
            ).status_code,
            403,
        )
        self.login(self.observer)
        self.assertEqual(self.client.get(action.get_absolute_url()).status_code, 403)

    def test_the_board_filters_and_survives_junk(self):
        services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": "En retard",
                "owner_organisation": self.organisation_a,
                "due_date": datetime.date(2020, 1, 1),
            },
        )
        services.action_create(
            by=self.coordinator,
            meeting=None,
            fields={
                "title": "Plus tard",
                "owner_organisation": self.organisation_c,
                "due_date": datetime.date(2040, 1, 1),
            },
        )
        self.login(self.coordinator)
        board = reverse("meetings:action_board")
        self.assertContains(self.client.get(board + "?retard=1"), "En retard")
        self.assertNotContains(self.client.get(board + "?retard=1"), "Plus tard")
        for junk in (
            "?statut=%00",
            "?organe=abc",
            "?echeance=2020-13-45",
            "?theme=" + "9" * 40,
            "?page=-1",
            "?responsable=' OR 1=1",
        ):
            with self.subTest(junk=junk):
                self.assertEqual(self.client.get(board + junk).status_code, 200)
        self.login(self.focal_point_b)
        response = self.client.get(board)
        self.assertContains(response, "En retard")
        self.assertNotContains(response, "Plus tard")

    def test_documents_go_only_to_those_who_see_the_meeting(self):
        self.login(self.coordinator)
        upload = reverse("meetings:document_upload", args=[self.scoping.pk])
        self.client.post(
            upload,
            {"file": SimpleUploadedFile("Note de cadrage.pdf", PDF, "application/pdf")},
        )
        document = Document.objects.get()
        self.assertNotIn("Note", str(document.file.name))
        url = reverse("meetings:document_download", args=[document.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        for user, status in ((self.focal_point_a, 404), (self.observer, 403)):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, status)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.login(self.coordinator)
        for name, content in (
            ("faux.pdf", b"MZ\x90\x00"),
            ("script.html", b"<script>"),
            ("vide.txt", b""),
            ("binaire.txt", b"\xff\xfe\x00"),
        ):
            self.client.post(upload, {"file": SimpleUploadedFile(name, content)})
        self.assertEqual(Document.objects.count(), 1)
        with override_settings(MEETING_DOCUMENT_MAX_BYTES=10):
            response = self.client.post(
                upload, {"file": SimpleUploadedFile("gros.pdf", PDF)}, follow=True
            )
        self.assertContains(response, "au plus")
        self.assertEqual(Document.objects.count(), 1)


@override_settings(SITE_ROOT="https://maillage.example.org")
class AnswerLinkTests(MeetingTestCase):
    def url(self, invitation: Invitation) -> str:
        return reverse("meetings:invitation_answer", args=[answer_token(invitation)])

    def test_an_invitee_declines_without_an_account(self):
        invitation = self.scoping.invitations.get()
        page = self.client.get(self.url(invitation))
        self.assertContains(page, "Cadrage avec la Croix-Rouge")
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.opened_at)
        response = self.client.post(
            self.url(invitation), {"answer": "declined", "note": "Indisponible"}
        )
        self.assertContains(response, "Merci")
        invitation.refresh_from_db()
        self.assertEqual(invitation.answer, "declined")

    def test_a_delegate_needs_a_name_and_an_address(self):
        invitation = self.scoping.invitations.get()
        response = self.client.post(self.url(invitation), {"answer": "delegated"})
        self.assertEqual(response.status_code, 400)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                self.url(invitation),
                {
                    "answer": "delegated",
                    "delegate_name": "Dora",
                    "delegate_email": "dora@example.org",
                },
            )
        delegate = Invitation.objects.get(delegated_from=invitation)
        self.assertEqual(delegate.delivery, "sent")
        self.assertEqual(self.client.get(self.url(delegate)).status_code, 200)
        self.assertNotContains(self.client.get(self.url(invitation)), 'type="radio"')

    def test_a_link_works_only_for_its_invitation_and_until_the_meeting_ends(self):
        invitation = self.scoping.invitations.get()
        other = self.meeting.invitations.all()[0]
        token = answer_token(invitation)
        pk, signature = token.split("-")
        forged = [
            f"{other.pk}-{signature}",
            f"{pk}-{'0' * 64}",
            f"{pk}-{signature[:-1]}",
            "abc",
            "9" * 40 + "-" + signature,
            f"{pk}--{signature}",
        ]
        for token in forged:
            with self.subTest(token=token):
                url = reverse("meetings:invitation_answer", args=[token])
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(
                    self.client.post(url, {"answer": "accepted"}).status_code, 404
                )
        Meeting.objects.filter(pk=self.scoping.pk).update(
            starts_at=timezone.now() - datetime.timedelta(hours=3),
            ends_at=timezone.now() - datetime.timedelta(hours=1),
        )
        response = self.client.post(self.url(invitation), {"answer": "accepted"})
        self.assertContains(response, "ne permet plus de répondre", status_code=410)
        invitation.refresh_from_db()
        self.assertEqual(invitation.answer, "pending")
        # Once over, the link shows neither the place nor the online link.
        response = self.client.get(self.url(invitation))
        self.assertEqual(response.status_code, 410)
        self.assertNotContains(response, "visio.example.org", status_code=410)
        self.assertIsNone(Invitation.objects.get(pk=invitation.pk).opened_at)


class FeedTests(MeetingTestCase):
    def test_a_personal_feed_shows_what_its_owner_sees_until_revoked(self):
        token = feed_create(self.focal_point_b, body=None)
        url = reverse("meetings:feed", args=[token])
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertContains(response, "Plénière de décembre")
        self.assertNotContains(response, "Cadrage avec la Croix-Rouge")
        self.login(self.focal_point_b)
        feed_id = self.focal_point_b.calendar_feeds.get().pk
        self.client.post(reverse("meetings:feed_list"), {"revoke": feed_id})
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("meetings:feed", args=["x" * 30])).status_code, 404
        )

    def test_a_body_feed_is_made_only_by_who_sees_the_body(self):
        self.login(self.focal_point_a)
        response = self.client.post(
            reverse("meetings:feed_list"), {"body": self.body.pk}
        )
        self.assertContains(response, "/reunions/agendas/")
        self.login(self.focal_point_b)
        self.assertEqual(
            self.client.post(
                reverse("meetings:feed_list"), {"body": self.body.pk}
            ).status_code,
            404,
        )
        self.assertEqual(
            self.client.post(
                reverse("meetings:feed_list"), {"body": "abc"}
            ).status_code,
            200,
        )
        self.login(self.observer)
        self.assertEqual(
            self.client.get(reverse("meetings:feed_list")).status_code, 403
        )


class ExportTests(MeetingTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.minutes_save(
            cls.scoping,
            by=cls.coordinator,
            text=(
                "<h2>Tour de table</h2><p>Le <strong>CPAS</strong> présente "
                "<a href='https://example.org'>son offre</a>.</p>"
                "<ul><li>Logement</li><li>Emploi</li></ul>"
                "<table><tr><th>Thème</th><th>Qui</th></tr>"
                "<tr><td>Logement</td><td>CPAS</td></tr></table>"
            ),
            number=None,
        )
        services.decision_add(cls.scoping, by=cls.coordinator, text="Se revoir.")
        services.action_create(
            by=cls.coordinator,
            meeting=cls.scoping,
            fields={
                "title": '=HYPERLINK("http://x")',
                "owner_organisation": cls.organisation_c,
                "due_date": datetime.date(2020, 1, 1),
            },
        )

    def test_the_minutes_as_pdf_and_docx(self):
        import io

        from docx import Document as WordDocument

        self.login(self.coordinator)
        pdf = self.client.get(
            reverse("meetings:minutes_pdf", args=[self.scoping.pk, 1])
        )
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF-"))
        docx = self.client.get(
            reverse("meetings:minutes_docx", args=[self.scoping.pk, 1])
        )
        document = WordDocument(io.BytesIO(docx.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Tour de table", text)
        self.assertIn("Le CPAS présente son offre.", text)
        self.assertIn("Décision n° 1 — Se revoir.", text)
        self.assertEqual(document.tables[0].cell(1, 0).text, "Logement")
        for user, status in ((self.focal_point_a, 404), (self.observer, 403)):
            self.login(user)
            for name in ("meetings:minutes_pdf", "meetings:minutes_docx"):
                url = reverse(name, args=[self.scoping.pk, 1])
                self.assertEqual(self.client.get(url).status_code, status)
        self.login(self.coordinator)
        missing = reverse("meetings:minutes_pdf", args=[self.scoping.pk, 7])
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_the_actions_as_a_spreadsheet_with_the_board_s_filters(self):
        import io

        import openpyxl  # type: ignore[import-untyped]

        self.login(self.coordinator)
        response = self.client.get(reverse("meetings:actions_export") + "?retard=1")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Action")
        self.assertEqual(len(rows), 2)
        # Text stays text, never a formula.
        self.assertEqual(rows[1][0], '=HYPERLINK("http://x")')
        self.assertEqual(sheet["A2"].data_type, "s")
        self.login(self.focal_point_a)
        response = self.client.get(reverse("meetings:actions_export"))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        self.assertEqual(sheet.max_row, 1)


class EngagementQueryTests(MeetingTestCase):
    """The engagement log of an organisation that was invited, attended and owns
    actions reads a fixed number of queries, whatever their number."""

    def add_meetings(self, count: int) -> None:
        for number in range(count):
            meeting = services.meeting_create(
                by=self.coordinator,
                fields={
                    "title": f"Réunion {number}",
                    "kind": Meeting.Kind.PLENARY,
                    "body": self.body,
                    "starts_at": brussels(2024, 10, 1 + number, 14, 0),
                    "ends_at": brussels(2024, 10, 1 + number, 16, 0),
                    "place": "Liège",
                },
                invitees=services.body_invitees(self.body),
            )
            services.attendance_record(
                meeting,
                by=self.coordinator,
                rows=[
                    services.AttendanceRow(
                        self.organisation_a, f"Personne {number}", "present"
                    )
                ],
            )
            services.action_create(
                by=self.coordinator,
                meeting=meeting,
                fields={
                    "title": f"Action {number}",
                    "owner_organisation": self.organisation_a,
                    "due_date": datetime.date(2031, 1, 1),
                },
            )

    def test_the_query_count_does_not_grow_with_the_meetings(self):
        # The page's own queries (see register/tests/test_organisation_page.py)
        # and five for the engagement log: its last meetings, the answers'
        # counts, the attendance, the actions, and the presence at the last
        # meetings. A focal point's are the same, with their meetings.
        counts = {"coordinator": 14, "focal_point_a": 15}
        url = self.organisation_a.get_absolute_url()
        for size, added in (("small", 1), ("large", 12)):
            self.add_meetings(added)
            self.login(self.coordinator)
            self.client.get(url)
            for persona, count in counts.items():
                self.login(getattr(self, persona))
                with (
                    self.subTest(persona=persona, size=size),
                    self.assertNumQueries(count),
                ):
                    response = self.client.get(url)
                self.assertContains(response, "Réunions où elle était présente")
        self.assertContains(response, "Voir ses actions")


class BodySectionTests(MeetingTestCase):
    def test_a_body_page_shows_its_next_meetings_to_those_who_see_them(self):
        url = self.body.get_absolute_url()
        for user, shown in (
            (self.coordinator, True),
            (self.focal_point_a, True),
            (self.focal_point_b, False),
            (self.observer, False),
        ):
            self.login(user)
            with self.subTest(user=user.email):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    "Plénière de décembre" in response.content.decode(), shown
                )
        self.login(self.coordinator)
        self.assertContains(
            self.client.get(url), f"/reunions/nouvelle/?organe={self.body.pk}"
        )

    def test_an_organisation_s_engagement_links_to_its_actions(self):
        services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": "Recenser",
                "owner_organisation": self.organisation_a,
                "due_date": datetime.date(2031, 1, 1),
            },
        )
        self.login(self.focal_point_a)
        response = self.client.get(self.organisation_a.get_absolute_url())
        self.assertContains(response, "Participation aux réunions")
        self.assertContains(
            response, f"/reunions/actions/?organisation={self.organisation_a.pk}"
        )
        self.login(self.observer)
        response = self.client.get(self.organisation_a.get_absolute_url())
        self.assertNotContains(response, "Participation aux réunions")
