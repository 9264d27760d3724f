"""Every page of the meetings, for every role: who reads, who writes, and
that those who may not get a 403 (or a 404 for what they may not see), and
anonymous visitors the sign-in page. The answer link and the calendar feeds
work without an account (see test_pages)."""

import datetime
from typing import Any, ClassVar

from django.urls import reverse

from meetings import services
from meetings.models import Action, Document
from meetings.tests.base import MeetingTestCase

READ = {
    "anonymous": 302,
    "admin": 200,
    "coordinator": 200,
    "focal_point_a": 200,
    "focal_point_b": 200,
    "observer": 403,
}
MANAGE = {**READ, "focal_point_a": 403, "focal_point_b": 403}
# The scoping meeting invites neither focal point's organisation. (Pages that
# only coordinators open refuse the others before looking the meeting up.)
HIDDEN = {**READ, "focal_point_a": 404, "focal_point_b": 404}


class PagePermissionTests(MeetingTestCase):
    action: ClassVar[Action]
    document: ClassVar[Document]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for meeting in (cls.meeting, cls.scoping):
            services.minutes_save(meeting, by=cls.coordinator, text="PV", number=None)
        cls.action = services.action_create(
            by=cls.coordinator,
            meeting=cls.scoping,
            fields={
                "title": "Action de la Croix-Rouge",
                "owner_organisation": cls.organisation_c,
                "due_date": datetime.date(2031, 1, 1),
            },
        )
        cls.document = Document.objects.create(
            meeting=cls.scoping,
            file="meetings/none",
            filename="note.pdf",
            content_type="application/pdf",
            size=10,
        )

    def gets(self) -> list[tuple[str, dict[str, int]]]:
        m, s = self.meeting.pk, self.scoping.pk
        return [
            (reverse("meetings:calendar"), READ),
            (reverse("meetings:calendar") + "?vue=liste", READ),
            (reverse("meetings:my_actions"), READ),
            (reverse("meetings:action_board"), READ),
            (reverse("meetings:actions_export"), READ),
            (reverse("meetings:feed_list"), READ),
            (reverse("meetings:meeting_create"), MANAGE),
            (reverse("meetings:meeting_detail", args=[m]), READ),
            (reverse("meetings:meeting_ics", args=[m]), READ),
            (reverse("meetings:minutes_version", args=[m, 1]), READ),
            (reverse("meetings:minutes_docx", args=[m, 1]), READ),
            (reverse("meetings:meeting_update", args=[m]), MANAGE),
            (reverse("meetings:meeting_cancel", args=[m]), MANAGE),
            (reverse("meetings:meeting_copy", args=[m]), MANAGE),
            (reverse("meetings:attendance_edit", args=[m]), MANAGE),
            (reverse("meetings:minutes_edit", args=[m]), MANAGE),
            (reverse("meetings:action_create", args=[m]), MANAGE),
            (reverse("meetings:meeting_detail", args=[s]), HIDDEN),
            (reverse("meetings:meeting_ics", args=[s]), HIDDEN),
            (reverse("meetings:minutes_version", args=[s, 1]), HIDDEN),
            (reverse("meetings:minutes_docx", args=[s, 1]), HIDDEN),
            (reverse("meetings:meeting_update", args=[s]), MANAGE),
            (reverse("meetings:attendance_edit", args=[s]), MANAGE),
            (reverse("meetings:action_detail", args=[self.action.pk]), HIDDEN),
            (reverse("meetings:action_update", args=[self.action.pk]), MANAGE),
        ]

    def posts(self) -> list[tuple[str, dict[str, Any]]]:
        m = self.meeting.pk
        return [
            (reverse("meetings:invitations_send", args=[m]), {}),
            (reverse("meetings:invitation_add", args=[m]), {"name": "X"}),
            (reverse("meetings:decision_add", args=[m]), {"text": "D"}),
            (reverse("meetings:minutes_approve", args=[m, 1]), {}),
            (reverse("meetings:document_upload", args=[m]), {}),
            (reverse("meetings:document_delete", args=[self.document.pk]), {}),
            (reverse("meetings:meeting_cancel", args=[m]), {"version": 1}),
            (reverse("meetings:meeting_copy", args=[m]), {"copy": "1"}),
        ]

    def test_every_page_answers_each_role_as_expected(self):
        for name, user in self.personas().items():
            self.login(user)
            for url, expected in self.gets():
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected[name])

    def test_only_coordinators_post_and_nothing_changes_otherwise(self):
        for name in ("anonymous", "focal_point_a", "focal_point_b", "observer"):
            self.login(self.personas()[name])
            for url, data in self.posts():
                with self.subTest(persona=name, url=url):
                    status = self.client.post(url, data).status_code
                    self.assertIn(status, (302, 403, 404))
                    if name != "anonymous":
                        self.assertNotEqual(status, 302)
        self.meeting.refresh_from_db()
        self.assertEqual((self.meeting.status, self.meeting.version), ("planned", 1))
        self.assertTrue(Document.objects.filter(pk=self.document.pk).exists())
        self.assertFalse(self.meeting.decisions.exists())

    def test_a_document_of_a_hidden_meeting_is_not_found(self):
        url = reverse("meetings:document_download", args=[self.document.pk])
        for name, expected in HIDDEN.items():
            self.login(self.personas()[name])
            with self.subTest(persona=name):
                status = self.client.get(url).status_code
                # The file itself is missing here: those who may see it get 404
                # too, after the check.
                self.assertEqual(status, 404 if expected == 200 else expected)

    def test_unknown_and_overflowing_ids_are_not_found(self):
        self.login(self.coordinator)
        for url in (
            "/reunions/99999999999999999999/",
            "/reunions/0/",
            "/reunions/actions/99999999999999999999/",
            "/reunions/documents/99999999999999999999/",
            f"/reunions/{self.meeting.pk}/proces-verbal/99999999999999999999/",
            "/reunions/reponse/%00/",
            "/reunions/agendas/..%2F..%2Fetc.ics",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
