"""The assessments endpoints: a series of judgements, kept, never edited."""

import datetime
from typing import Any

from django.utils import timezone

from register.models import Assessment, Organisation
from register.tests.api_base import API, ApiTestCase

ASSESSMENTS = f"{API}/assessments"


class AssessmentTests(ApiTestCase):
    def create(self, user=None, **fields: Any) -> Any:
        body = {
            "organisation": self.organisation_a.pk,
            "influence": 5,
            "interest": 3,
            "attitude": "champion",
            "capacity": 4,
            "strategy": "empower",
            **fields,
        }
        return self.call(user or self.coordinator, "post", ASSESSMENTS, body)

    def test_a_new_assessment_joins_the_series_newest_first(self):
        response = self.create(note="Pilote du réseau local")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["assessed_on"], timezone.localdate().isoformat())
        self.assertEqual(body["author"], str(self.coordinator))
        listed = self.call(
            self.observer, "get", ASSESSMENTS, organisation=self.organisation_a.pk
        ).json()
        self.assertEqual(
            [item["id"] for item in listed["items"]],
            [body["id"], self.assessment_a.pk],
        )
        self.assertEqual(listed["items"][1]["influence"], 4)

    def test_it_filters_by_organisation(self):
        response = self.call(
            self.admin, "get", ASSESSMENTS, organisation=self.organisation_b.pk
        )
        self.assertEqual(response.json(), {"items": [], "count": 0})

    def test_one_assessment(self):
        path = f"{ASSESSMENTS}/{self.assessment_a.pk}"
        body = self.call(self.observer, "get", path).json()
        self.assertEqual(
            (body["attitude"], body["strategy"]), ("supportive", "collaborate")
        )
        self.assertEqual(body["assessed_on"], "2026-03-01")
        self.assert_problem(self.call(self.observer, "get", f"{ASSESSMENTS}/0"), 404)

    def test_focal_points_neither_read_nor_write_assessments(self):
        before = self.counts()
        path = f"{ASSESSMENTS}/{self.assessment_a.pk}"
        self.assert_problem(self.call(self.focal_point_a, "get", path), 403)
        self.assert_problem(self.create(self.focal_point_a), 403)
        self.assert_problem(self.create(self.observer), 403)
        self.assertEqual(self.counts(), before)

    def test_bad_inputs_are_refused_and_nothing_is_written(self):
        Organisation.objects.filter(pk=self.organisation_b.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        cases: list[tuple[dict[str, Any], str]] = [
            ({"influence": 6}, "body.influence"),
            ({"interest": 0}, "body.interest"),
            ({"attitude": "hostile"}, "body.attitude"),
            ({"strategy": "ignore"}, "body.strategy"),
            ({"organisation": 999999}, "body.organisation"),
            ({"organisation": self.organisation_b.pk}, "body.organisation"),
            ({"assessed_on": "hier"}, "body.assessed_on"),
        ]
        for fields, location in cases:
            with self.subTest(fields=fields):
                self.assert_problem(self.create(**fields), 422, location)
        self.assertEqual(list(Assessment.objects.all()), [self.assessment_a])

    def test_the_date_may_be_given(self):
        response = self.create(assessed_on="2025-12-01")
        self.assertEqual(
            Assessment.objects.get(pk=response.json()["id"]).assessed_on,
            datetime.date(2025, 12, 1),
        )
