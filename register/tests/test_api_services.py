"""The services endpoints: the 4W rows, read by all, written by their owners."""

import datetime
from typing import Any

from register.models import Organisation, Service
from register.tests.api_base import (
    API,
    BASTOGNE,
    FORMER_BASTOGNE,
    LIEGE,
    NAMUR,
    ApiTestCase,
)
from taxonomy.models import Theme

SERVICES = f"{API}/services"
CONTRACT = {
    "id",
    "organisation",
    "theme",
    "target_groups",
    "communes",
    "start_date",
    "end_date",
    "status",
    "published",
    "version",
}


class ServiceReadTests(ApiTestCase):
    def titles(self, **query: Any) -> list[str]:
        response = self.call(self.observer, "get", SERVICES, **query)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["title"] for item in response.json()["items"]]

    def test_it_lists_services_with_the_contract_fields(self):
        body = self.call(self.focal_point_b, "get", SERVICES).json()
        self.assertEqual(body["count"], 2)
        first = body["items"][0]
        self.assertLessEqual(CONTRACT, set(first))
        self.assertEqual(first["organisation"], self.organisation_a.pk)
        self.assertEqual(first["theme"], "housing")
        self.assertEqual(first["target_groups"], ["children", "older-people"])
        self.assertEqual(first["communes"], [LIEGE, NAMUR])
        self.assertEqual(first["funders"], [self.organisation_c.pk])
        self.assertEqual(first["start_date"], "2026-01-01")

    def test_it_filters(self):
        Service.objects.filter(pk=self.service_b.pk).update(
            status="suspended",
            published=True,
            subtheme=Theme.objects.get(code="french-courses"),
        )
        self.assertEqual(
            self.titles(organisation=self.organisation_b.pk), ["Cours de français"]
        )
        self.assertEqual(self.titles(theme="housing"), ["Logement d'urgence"])
        self.assertEqual(self.titles(theme="french-courses"), ["Cours de français"])
        self.assertEqual(self.titles(status="suspended"), ["Cours de français"])
        self.assertEqual(self.titles(published="true"), ["Cours de français"])
        self.assertEqual(self.titles(published="false"), ["Logement d'urgence"])
        self.assertEqual(self.titles(commune=LIEGE), ["Logement d'urgence"])
        self.assertEqual(len(self.titles(commune=NAMUR)), 2)
        self.assertEqual(self.titles(commune="57081"), [])
        self.assertEqual(len(self.titles(target_group="children")), 2)
        self.assertEqual(self.titles(target_group="roma"), [])

    def test_it_searches_titles_and_organisations(self):
        self.assertEqual(self.titles(q="francais"), ["Cours de français"])
        self.assertEqual(self.titles(q="liège"), ["Logement d'urgence"])

    def test_a_former_commune_code_filters_by_its_successor(self):
        service = self.make_service(self.organisation_c, "Vestiaire")
        service.service_communes.filter(commune_id=LIEGE).update(commune_id=BASTOGNE)
        self.assertEqual(self.titles(commune=FORMER_BASTOGNE), ["Vestiaire"])

    def test_one_service(self):
        response = self.call(self.observer, "get", f"{SERVICES}/{self.service_b.pk}")
        self.assertEqual(response.json()["theme"], "language-learning")
        missing = self.call(self.observer, "get", f"{SERVICES}/999999")
        self.assert_problem(missing, 404)


