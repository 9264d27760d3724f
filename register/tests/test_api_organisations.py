"""The organisations endpoints: read, filter, create, change, archive."""

from typing import Any

from register.models import Organisation
from register.tests.api_base import (
    API,
    BASTOGNE,
    FORMER_BASTOGNE,
    LIEGE,
    NAMUR,
    ApiTestCase,
)
from taxonomy.models import ActorType, Theme
from territory.models import Commune

ORGANISATIONS = f"{API}/organisations"
CONTRACT = {
    "id",
    "name",
    "acronym",
    "enterprise_number",
    "level",
    "sector",
    "actor_type",
    "parent",
    "postal_code",
    "commune",
    "area_communes",
    "languages",
    "status",
    "published",
    "version",
}


def new_organisation(**fields: Any) -> dict[str, Any]:
    return {
        "name": "CPAS de Huy",
        "level": "municipal",
        "sector": "public",
        "actor_type": "cpas",
        **fields,
    }


class OrganisationReadTests(ApiTestCase):
    def names(self, **query: Any) -> list[str]:
        response = self.call(self.observer, "get", ORGANISATIONS, **query)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["name"] for item in response.json()["items"]]

    def test_it_lists_active_organisations_by_name_with_the_contract_fields(self):
        response = self.call(self.observer, "get", ORGANISATIONS)
        body = response.json()
        self.assertEqual(body["count"], 3)
        first = body["items"][0]
        self.assertLessEqual(CONTRACT, set(first))
        self.assertEqual(first["name"], "CPAS de Liège")
        self.assertEqual(first["level"], "municipal")
        self.assertEqual(first["actor_type"], "cpas")
        self.assertEqual(first["commune"], LIEGE)
        self.assertEqual(first["area_communes"], [LIEGE])
        self.assertEqual(first["languages"], ["fr", "uk"])
        self.assertEqual(first["version"], 1)

    def test_it_searches_ignoring_accents_and_case(self):
        self.assertEqual(self.names(q="LIEGE"), ["CPAS de Liège"])
        self.assertEqual(self.names(q="croix rou"), ["Croix-Rouge de Belgique"])

    def test_it_filters_like_the_register_list(self):
        self.assertEqual(self.names(commune=LIEGE), ["CPAS de Liège"])
        self.assertEqual(self.names(province="60000"), ["CPAS de Liège"])
        # A serves Namur too, through its service.
        self.assertEqual(
            self.names(arrondissement="92000"), ["CPAS de Liège", "CPAS de Namur"]
        )
        self.assertEqual(self.names(commune=NAMUR, theme="housing"), ["CPAS de Liège"])
        self.assertEqual(
            self.names(level="non-governmental"), ["Croix-Rouge de Belgique"]
        )
        self.assertEqual(
            self.names(sector="non-profit", actor_type="association"),
            ["Croix-Rouge de Belgique"],
        )
        self.assertEqual(self.names(language="uk"), ["CPAS de Liège"])
        self.assertEqual(self.names(theme="language-learning"), ["CPAS de Namur"])
        self.assertEqual(
            self.names(target_group="children"), ["CPAS de Liège", "CPAS de Namur"]
        )
        self.assertEqual(
            self.names(sort="-name"),
            ["Croix-Rouge de Belgique", "CPAS de Namur", "CPAS de Liège"],
        )

    def test_a_code_that_names_no_term_matches_nothing(self):
        for field in ("level", "sector", "actor_type", "theme", "target_group"):
            with self.subTest(field=field):
                self.assertEqual(self.names(**{field: "no-such-code"}), [])
        # A sub-theme's code finds the services of that sub-theme only.
        self.organisation_a.services.update(
            subtheme=Theme.objects.get(code="emergency-housing")
        )
        self.assertEqual(self.names(theme="emergency-housing"), ["CPAS de Liège"])
        self.assertEqual(self.names(theme="social-housing"), [])

    def test_a_former_commune_code_filters_by_its_successor(self):
        self.organisation_c.area_communes.set([Commune.objects.get(nis=BASTOGNE)])
        self.assertEqual(
            self.names(commune=FORMER_BASTOGNE), ["Croix-Rouge de Belgique"]
        )

    def test_archived_organisations_are_listed_on_request(self):
        self.organisation_b.status = Organisation.Status.ARCHIVED
        self.organisation_b.save()
        self.assertNotIn("CPAS de Namur", self.names())
        self.assertEqual(self.names(status="archived"), ["CPAS de Namur"])
        self.assertEqual(len(self.names(status="all")), 3)

    def test_it_paginates(self):
        response = self.call(self.observer, "get", ORGANISATIONS, page=2, page_size=2)
        body = response.json()
        self.assertEqual(body["count"], 3)
        self.assertEqual(
            [item["name"] for item in body["items"]], ["Croix-Rouge de Belgique"]
        )

    def test_it_refuses_an_unknown_filter_value_with_a_problem(self):
        response = self.call(self.observer, "get", ORGANISATIONS, sort="size")
        self.assert_problem(response, 422, "query.sort")

    def test_one_organisation_and_a_missing_one(self):
        response = self.call(
            self.focal_point_b, "get", f"{ORGANISATIONS}/{self.organisation_a.pk}"
        )
        self.assertEqual(response.json()["acronym"], "CPAS Liège")
        response = self.call(self.coordinator, "get", f"{ORGANISATIONS}/999999")
        self.assert_problem(response, 404)


