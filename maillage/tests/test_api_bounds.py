"""The numbers the API accepts are bounded: an id, a version or a page number
beyond what the database stores answers 422, never reaches the database (whose
drivers fail on it: SQLite's OverflowError or "datatype mismatch", PostgreSQL's
"bigint out of range") and never answers 500."""

from collections.abc import Iterator
from typing import Any, ClassVar

from django.test import SimpleTestCase

from coordination import services as coordination_services
from coordination.models import CoordinationBody
from maillage.api import api
from register.tests.api_base import API, ApiTestCase
from taxonomy.models import InstitutionalLevel

BODIES = "/api/v1/coordination/bodies"
# The largest id a row can have (a signed 64-bit integer), one past it as in
# the issue, and the highest page number a list answers.
MAX_ID = 2**63 - 1
HUGE = 99999999999999999999
MAX_PAGE = 2**31 - 1
PAGED_LISTS = [
    "/api/v1/territory/communes",
    f"{API}/organisations",
    f"{API}/contacts",
    f"{API}/services",
    f"{API}/relations",
    f"{API}/assessments",
    BODIES,
]


class ApiBoundsTests(ApiTestCase):
    body: ClassVar[CoordinationBody]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.body = coordination_services.body_create(
            by=cls.coordinator,
            fields={
                "name": "Plateforme liégeoise Ukraine",
                "level": InstitutionalLevel.objects.get(code="municipal"),
                "formality": "semi_formal",
                "decision_power": "exchanges",
                "frequency": "monthly",
            },
            convenors=[cls.organisation_a],
            members=[(cls.organisation_a, "chair")],
        )

    def test_it_refuses_a_page_number_past_64_bits_on_every_list(self):
        for path in PAGED_LISTS:
            for page in (2**63 - 1, HUGE):
                with self.subTest(path=path, page=page):
                    response = self.call(self.coordinator, "get", path, page=page)
                    self.assert_problem(response, 422, "query.page")

    def test_it_answers_the_highest_page_number_with_an_empty_page(self):
        for path in PAGED_LISTS:
            with self.subTest(path=path):
                response = self.call(self.coordinator, "get", path, page=MAX_PAGE)
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(response.json()["items"], [])
                self.assertGreater(response.json()["count"], 0)

    def test_it_refuses_an_organisation_filter_past_64_bits(self):
        for path in (
            f"{API}/contacts",
            f"{API}/services",
            f"{API}/relations",
            f"{API}/assessments",
            BODIES,
        ):
            for organisation in (HUGE, MAX_ID + 1, 0):
                with self.subTest(path=path, organisation=organisation):
                    response = self.call(
                        self.coordinator, "get", path, organisation=organisation
                    )
                    self.assert_problem(response, 422, "query.organisation")

    def test_it_still_filters_by_the_largest_id(self):
        response = self.call(
            self.coordinator, "get", f"{API}/services", organisation=MAX_ID
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["count"], 0)

    def test_it_finds_nothing_at_a_path_whose_id_is_past_64_bits(self):
        for path, parameter in (
            (f"{API}/organisations/{HUGE}", "organisation_id"),
            (f"{API}/contacts/{HUGE}", "contact_id"),
            (f"{API}/services/{HUGE}", "service_id"),
            (f"{API}/relations/{HUGE}", "relation_id"),
            (f"{API}/assessments/{HUGE}", "assessment_id"),
            (f"{BODIES}/{HUGE}", "body_id"),
        ):
            with self.subTest(path=path):
                response = self.call(self.coordinator, "get", path)
                body = self.assert_problem(response, 404)
                self.assertIn(parameter, body["detail"])

    def bodies_with_huge_ids(self) -> Iterator[tuple[str, str, dict[str, Any], str]]:
        """(method, path, body, the location of its error)."""
        organisation = self.organisation_a
        service = self.service_a
        relation = self.relation_ab
        yield (
            "post",
            f"{API}/services",
            {
                "organisation": organisation.pk,
                "theme": "housing",
                "title": "Hébergement",
                "funders": [1180591620717411303424],
            },
            "body.funders.0",
        )
        yield (
            "post",
            f"{API}/services",
            {"organisation": HUGE, "theme": "housing", "title": "Hébergement"},
            "body.organisation",
        )
        yield (
            "patch",
            f"{API}/services/{service.pk}",
            {"version": service.version, "funders": [HUGE]},
            "body.funders.0",
        )
        yield (
            "patch",
            f"{API}/services/{service.pk}",
            {"version": service.version, "capacity": HUGE},
            "body.capacity",
        )
        yield (
            "patch",
            f"{API}/services/{service.pk}",
            {"version": HUGE, "title": "Hébergement"},
            "body.version",
        )
        yield (
            "post",
            f"{API}/organisations",
            {
                "name": "ASBL Nouvelle",
                "level": "municipal",
                "sector": "public",
                "actor_type": "cpas",
                "parent": HUGE,
            },
            "body.parent",
        )
        yield (
            "patch",
            f"{API}/organisations/{organisation.pk}",
            {"version": organisation.version, "parent": HUGE},
            "body.parent",
        )
        yield (
            "post",
            f"{API}/organisations/{organisation.pk}/archive",
            {"version": HUGE},
            "body.version",
        )
        yield (
            "post",
            f"{API}/contacts",
            {"organisation": HUGE, "name": "Anna", "legal_basis": "public_task"},
            "body.organisation",
        )
        for side in ("source", "target", "declared_by"):
            sides = {"source": organisation.pk, "target": self.organisation_b.pk}
            yield (
                "post",
                f"{API}/relations",
                {**sides, "type": "refers-to", side: HUGE},
                f"body.{side}",
            )
        yield (
            "patch",
            f"{API}/relations/{relation.pk}",
            {"version": relation.version, "declared_by": HUGE},
            "body.declared_by",
        )
        yield (
            "post",
            f"{API}/assessments",
            {
                "organisation": HUGE,
                "influence": 3,
                "interest": 3,
                "attitude": "neutral",
                "capacity": 3,
                "strategy": "inform",
            },
            "body.organisation",
        )
        new_body = {
            "name": "Comité de pilotage",
            "level": "provincial",
            "formality": "formal",
            "decision_power": "decides",
            "frequency": "quarterly",
        }
        yield ("post", BODIES, {**new_body, "convenors": [HUGE]}, "body.convenors.0")
        yield (
            "post",
            BODIES,
            {**new_body, "members": [{"organisation": HUGE, "role": "member"}]},
            "body.members.0.organisation",
        )
        yield (
            "patch",
            f"{BODIES}/{self.body.pk}",
            {"version": self.body.version, "convenors": [HUGE]},
            "body.convenors.0",
        )

    def test_it_refuses_ids_past_64_bits_in_a_request_body_and_writes_nothing(self):
        before = self.counts()
        versions = self.versions()
        for method, path, body, location in self.bodies_with_huge_ids():
            with self.subTest(method=method, path=path, location=location):
                response = self.call(self.coordinator, method, path, body)
                self.assert_problem(response, 422, location)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.versions(), versions)