class ServiceWriteTests(ApiTestCase):
    def create(self, user=None, **fields: Any) -> Any:
        body = {
            "organisation": self.organisation_a.pk,
            "theme": "language-learning",
            "title": "Table de conversation",
            **fields,
        }
        return self.call(user or self.focal_point_a, "post", SERVICES, body)

    def patch(self, service: Service, user=None, **fields: Any) -> Any:
        return self.call(
            user or self.focal_point_a, "patch", f"{SERVICES}/{service.pk}", fields
        )

    def test_a_focal_point_adds_a_service_to_their_organisation(self):
        response = self.create(
            subtheme="french-courses",
            target_groups=["women-at-risk", "children"],
            communes=[LIEGE, FORMER_BASTOGNE],
            languages=["fr", "uk", "ru"],
            delivery_mode="mixed",
            capacity=15,
            capacity_unit="places",
            access="referral",
            referral_how="Par l'assistant·e social·e",
            start_date="2026-03-01",
            end_date="2026-12-31",
            status="planned",
            funders=[self.organisation_c.pk],
            published=True,
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["subtheme"], "french-courses")
        self.assertEqual(body["communes"], [LIEGE, BASTOGNE])
        self.assertEqual(set(body["target_groups"]), {"women-at-risk", "children"})
        self.assertEqual((body["status"], body["version"]), ("planned", 1))
        service = Service.objects.get(pk=body["id"])
        self.assertEqual(service.history.get().history_user, self.focal_point_a)
        # The organisation is found by the words of its new service.
        found = self.call(
            self.observer, "get", f"{API}/organisations", q="conversation"
        )
        self.assertEqual(found.json()["items"][0]["id"], self.organisation_a.pk)

    def test_a_focal_point_cannot_add_a_service_to_another_organisation(self):
        before = self.counts()
        response = self.create(organisation=self.organisation_b.pk)
        self.assert_problem(response, 403)
        self.assertEqual(self.counts(), before)

    def test_a_change_replaces_the_lists_sent_and_keeps_the_rest(self):
        response = self.patch(
            self.service_a, version=1, communes=[NAMUR], target_groups=[], capacity=3
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["communes"], [NAMUR])
        self.assertEqual(body["target_groups"], [])
        self.assertEqual(body["funders"], [self.organisation_c.pk])
        self.assertEqual((body["capacity"], body["version"]), (3, 2))
        self.assertEqual(body["title"], "Logement d'urgence")

    def test_a_stale_version_is_a_409_and_nothing_is_written(self):
        self.patch(self.service_a, version=1, title="Hébergement d'urgence")
        before = self.counts()
        response = self.patch(self.service_a, self.coordinator, version=1, capacity=9)
        body = self.assert_problem(response, 409)
        self.assertEqual(body["version"], 2)
        self.assertEqual(body["current"]["title"], "Hébergement d'urgence")
        self.assertEqual(body["current"]["communes"], [LIEGE, NAMUR])
        self.assertEqual(self.counts(), before)
        self.assertIsNone(Service.objects.get(pk=self.service_a.pk).capacity)

    def test_focal_points_cannot_reach_each_others_services(self):
        before = self.counts()
        path = f"{SERVICES}/{self.service_b.pk}"
        self.assert_problem(self.patch(self.service_b, version=1, title="Pris"), 403)
        self.assert_problem(self.call(self.focal_point_a, "delete", path), 403)
        self.assertEqual(self.counts(), before)
        self.assertEqual(Service.objects.get(pk=self.service_b.pk).version, 1)

    def test_a_service_is_deleted_by_its_organisation(self):
        response = self.call(
            self.focal_point_a, "delete", f"{SERVICES}/{self.service_a.pk}"
        )
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Service.objects.filter(pk=self.service_a.pk).exists())


class ServiceBadInputTests(ApiTestCase):
    """Each bad input: a problem naming the field, and nothing written."""

    def setUp(self):
        super().setUp()
        self.before = self.counts()
        self.versions_before = self.versions()

    def assert_refused(self, response: Any, *locations: str) -> dict[str, Any]:
        body = self.assert_problem(response, 422, *locations)
        self.assertEqual(self.counts(), self.before)
        self.assertEqual(self.versions(), self.versions_before)
        return body

    def create(self, **fields: Any) -> Any:
        body = {
            "organisation": self.organisation_a.pk,
            "theme": "health",
            "title": "Permanence",
            **fields,
        }
        return self.call(self.coordinator, "post", SERVICES, body)

    def patch(self, **fields: Any) -> Any:
        return self.call(
            self.coordinator,
            "patch",
            f"{SERVICES}/{self.service_a.pk}",
            {"version": 1, **fields},
        )

    def test_an_end_date_before_the_start_date(self):
        self.assert_refused(
            self.create(start_date="2026-05-01", end_date="2026-04-30"),
            "body.end_date",
        )
        # service_a started on 2026-01-01.
        self.assert_refused(self.patch(end_date="2025-12-31"), "body.end_date")

    def test_an_archived_organisation_gets_no_new_service(self):
        Organisation.objects.filter(pk=self.organisation_a.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        self.before = self.counts()
        self.assert_refused(self.create(), "body.organisation")
        funded_by_a = self.create(
            organisation=self.organisation_b.pk, funders=[self.organisation_a.pk]
        )
        self.assert_refused(funded_by_a, "body.funders")

    def test_unknown_codes_ids_and_nis(self):
        body = self.assert_refused(
            self.create(
                theme="astrology",
                target_groups=["children", "martians"],
                communes=[LIEGE, "00000"],
                funders=[999999],
                languages=["elvish"],
            ),
            "body.theme",
            "body.target_groups",
            "body.communes",
            "body.funders",
            "body.languages",
        )
        messages = str(body["errors"])
        for value in ("astrology", "martians", "00000", "999999", "elvish"):
            self.assertIn(value, messages)
        self.assert_refused(self.create(organisation=999999), "body.organisation")

    def test_a_subtheme_of_another_theme_or_a_subtheme_as_theme(self):
        self.assert_refused(self.create(subtheme="french-courses"), "body.subtheme")
        self.assert_refused(self.create(theme="french-courses"), "body.theme")

    def test_a_choice_outside_the_list(self):
        self.assert_refused(
            self.create(status="maybe", delivery_mode="teleport", cost="priceless"),
            "body.status",
            "body.delivery_mode",
            "body.cost",
        )
        self.assert_refused(self.patch(capacity=-1), "body.capacity")

    def test_null_on_a_required_field(self):
        self.assert_refused(self.patch(title=None, theme=None), "body.title")
        self.assert_refused(self.patch(theme=None), "body.theme")

    def test_dates_are_dates(self):
        self.assert_refused(self.create(start_date="demain"), "body.start_date")
        self.assertEqual(
            Service.objects.get(pk=self.service_a.pk).start_date,
            datetime.date(2026, 1, 1),
        )