class OrganisationWriteTests(ApiTestCase):
    def create(self, user=None, **fields: Any) -> Any:
        return self.call(
            user or self.coordinator, "post", ORGANISATIONS, new_organisation(**fields)
        )

    def patch(self, organisation: Organisation, user=None, **fields: Any) -> Any:
        return self.call(
            user or self.coordinator,
            "patch",
            f"{ORGANISATIONS}/{organisation.pk}",
            fields,
        )

    def test_a_coordinator_creates_an_organisation_by_codes(self):
        response = self.create(
            acronym="CPAS Huy",
            enterprise_number="BE 0212.344.876",
            postal_code="4500",
            parent=self.organisation_a.pk,
            area_communes=[FORMER_BASTOGNE, "61031"],
            languages=["fr", "uk"],
            published=True,
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["enterprise_number"], "0212344876")
        self.assertEqual(body["commune"], "61031")
        self.assertEqual(body["area_communes"], ["61031", BASTOGNE])
        self.assertEqual(body["parent"], self.organisation_a.pk)
        self.assertEqual((body["status"], body["version"]), ("active", 1))
        organisation = Organisation.objects.get(pk=body["id"])
        self.assertEqual(
            organisation.actor_type_id, ActorType.objects.get(code="cpas").pk
        )
        self.assertEqual(organisation.history.get().history_user, self.coordinator)

    def test_a_whole_arrondissement_is_a_shortcut_for_its_communes(self):
        response = self.create(area_communes=[LIEGE], area_territories=["63000"])
        area = set(response.json()["area_communes"])
        verviers = set(
            Commune.objects.filter(arrondissement_id="63000").values_list(
                "nis", flat=True
            )
        )
        self.assertEqual(area, verviers | {LIEGE})

    def test_a_focal_point_changes_their_organisation_and_only_what_they_send(self):
        response = self.patch(
            self.organisation_a,
            self.focal_point_a,
            version=1,
            description="Aide sociale aux familles",
            area_communes=[LIEGE, NAMUR],
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["version"], 2)
        self.assertEqual(body["description"], "Aide sociale aux familles")
        self.assertEqual(body["area_communes"], [LIEGE, NAMUR])
        self.assertEqual(body["acronym"], "CPAS Liège")
        self.assertEqual(body["languages"], ["fr", "uk"])
        record = self.organisation_a.history.latest()
        self.assertEqual(record.history_user, self.focal_point_a)

    def test_a_commune_alone_is_checked_against_the_postal_code_kept(self):
        response = self.patch(self.organisation_a, version=1, commune=NAMUR)
        self.assert_problem(response, 422, "body.commune")

    def test_a_stale_version_is_a_409_with_the_current_object(self):
        self.patch(self.organisation_a, version=1, acronym="CPAS")
        before = self.counts()
        response = self.patch(
            self.organisation_a, self.focal_point_a, version=1, acronym="Autre"
        )
        body = self.assert_problem(response, 409)
        self.assertEqual(body["version"], 2)
        self.assertEqual(body["current"]["acronym"], "CPAS")
        self.assertEqual(body["current"]["id"], self.organisation_a.pk)
        self.organisation_a.refresh_from_db()
        self.assertEqual(self.organisation_a.acronym, "CPAS")
        self.assertEqual(self.counts(), before)

    def test_a_focal_point_cannot_change_another_organisation(self):
        response = self.patch(
            self.organisation_b, self.focal_point_a, version=1, name="Pris"
        )
        self.assert_problem(response, 403)
        self.organisation_b.refresh_from_db()
        self.assertEqual(
            (self.organisation_b.name, self.organisation_b.version),
            ("CPAS de Namur", 1),
        )

    def test_a_missing_organisation_is_a_404(self):
        self.assert_problem(self.patch(Organisation(pk=999999), version=1), 404)

    def test_it_archives_and_restores_instead_of_deleting(self):
        path = f"{ORGANISATIONS}/{self.organisation_b.pk}"
        response = self.call(
            self.coordinator, "post", f"{path}/archive", {"version": 1}
        )
        self.assertEqual(response.json()["status"], "archived")
        stale = self.call(self.coordinator, "post", f"{path}/restore", {"version": 1})
        self.assertEqual(self.assert_problem(stale, 409)["version"], 2)
        response = self.call(
            self.coordinator, "post", f"{path}/restore", {"version": 2}
        )
        self.assertEqual(
            (response.json()["status"], response.json()["version"]), ("active", 3)
        )
        self.assertEqual(self.call(self.coordinator, "delete", path).status_code, 405)

    def test_a_version_is_required_to_change(self):
        response = self.patch(self.organisation_a, name="Sans version")
        self.assert_problem(response, 422, "body.version")


