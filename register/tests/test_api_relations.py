"""The relations endpoints: declared by an organisation, changed by it."""

from typing import Any

from register.models import Organisation, Relation
from register.tests.api_base import API, ApiTestCase

RELATIONS = f"{API}/relations"


class RelationReadTests(ApiTestCase):
    def ids(self, **query: Any) -> list[int]:
        response = self.call(self.observer, "get", RELATIONS, **query)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["id"] for item in response.json()["items"]]

    def test_it_lists_relations_with_codes_and_ids(self):
        body = self.call(self.focal_point_b, "get", RELATIONS).json()
        self.assertEqual(body["count"], 2)
        first = body["items"][0]
        self.assertEqual(
            (first["source"], first["target"], first["declared_by"]),
            (self.organisation_a.pk, self.organisation_b.pk, self.organisation_a.pk),
        )
        self.assertEqual(first["type"], "refers-to")
        self.assertEqual(set(first["themes"]), {"housing", "health"})
        self.assertIsNone(first["frequency"])

    def test_it_filters_by_either_side_and_type(self):
        funds = self.make_relation(
            self.organisation_c, self.organisation_b, "funds", None
        )
        self.assertEqual(self.ids(organisation=self.organisation_c.pk), [funds.pk])
        self.assertEqual(
            set(self.ids(organisation=self.organisation_b.pk)),
            {self.relation_ab.pk, self.relation_ba.pk, funds.pk},
        )
        self.assertEqual(self.ids(type="funds"), [funds.pk])

    def test_one_relation(self):
        path = f"{RELATIONS}/{self.relation_ba.pk}"
        self.assertEqual(
            self.call(self.observer, "get", path).json()["declared_by"],
            self.organisation_b.pk,
        )
        self.assert_problem(self.call(self.observer, "get", f"{RELATIONS}/0"), 404)


class RelationWriteTests(ApiTestCase):
    def create(self, user=None, **fields: Any) -> Any:
        body = {
            "source": self.organisation_a.pk,
            "target": self.organisation_c.pk,
            "type": "partners-with",
            **fields,
        }
        return self.call(user or self.focal_point_a, "post", RELATIONS, body)

    def patch(self, relation: Relation, user=None, **fields: Any) -> Any:
        return self.call(
            user or self.focal_point_a, "patch", f"{RELATIONS}/{relation.pk}", fields
        )

    def test_a_focal_point_declares_for_their_organisation_by_default(self):
        response = self.create(
            themes=["housing"], frequency="monthly", formal=True, since="2024-05-01"
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["declared_by"], self.organisation_a.pk)
        self.assertEqual((body["frequency"], body["formal"]), ("monthly", True))
        # Their organisation may be the target too.
        response = self.create(
            source=self.organisation_c.pk, target=self.organisation_a.pk, type="funds"
        )
        self.assertEqual(response.json()["declared_by"], self.organisation_a.pk)

    def test_a_focal_point_cannot_declare_for_another_organisation(self):
        before = self.counts()
        self.assert_problem(self.create(declared_by=self.organisation_b.pk), 403)
        self.assert_problem(
            self.create(source=self.organisation_b.pk, declared_by=None), 403
        )
        self.assert_problem(
            self.create(
                self.focal_point_b,
                source=self.organisation_a.pk,
                target=self.organisation_c.pk,
            ),
            403,
        )
        self.assertEqual(self.counts(), before)

    def test_a_coordinator_declares_for_anyone_or_no_one(self):
        response = self.create(self.coordinator, declared_by=self.organisation_b.pk)
        self.assertEqual(response.json()["declared_by"], self.organisation_b.pk)
        response = self.create(self.coordinator, type="funds")
        self.assertIsNone(response.json()["declared_by"])

    def test_only_the_declaring_organisation_changes_a_relation(self):
        before = self.counts()
        self.assert_problem(
            self.patch(self.relation_ab, self.focal_point_b, version=1, formal=True),
            403,
        )
        self.assert_problem(
            self.patch(self.relation_ab, version=1, declared_by=self.organisation_b.pk),
            403,
        )
        self.assert_problem(
            self.call(
                self.focal_point_b, "delete", f"{RELATIONS}/{self.relation_ab.pk}"
            ),
            403,
        )
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.versions()["relations"], 2)
        response = self.patch(
            self.relation_ab, version=1, themes=["legal-aid"], note="Convention 2026"
        )
        body = response.json()
        self.assertEqual((body["themes"], body["version"]), (["legal-aid"], 2))
        self.assertEqual(body["type"], "refers-to")

    def test_a_relation_is_deleted_by_its_declarant(self):
        response = self.call(
            self.focal_point_a, "delete", f"{RELATIONS}/{self.relation_ab.pk}"
        )
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Relation.objects.filter(pk=self.relation_ab.pk).exists())

    def test_a_stale_version_is_a_409(self):
        self.patch(self.relation_ab, version=1, frequency="weekly")
        before = self.counts()
        body = self.assert_problem(
            self.patch(self.relation_ab, self.coordinator, version=1, formal=True),
            409,
        )
        self.assertEqual(body["current"]["frequency"], "weekly")
        self.assertEqual(self.counts(), before)

    def test_bad_inputs_are_refused_and_nothing_is_written(self):
        Organisation.objects.filter(pk=self.organisation_c.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        before, versions = self.counts(), self.versions()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"target": self.organisation_a.pk}, "body.target"),
            ({"target": self.organisation_b.pk, "type": "refers-to"}, "body.type"),
            ({"type": "loves"}, "body.type"),
            ({"themes": ["housing", "gardening"]}, "body.themes"),
            ({"target": 999999}, "body.target"),
            ({}, "body.target"),
            ({"frequency": "hourly"}, "body.frequency"),
        ]
        for fields, location in cases:
            with self.subTest(fields=fields):
                self.assert_problem(self.create(**fields), 422, location)
        self.assert_problem(
            self.patch(self.relation_ab, version=1, type="refers-to-nowhere"),
            422,
            "body.type",
        )
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.versions(), versions)