def integer_schemas(
    schema: Any, components: dict[str, Any], seen: set[str]
) -> Iterator[dict[str, Any]]:
    """Every integer schema inside `schema`, following references once."""
    if isinstance(schema, list):
        for item in schema:
            yield from integer_schemas(item, components, seen)
        return
    if not isinstance(schema, dict):
        return
    reference = schema.get("$ref")
    if reference:
        name = reference.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from integer_schemas(components[name], components, seen)
        return
    if schema.get("type") == "integer":
        yield schema
    for key in ("properties", "items", "anyOf", "oneOf", "allOf"):
        value = schema.get(key)
        if isinstance(value, dict) and key == "properties":
            value = list(value.values())
        yield from integer_schemas(value, components, seen)


class DocumentedBoundsTests(SimpleTestCase):
    def test_every_integer_a_request_carries_has_bounds(self):
        document = api.get_openapi_schema()
        components = document["components"]["schemas"]
        checked = 0
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                body = operation.get("requestBody", {}).get("content", {})
                inputs = [p["schema"] for p in operation.get("parameters", [])]
                inputs += [content["schema"] for content in body.values()]
                for schema in integer_schemas(inputs, components, set()):
                    checked += 1
                    with self.subTest(path=path, method=method, schema=schema):
                        self.assertIn("minimum", schema)
                        self.assertIn("maximum", schema)
                        self.assertLessEqual(schema["maximum"], MAX_ID)
        # Ids, versions, pages, scales and a capacity: the walk found them.
        self.assertGreater(checked, 50)