class OrganisationBadInputTests(ApiTestCase):
    """Each bad input: a problem naming the field, and nothing written."""

    def assert_refused(self, response: Any, *locations: str) -> dict[str, Any]:
        body = self.assert_problem(response, 422, *locations)
        self.assertEqual(self.counts(), self.before)
        self.assertEqual(self.versions(), self.versions_before)
        return body

    def setUp(self):
        super().setUp()
        self.before = self.counts()
        self.versions_before = self.versions()

    def create(self, **fields: Any) -> Any:
        return self.call(
            self.coordinator, "post", ORGANISATIONS, new_organisation(**fields)
        )

    def patch(self, **fields: Any) -> Any:
        return self.call(
            self.coordinator,
            "patch",
            f"{ORGANISATIONS}/{self.organisation_a.pk}",
            {"version": 1, **fields},
        )

    def test_an_invalid_enterprise_number(self):
        for number in ("0212.344.877", "12345", "not a number"):
            with self.subTest(number=number):
                self.assert_refused(
                    self.create(enterprise_number=number), "body.enterprise_number"
                )
        self.assert_refused(
            self.patch(enterprise_number="0212.344.877"), "body.enterprise_number"
        )

    def test_an_enterprise_number_already_taken(self):
        self.patch(enterprise_number="0212.344.876")
        self.before, self.versions_before = self.counts(), self.versions()
        body = self.assert_refused(
            self.create(enterprise_number="0212344876"), "body.enterprise_number"
        )
        self.assertIn("0212344876", body["errors"][0]["message"])

    def test_an_unknown_postal_code(self):
        self.assert_refused(self.create(postal_code="9999"), "body.postal_code")
        self.assert_refused(self.patch(postal_code="0000"), "body.postal_code")

    def test_unknown_codes_are_named_with_their_field_and_value(self):
        body = self.assert_refused(
            self.create(
                level="galactic",
                sector="nope",
                actor_type="wizard",
                languages=["fr", "klingon"],
            ),
            "body.level",
            "body.sector",
            "body.actor_type",
            "body.languages",
        )
        messages = " ".join(error["message"] for error in body["errors"])
        for value in ("galactic", "nope", "wizard", "klingon"):
            self.assertIn(value, messages)

    def test_unknown_nis_codes(self):
        body = self.assert_refused(
            self.create(commune="99999", area_communes=[LIEGE, "12345"]),
            "body.commune",
            "body.area_communes",
        )
        self.assertIn("12345", str(body["errors"]))
        self.assert_refused(
            self.create(area_territories=["77000"]), "body.area_territories"
        )

    def test_a_parent_that_is_unknown_itself_or_archived(self):
        self.assert_refused(self.create(parent=999999), "body.parent")
        self.assert_refused(self.patch(parent=self.organisation_a.pk), "body.parent")
        Organisation.objects.filter(pk=self.organisation_c.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        self.assert_refused(self.patch(parent=self.organisation_c.pk), "body.parent")

    def test_a_parent_that_would_close_a_loop(self):
        Organisation.objects.filter(pk=self.organisation_b.pk).update(
            parent=self.organisation_a
        )
        self.assert_refused(self.patch(parent=self.organisation_b.pk), "body.parent")

    def test_a_missing_or_null_required_field(self):
        self.assert_refused(
            self.call(self.coordinator, "post", ORGANISATIONS, {"name": "Seul"}),
            "body.level",
            "body.sector",
            "body.actor_type",
        )
        self.assert_refused(
            self.patch(name=None, level=None), "body.name", "body.level"
        )

    def test_a_malformed_email_or_website(self):
        self.assert_refused(
            self.create(email="pas-un-email", website="pas un site"),
            "body.email",
            "body.website",
        )
