"""Schema fuzzing of the whole API: schemathesis sends requests generated from
the OpenAPI document the API serves, valid and invalid, as a coordinator and as
a focal point. No answer is a server error or anything the document does not
describe (its status, content type, headers and body), and an endpoint that
needs authentication refuses a request without it.

The suite sends a few cases per operation; `make fuzz` sends FUZZ_EXAMPLES.
Hypothesis is derandomized: a run sends the same cases every time."""

import datetime
import logging
import os
import re
import shutil
import sys
import tempfile
from typing import Any, ClassVar

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.services import api_token_create
from consultations.services import response_submit
from consultations.tests.base import make_round
from coordination import services as coordination_services
from coordination.models import CoordinationBody
from exchange.export_jobs import export_job_create
from exchange.models import ExportJob
from lib import refcache
from meetings import services as meetings_services
from register.selectors import OrganisationFilters
from register.tests.api_base import LIEGE, NAMUR, ApiTestCase
from taxonomy.models import InstitutionalLevel
from territory.models import Commune, PopulationFigure
from territory.services import population_figure_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]
# Cases per operation, valid and invalid ones: the whole API in about fifteen
# seconds per role here.
SUITE_EXAMPLES = 8
PATH_PARAMETER = re.compile(r"{(\w+)}")


def fuzz_examples() -> int:
    return int(os.environ.get("FUZZ_EXAMPLES", SUITE_EXAMPLES))


class ApiFuzzingTests(ApiTestCase):
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
        # A commune on the map, so that GeoJSON exports answer one.
        Commune.objects.filter(nis=LIEGE).update(latitude=50.63, longitude=5.57)

    def setUp(self) -> None:
        refcache.forget_all()
        media = tempfile.mkdtemp(prefix="maillage-media-")
        self.addCleanup(shutil.rmtree, media, True)
        media_root = override_settings(MEDIA_ROOT=media)
        media_root.enable()
        self.addCleanup(media_root.disable)
        # The requests run in the test's transaction: like Django's test client,
        # keep the request signals from closing its connection.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        # Thousands of 4xx warnings say nothing; a 500 is still logged.
        logging.disable(logging.WARNING)
        self.addCleanup(logging.disable, logging.NOTSET)
        self.schema = schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", WSGIHandler()
        )

    def known_ids(self, user: User) -> dict[str, list[int | str]]:
        """Path parameters that name objects of the test data (the generated
        ones name nothing, mostly), among them a finished and a queued export."""
        with self.captureOnCommitCallbacks(execute=True):
            done = export_job_create(
                user=user, fmt="xlsx", filters=OrganisationFilters()
            )
        queued = ExportJob.objects.create(user=user, format="json")
        figure = population_figure_create(
            by=self.coordinator,
            fields={
                "commune_id": LIEGE,
                "indicator": PopulationFigure.Indicator.TEMPORARY_PROTECTION,
                "date": datetime.date(2024, 6, 30),
                "value": 1500,
            },
        )
        meeting = meetings_services.meeting_create(
            by=self.coordinator,
            fields={
                "title": "Plénière",
                "kind": "plenary",
                "body": self.body,
                "starts_at": datetime.datetime(2030, 5, 4, 9, tzinfo=datetime.UTC),
                "ends_at": datetime.datetime(2030, 5, 4, 11, tzinfo=datetime.UTC),
                "place": "Liège",
            },
            invitees=meetings_services.body_invitees(self.body),
        )
        meetings_services.minutes_save(
            meeting, by=self.coordinator, text="PV", number=0
        )
        action = meetings_services.action_create(
            by=self.coordinator,
            meeting=meeting,
            fields={
                "title": "Recenser",
                "owner_organisation": self.organisation_a,
                "due_date": datetime.date(2030, 6, 1),
            },
        )
        round_ = make_round(self.coordinator, (self.organisation_a.pk,))
        response, _new = response_submit(
            round_=round_,
            instance_id="fuzz",
            answers={"accueil": "no"},
            invitation=round_.invitations.get(),
        )
        return {
            "questionnaire_id": [round_.questionnaire_id],
            "round_id": [round_.pk],
            "response_id": [response.pk],
            "key": [round_.invitations.get().key],
            "meeting_id": [meeting.pk],
            "action_id": [action.pk],
            "number": [1],
            "organisation_id": [self.organisation_a.pk, self.organisation_c.pk],
            "service_id": [self.service_a.pk, self.service_b.pk],
            "contact_id": [self.shared_contact_a.pk, self.private_contact_b.pk],
            "relation_id": [self.relation_ab.pk, self.relation_ba.pk],
            "assessment_id": [self.assessment_a.pk],
            "body_id": [self.body.pk],
            "figure_id": [figure.pk],
            "job_id": [str(done.pk), str(queued.pk)],
            "nis": [LIEGE, NAMUR],
        }

    def fuzz(self, user: User) -> dict[str, int]:
        """Send the generated cases as `user` (with a personal token); fail
        with every operation's failures. The cases sent, by operation."""
        _, secret = api_token_create(user=user, name="Fuzzing")
        headers = {"Authorization": f"Bearer {secret}"}
        known = self.known_ids(user)
        examples = fuzz_examples()
        sent: dict[str, int] = {}
        failures: list[str] = []
        for result in self.schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]
            try:
                self.fuzz_operation(operation, examples, known, headers, sent)
            except (AssertionError, FailureGroup) as error:
                failures.append(f"{operation.label}: {error}")
        sys.stderr.write(
            f"\nAPI fuzzing as a {user.role.replace('_', ' ')}: {sum(sent.values())} "
            f"cases over {len(sent)} operations, {len(failures)} failing.\n"
        )
        if failures:
            self.fail("\n\n".join(failures))
        return sent

    def fuzz_operation(
        self,
        operation: Any,
        examples: int,
        known: dict[str, list[int | str]],
        headers: dict[str, str],
        sent: dict[str, int],
    ) -> None:
        """Send `examples` cases to `operation`, valid and invalid, some with a
        path that names an object; each one rolled back, so that every case
        meets the same data."""
        paths = [
            {name: value}
            for name in PATH_PARAMETER.findall(operation.path)
            for value in known[name]
        ]
        strategy = st.one_of(
            [
                operation.as_strategy(generation_mode=mode, path_parameters=path)
                for mode in GenerationMode
                for path in [None, *paths]
            ]
        )
        sent[operation.label] = 0

        @given(case=strategy)
        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
            ],
        )
        def send(case: Any) -> None:
            sent[operation.label] += 1
            with transaction.atomic():
                case.call_and_validate(headers=headers, checks=CHECKS)
                transaction.set_rollback(True)

        send()

    def assert_every_operation_fuzzed(self, sent: dict[str, int]) -> None:
        operations = {
            f"{method.upper()} {path}"
            for path, methods in self.schema.raw_schema["paths"].items()
            for method in methods
        }
        self.assertEqual(set(sent), operations)
        for label, count in sent.items():
            self.assertGreaterEqual(count, fuzz_examples(), label)

    def test_every_answer_to_a_coordinator_is_documented(self):
        self.assert_every_operation_fuzzed(self.fuzz(self.coordinator))

    def test_every_answer_to_a_focal_point_is_documented(self):
        self.assert_every_operation_fuzzed(self.fuzz(self.focal_point_a))
