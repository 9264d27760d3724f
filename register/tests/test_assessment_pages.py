"""Stakeholder assessments: coordinators add them, the series is kept."""

from django.urls import reverse

from register import services
from register.models import Assessment
from register.tests.base import RegisterTestCase


class AssessmentPageTests(RegisterTestCase):
    def data(self, **changes):
        return {
            "influence": "4",
            "interest": "2",
            "capacity": "3",
            "attitude": "supportive",
            "strategy": "involve",
            "assessed_on": "2026-04-01",
            "note": "Acteur clé du logement.",
            **changes,
        }

    def test_a_coordinator_adds_assessments_and_the_series_is_kept(self):
        self.login(self.coordinator)
        url = reverse("register:assessment_create", args=[self.organisation_a.pk])
        response = self.client.get(url)
        self.assertContains(
            response,
            '<legend class="required">Influence (1–5)\xa0:</legend>',
            html=True,
        )
        self.client.post(url, self.data(assessed_on="2025-10-01", influence="2"))
        response = self.client.post(url, self.data())
        series = reverse("register:assessment_list", args=[self.organisation_a.pk])
        self.assertRedirects(response, series, fetch_redirect_response=False)
        self.assertEqual(Assessment.objects.count(), 2)
        self.assertEqual(Assessment.objects.latest("id").author, self.coordinator)
        self.login(self.observer)
        html = self.client.get(series).content.decode()
        self.assertLess(html.index("01/04/2026"), html.index("01/10/2025"))
        self.assertIn("Acteur clé du logement.", html)
        page = self.client.get(self.organisation_a.get_absolute_url())
        self.assertContains(
            page, "<dd>1 avril 2026 (charles.coord@example.org)</dd>", html=True
        )

    def test_bad_scales_are_refused(self):
        self.login(self.coordinator)
        url = reverse("register:assessment_create", args=[self.organisation_a.pk])
        response = self.client.post(url, self.data(influence="9"))
        self.assertContains(response, 'id="id_influence_error"')
        self.assertFalse(Assessment.objects.exists())

    def test_an_archived_organisation_is_not_assessed(self):
        services.organisation_archive(
            organisation_id=self.organisation_a.pk, by=self.coordinator
        )
        self.login(self.coordinator)
        url = reverse("register:assessment_create", args=[self.organisation_a.pk])
        response = self.client.post(url, self.data())
        self.assertContains(response, "est archivée")
        self.assertFalse(Assessment.objects.exists())

    def test_only_coordinators_add_and_focal_points_do_not_read(self):
        url = reverse("register:assessment_create", args=[self.organisation_a.pk])
        series = reverse("register:assessment_list", args=[self.organisation_a.pk])
        for user in (self.focal_point_a, self.observer):
            self.login(user)
            self.assertEqual(self.client.post(url, self.data()).status_code, 403)
        self.assertEqual(self.client.get(series).status_code, 200)
        self.assertNotContains(self.client.get(series), url)
        self.login(self.focal_point_a)
        self.assertEqual(self.client.get(series).status_code, 403)
        self.assertFalse(Assessment.objects.exists())
