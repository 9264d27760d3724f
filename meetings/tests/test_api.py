"""The meetings' API: the same permissions as the pages, versions on writes,
the invitations' states and answers, the .ics, attendance, decisions and
actions, and "my overdue actions"."""

import datetime
import json
from typing import Any

from django.core import mail
from django.test import override_settings

from accounts.models import User
from meetings import services
from meetings.models import Action, Meeting
from meetings.tests.base import MeetingTestCase, brussels

MEETINGS = "/api/v1/meetings"
ACTIONS = "/api/v1/actions"


@override_settings(SITE_ROOT="https://maillage.example.org")
class MeetingApiTests(MeetingTestCase):
    def call(
        self, user: User | None, method: str, path: str, body: Any = None, **query: Any
    ) -> Any:
        self.login(user)
        if method == "get":
            return self.client.get(path, query)
        return getattr(self.client, method)(
            path,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
        )

    def new_meeting(self, **changes: Any) -> dict[str, Any]:
        return {
            "title": "Groupe de travail logement",
            "kind": "working_group",
            "body": self.body.pk,
            "starts_at": "2030-10-24T23:30:00+02:00",
            "ends_at": "2030-10-27T10:00:00+01:00",
            "place": "Liège",
            "languages": ["fr", "nl"],
            "agenda": [{"title": "Accueil", "presenter": "Présidence", "duration": 10}],
            "invitees": [self.organisation_c.pk],
            "send": True,
            **changes,
        }

    def test_a_coordinator_plans_changes_and_lists_meetings(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.call(self.coordinator, "post", MEETINGS, self.new_meeting())
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        self.assertEqual(created["starts_at"], "2030-10-24T23:30:00+02:00")
        self.assertEqual(created["agenda"][0]["duration"], 10)
        self.assertEqual(created["sequence"], 0)
        meeting_id = created["id"]
        invitations = self.call(
            self.coordinator, "get", f"{MEETINGS}/{meeting_id}/invitations"
        ).json()
        self.assertEqual(
            {(i["organisation"], i["state"]) for i in invitations},
            {(self.organisation_a.pk, "sent"), (self.organisation_c.pk, "sent")},
        )
        self.assertEqual(len(mail.outbox), 2)

        stale = self.call(
            self.coordinator,
            "patch",
            f"{MEETINGS}/{meeting_id}",
            {"version": 9, "place": "Namur"},
        )
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(stale.json()["current"]["place"], "Liège")
        with self.captureOnCommitCallbacks(execute=True):
            changed = self.call(
                self.coordinator,
                "patch",
                f"{MEETINGS}/{meeting_id}",
                {"version": created["version"], "place": "Namur"},
            ).json()
        self.assertEqual((changed["place"], changed["sequence"]), ("Namur", 1))
        self.assertEqual(len(mail.outbox), 4)

        listed = self.call(
            self.coordinator,
            "get",
            MEETINGS,
            body=self.body.pk,
            **{"from": "2030-10-24", "to": "2030-10-24"},
        )
        self.assertEqual([m["id"] for m in listed.json()["items"]], [meeting_id])
        listed = self.call(self.coordinator, "get", MEETINGS, **{"from": "2030-10-25"})
        self.assertNotIn(meeting_id, [m["id"] for m in listed.json()["items"]])

    def test_bad_meetings_get_problems_and_nothing_is_written(self):
        before = Meeting.objects.count()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"ends_at": "2030-10-24T20:00:00+02:00"}, "ends_at"),
            ({"starts_at": "2030-10-24T23:30:00"}, "starts_at"),
            ({"starts_at": "0028-03-31T15:55:03+00:17"}, "starts_at"),
            ({"body": 999999}, "body"),
            ({"invitees": [999999]}, "invitees"),
            ({"languages": ["uk"]}, "languages"),
            ({"title": "x" * 201}, "title"),
            ({"title": "Nul\x00"}, "title"),
            ({"online_url": "javascript:alert(1)"}, "online_url"),
            ({"agenda": [{"title": "A", "duration": 0}]}, "agenda"),
        ]
        for changes, location in cases:
            with self.subTest(location=location, changes=changes):
                response = self.call(
                    self.coordinator, "post", MEETINGS, self.new_meeting(**changes)
                )
                self.assertIn(response.status_code, (400, 422), response.content)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertIn(location, response.content.decode())
        self.assertEqual(Meeting.objects.count(), before)
        self.assertEqual(mail.outbox, [])

    def test_permissions_per_role(self):
        meeting, scoping = self.meeting.pk, self.scoping.pk
        reads = [
            f"{MEETINGS}/{meeting}",
            f"{MEETINGS}/{meeting}/invitations",
            f"{MEETINGS}/{meeting}/ics",
            f"{MEETINGS}/{meeting}/attendance",
            f"{MEETINGS}/{meeting}/decisions",
            f"{MEETINGS}/{meeting}/minutes",
        ]
        expected = {
            "anonymous": 401,
            "admin": 200,
            "coordinator": 200,
            "focal_point_a": 200,
            "focal_point_b": 200,
            "observer": 403,
        }
        for name, user in self.personas().items():
            for path in reads:
                with self.subTest(name=name, path=path):
                    self.assertEqual(
                        self.call(user, "get", path).status_code, expected[name]
                    )
            for path in (
                f"{MEETINGS}/{scoping}",
                f"{MEETINGS}/{scoping}/minutes",
                f"{MEETINGS}/{scoping}/ics",
            ):
                with self.subTest(name=name, path=path):
                    status = self.call(user, "get", path).status_code
                    self.assertEqual(
                        status,
                        {"focal_point_a": 404, "focal_point_b": 404}.get(
                            name, expected[name]
                        ),
                    )
        writes: list[tuple[str, str, Any]] = [
            ("post", MEETINGS, self.new_meeting()),
            ("patch", f"{MEETINGS}/{meeting}", {"version": 1, "place": "X"}),
            ("post", f"{MEETINGS}/{meeting}/cancel", {"version": 1}),
            ("post", f"{MEETINGS}/{meeting}/send", None),
            ("post", f"{MEETINGS}/{meeting}/attendance", {"attendance": []}),
            ("post", f"{MEETINGS}/{meeting}/decisions", {"text": "D"}),
            ("post", f"{MEETINGS}/{meeting}/minutes", {"text": "PV"}),
            (
                "post",
                f"{MEETINGS}/{meeting}/actions",
                {
                    "title": "A",
                    "owner_organisation": self.organisation_a.pk,
                    "due_date": "2031-01-01",
                },
            ),
        ]
        for user in (self.focal_point_a, self.focal_point_b, self.observer):
            for method, path, body in writes:
                with self.subTest(user=user.email, path=path):
                    self.assertEqual(
                        self.call(user, method, path, body).status_code, 403
                    )
        self.assertEqual(Meeting.objects.get(pk=meeting).version, 1)

    def test_the_ics_of_a_meeting(self):
        response = self.call(
            self.focal_point_a, "get", f"{MEETINGS}/{self.meeting.pk}/ics"
        )
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn(b"DTSTART;TZID=Europe/Brussels:20301210T140000", response.content)

    def test_invitations_show_persons_only_to_their_organisation_and_coordinators(self):
        path = f"{MEETINGS}/{self.meeting.pk}/invitations"
        persons = {
            i["organisation"]: i["person"]
            for i in self.call(self.focal_point_a, "get", path).json()
        }
        self.assertIsNone(persons[self.organisation_b.pk])
        persons = {
            i["organisation"]: i["person"]
            for i in self.call(self.coordinator, "get", path).json()
        }
        self.assertEqual(persons[self.organisation_b.pk], "Bernard Confidentiel")

    def test_attendance_decisions_minutes_and_actions(self):
        meeting = services.meeting_copy(
            self.meeting, by=self.coordinator, starts_at=brussels(2026, 1, 5, 10)
        )
        base = f"{MEETINGS}/{meeting.pk}"
        response = self.call(
            self.coordinator,
            "post",
            f"{base}/attendance",
            {
                "attendance": [
                    {
                        "organisation": self.organisation_a.pk,
                        "person": "Anne",
                        "presence": "present",
                    }
                ]
            },
        )
        self.assertEqual(
            response.json(),
            [
                {
                    "organisation": self.organisation_a.pk,
                    "person": "Anne",
                    "presence": "present",
                }
            ],
        )
        bad = self.call(
            self.coordinator,
            "post",
            f"{base}/attendance",
            {"attendance": [{"organisation": 999999, "presence": "present"}]},
        )
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(
            self.call(self.coordinator, "get", f"{base}/attendance").json()[0][
                "person"
            ],
            "Anne",
        )
        decision = self.call(
            self.coordinator, "post", f"{base}/decisions", {"text": "Créer un groupe."}
        ).json()
        self.assertEqual((decision["number"], decision["body"]), (1, self.body.pk))
        draft = self.call(
            self.coordinator,
            "post",
            f"{base}/minutes",
            {"text": "<b>PV</b><script>x</script>", "number": 0},
        ).json()
        self.assertEqual((draft["number"], draft["text"]), (1, "<b>PV</b>"))
        approved = self.call(
            self.coordinator, "post", f"{base}/minutes/1/approve"
        ).json()
        self.assertEqual(approved["status"], "approved")
        self.assertEqual(
            self.call(
                self.coordinator, "post", f"{base}/minutes/1/approve"
            ).status_code,
            422,
        )
        action = self.call(
            self.coordinator,
            "post",
            f"{base}/actions",
            {
                "title": "Recenser",
                "owner_organisation": self.organisation_a.pk,
                "owner": self.focal_point_a.pk,
                "due_date": "2026-02-01",
                "decision": decision["id"],
                "theme": "housing",
            },
        )
        self.assertEqual(action.status_code, 201, action.content)
        self.assertEqual(action.json()["theme"], "housing")

    def test_my_overdue_actions_and_the_owner_s_update(self):
        late = services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": "En retard",
                "owner_organisation": self.organisation_a,
                "owner": self.focal_point_a,
                "due_date": datetime.date(2020, 1, 1),
            },
        )
        services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": "À venir",
                "owner_organisation": self.organisation_a,
                "owner": self.focal_point_a,
                "due_date": datetime.date(2040, 1, 1),
            },
        )
        services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": "D'un autre",
                "owner_organisation": self.organisation_b,
                "due_date": datetime.date(2020, 1, 1),
            },
        )
        mine = self.call(
            self.focal_point_a, "get", ACTIONS, owner="me", overdue="true"
        ).json()
        self.assertEqual([a["title"] for a in mine["items"]], ["En retard"])
        self.assertTrue(mine["items"][0]["overdue"])
        for junk in (
            {"owner": "quelqu'un"},
            {"theme": "inconnu"},
            {"due_before": "2020-02-31"},
            {"overdue": "peut-être"},
        ):
            with self.subTest(junk=junk):
                self.assertEqual(
                    self.call(self.focal_point_a, "get", ACTIONS, **junk).status_code,
                    422,
                )
        path = f"{ACTIONS}/{late.pk}"
        done = self.call(
            self.focal_point_a,
            "patch",
            path,
            {"version": late.version, "status": "done", "note": "Envoyé."},
        )
        self.assertEqual(done.json()["status"], "done", done.content)
        self.assertEqual(Action.objects.get(pk=late.pk).notes.get().text, "Envoyé.")
        # The owner changes the status, not the rest; someone else, nothing.
        self.assertEqual(
            self.call(
                self.focal_point_a,
                "patch",
                path,
                {"version": 2, "due_date": "2041-01-01"},
            ).status_code,
            403,
        )
        self.assertEqual(
            self.call(
                self.focal_point_b, "patch", path, {"version": 2, "status": "open"}
            ).status_code,
            403,
        )
        self.assertEqual(self.call(self.observer, "get", ACTIONS).status_code, 403)
        self.assertEqual(
            self.call(
                self.focal_point_a, "patch", path, {"version": 1, "status": "open"}
            ).status_code,
            409,
        )

    def test_actions_endpoints_per_role(self):
        hidden = services.action_create(
            by=self.coordinator,
            meeting=self.scoping,
            fields={
                "title": "De la Croix-Rouge",
                "owner_organisation": self.organisation_c,
                "due_date": datetime.date(2031, 1, 1),
            },
        )
        path = f"{ACTIONS}/{hidden.pk}"
        expected = {
            "anonymous": (401, 401, 401),
            "admin": (200, 200, 200),
            "coordinator": (200, 200, 200),
            "focal_point_a": (200, 404, 404),
            "focal_point_b": (200, 404, 404),
            "observer": (403, 403, 403),
        }
        for name, user in self.personas().items():
            with self.subTest(name=name):
                listed = self.call(user, "get", ACTIONS)
                one = self.call(user, "get", path)
                version = Action.objects.get(pk=hidden.pk).version
                changed = self.call(
                    user, "patch", path, {"version": version, "note": "Vu."}
                )
                self.assertEqual(
                    (listed.status_code, one.status_code, changed.status_code),
                    expected[name],
                )
                if listed.status_code == 200:
                    titles = [a["title"] for a in listed.json()["items"]]
                    self.assertEqual(
                        "De la Croix-Rouge" in titles, expected[name][1] == 200
                    )
