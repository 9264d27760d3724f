"""The meetings' pages and endpoints read in a number of queries that does not
grow with the meetings, invitations and actions (pinned at two sizes)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from meetings import services
from meetings.models import Meeting
from meetings.tests.base import MeetingTestCase, brussels
from register.tests.factories import make_organisation


class QueryCountTests(MeetingTestCase):
    def grow(self, count: int) -> Meeting:
        """`count` more meetings of the body in December 2030, each inviting
        a new organisation too, with attendance, minutes, a decision and two
        actions (one of them focal point A's)."""
        last = self.meeting
        for number in range(count):
            extra = make_organisation(
                f"Organisation ajoutée {Meeting.objects.count()}-{number}",
                by=self.coordinator,
            )
            last = services.meeting_create(
                by=self.coordinator,
                fields={
                    "title": f"Réunion {number}",
                    "kind": "plenary",
                    "body": self.body,
                    "starts_at": brussels(2030, 12, 1 + number % 27, 9),
                    "ends_at": brussels(2030, 12, 1 + number % 27, 11),
                    "place": "Liège",
                },
                agenda=[services.AgendaRow("Point", "X", 5)],
                invitees=[
                    *services.body_invitees(self.body),
                    services.Invitee(self.organisation_b),
                    services.Invitee(extra),
                ],
            )
            services.minutes_save(last, by=self.coordinator, text="PV", number=None)
            decision = services.decision_add(last, by=self.coordinator, text="D")
            for owner, organisation in (
                (self.focal_point_a, self.organisation_a),
                (None, extra),
            ):
                services.action_create(
                    by=self.coordinator,
                    meeting=last,
                    fields={
                        "title": "Action",
                        "owner_organisation": organisation,
                        "owner": owner,
                        "due_date": datetime.date(2020 + number % 20, 1, 1),
                        "decision": decision,
                    },
                )
        return last

    def queries(self, user: User, url: str) -> int:
        self.login(user)
        # Once to fill the vocabularies' cache, which the writes emptied.
        self.client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(captured)

    def urls(self, meeting: Meeting) -> list[tuple[User, str]]:
        action = meeting.actions.first()
        assert action is not None
        return [
            (self.coordinator, "/reunions/?mois=2030-12"),
            (self.focal_point_b, "/reunions/?mois=2030-12"),
            (self.coordinator, "/reunions/?mois=2030-11&vue=liste"),
            (self.coordinator, meeting.get_absolute_url()),
            (self.focal_point_a, meeting.get_absolute_url()),
            (self.focal_point_a, reverse("meetings:my_actions")),
            (self.coordinator, reverse("meetings:action_board")),
            (self.focal_point_b, reverse("meetings:action_board") + "?retard=1"),
            (self.focal_point_a, action.get_absolute_url()),
            (self.coordinator, reverse("meetings:attendance_edit", args=[meeting.pk])),
            (self.focal_point_a, self.organisation_a.get_absolute_url()),
            (self.coordinator, self.body.get_absolute_url()),
            (self.focal_point_a, self.body.get_absolute_url()),
            (self.coordinator, "/api/v1/meetings?from=2030-01-01"),
            (self.focal_point_a, "/api/v1/actions?owner=me&overdue=true"),
            (self.coordinator, f"/api/v1/meetings/{meeting.pk}/invitations"),
            (self.focal_point_b, "/api/v1/actions"),
        ]

    def test_reads_do_not_grow_with_the_meetings(self):
        meeting = self.grow(2)
        before = [self.queries(user, url) for user, url in self.urls(meeting)]
        meeting = self.grow(4)
        after = [self.queries(user, url) for user, url in self.urls(meeting)]
        for (user, url), small, large in zip(
            self.urls(meeting), before, after, strict=True
        ):
            with self.subTest(user=user.email, url=url):
                self.assertEqual(small, large)
