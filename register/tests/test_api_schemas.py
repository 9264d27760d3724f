"""The register's API document: the contract's names, the models' choices."""

from typing import Any, get_args

from django.test import SimpleTestCase

from coordination import api as coordination_api
from coordination.models import BodyMember, CoordinationBody
from lib.text import validate_line, validate_text
from maillage.api import api
from register import schemas as register_schemas
from register.models import Assessment, Contact, Organisation, Relation, Service


def component(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = api.get_openapi_schema()["components"]["schemas"][name]
    return schema


class ApiDocumentTests(SimpleTestCase):
    def test_the_literal_choices_are_the_models_choices(self):
        pairs = [
            (register_schemas.OrganisationStatus, Organisation.Status),
            (register_schemas.ServiceStatus, Service.Status),
            (register_schemas.DeliveryMode, Service.DeliveryMode),
            (register_schemas.ServiceAccess, Service.Access),
            (register_schemas.ServiceCost, Service.Cost),
            (register_schemas.LegalBasis, Contact.LegalBasis),
            (register_schemas.Frequency, Relation.Frequency),
            (register_schemas.Attitude, Assessment.Attitude),
            (register_schemas.Strategy, Assessment.Strategy),
            (coordination_api.Formality, CoordinationBody.Formality),
            (coordination_api.DecisionPower, CoordinationBody.DecisionPower),
            (coordination_api.MeetingFrequency, CoordinationBody.Frequency),
            (coordination_api.BodyStatus, CoordinationBody.Status),
            (coordination_api.MemberRole, BodyMember.Role),
        ]
        for literal, choices in pairs:
            with self.subTest(choices=choices.__qualname__):
                self.assertEqual(list(get_args(literal)), list(choices.values))

    def test_the_contract_field_names_are_in_the_document(self):
        organisation = set(component("OrganisationOut")["properties"])
        self.assertLessEqual(
            {
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
            },
            organisation,
        )
        service = set(component("ServiceOut")["properties"])
        self.assertLessEqual(
            {
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
            },
            service,
        )

    def test_every_operation_is_named_after_its_app_and_object(self):
        for path, operations in api.get_openapi_schema()["paths"].items():
            for method, operation in operations.items():
                for prefix in ("register", "coordination"):
                    if path.startswith(f"/api/v1/{prefix}/"):
                        with self.subTest(path=path, method=method):
                            self.assertRegex(
                                operation["operationId"],
                                rf"^{prefix}_[a-z]+_(list|detail|create|update|"
                                r"archive|restore|erase|delete)$",
                            )

    def test_changes_require_the_version_read(self):
        for name in (
            "OrganisationPatch",
            "ContactPatch",
            "ServicePatch",
            "RelationPatch",
            "BodyPatch",
            "VersionIn",
        ):
            with self.subTest(schema=name):
                self.assertIn("version", component(name)["required"])

    def test_every_text_people_write_is_bounded_as_its_model_bounds_it(self):
        pairs = [
            ("OrganisationIn", Organisation),
            ("OrganisationPatch", Organisation),
            ("ContactIn", Contact),
            ("ContactPatch", Contact),
            ("ServiceIn", Service),
            ("ServicePatch", Service),
            ("RelationIn", Relation),
            ("RelationPatch", Relation),
            ("AssessmentIn", Assessment),
            ("BodyIn", CoordinationBody),
            ("BodyPatch", CoordinationBody),
        ]
        checked = 0
        for name, model in pairs:
            properties = component(name)["properties"]
            for model_field in model._meta.concrete_fields:
                checks = (validate_line, validate_text)
                if not any(check in model_field.validators for check in checks):
                    continue
                with self.subTest(schema=name, field=model_field.name):
                    schema = properties[model_field.name]
                    text = next(
                        (s for s in schema.get("anyOf", [schema]) if "type" in s),
                        schema,
                    )
                    self.assertEqual(text["type"], "string")
                    self.assertEqual(text.get("maxLength"), model_field.max_length)
                    checked += 1
        # Each model's texts, in its In and Patch schemas (assessments: In only).
        self.assertEqual(checked, 2 * (10 + 3 + 6 + 2 + 4) + 1)
