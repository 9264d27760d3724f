"""The consultations' API: questionnaires in and out, rounds and invitations
for coordinators, and responses sent with an invitation's key, idempotent by
their instance id (201, 200, 409), checked with the form's rules (422 per
question); 50 clients sending the same 200 responses at once, twice each,
leave 200 (PostgreSQL)."""

import json
import threading
import unittest
from io import StringIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, TransactionTestCase

from accounts.models import Role
from accounts.services import api_token_create
from accounts.testing import make_user
from consultations.models import Response, Round
from consultations.tests.base import ANSWERS, FORM, RoundTestCase, make_round

URL = "/api/v1/consultations/rounds/{}/responses"


class ResponseApiTests(RoundTestCase):
    def submit(self, body: dict[str, Any], **headers: str) -> Any:
        return self.client.post(
            URL.format(self.round.pk),
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    def body(self, **changes: Any) -> dict[str, Any]:
        return {
            "instance_id": "uuid:5b1c7d1e-0001",
            "answers": ANSWERS,
            "invitation_key": self.invitation_a.key,
        } | changes

    def test_new_same_again_and_different(self):
        response = self.submit(self.body())
        self.assertEqual(response.status_code, 201, response.content)
        first = response.json()
        self.assertEqual(first["answers"], ANSWERS)
        self.assertEqual(first["organisation"], self.organisation_a.pk)
        again = self.submit(self.body())
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["id"], first["id"])
        other = self.submit(self.body(answers=ANSWERS | {"places": "13"}))
        self.assertEqual(other.status_code, 409)
        self.assertIn("uuid:5b1c7d1e-0001", other.json()["detail"])
        # The invitation has answered: another instance id is refused too.
        used = self.submit(self.body(instance_id="uuid:other"))
        self.assertEqual(used.status_code, 409)
        self.assertEqual(Response.objects.count(), 1)

    def test_rules_broken_get_422_per_question_and_nothing_stored(self):
        cases = {
            "places": ANSWERS | {"places": "-4"},
            "accueil": {k: v for k, v in ANSWERS.items() if k != "accueil"},
            "besoins": ANSWERS | {"besoins": ["logement", "voyage"]},
            "inconnue": ANSWERS | {"inconnue": "x"},
            "commentaire": ANSWERS | {"commentaire": {"nested": 1}},
        }
        for question, answers in cases.items():
            with self.subTest(question=question):
                response = self.submit(self.body(answers=answers))
                self.assertEqual(response.status_code, 422, response.content)
                locations = [e["location"] for e in response.json()["errors"]]
                self.assertIn(f"body.answers.{question}", locations)
        self.assertFalse(Response.objects.exists())

    def test_keys_rounds_and_junk(self):
        other_round = Round.objects.create(
            questionnaire=self.questionnaire, title="Autre",
            opens_at=self.round.opens_at, closes_at=self.round.closes_at,
            launched_at=self.round.launched_at,
        )  # fmt: skip
        cases = [
            (self.body(invitation_key="forged" * 5), 403, "n'existe pas"),
            (self.body(invitation_key=None), 403, "clé d'une invitation"),
        ]
        for body, status, fragment in cases:
            with self.subTest(fragment=fragment):
                response = self.submit(body)
                self.assertEqual(response.status_code, status)
                self.assertIn(fragment, response.json()["detail"])
        foreign = self.client.post(
            URL.format(other_round.pk),
            json.dumps(self.body()),
            content_type="application/json",
        )
        self.assertEqual(foreign.status_code, 403)
        self.assertIn("autre tour", foreign.json()["detail"])
        junk: dict[str, Any]
        for junk in (
            self.body(instance_id=""),
            self.body(instance_id="a b"),
            self.body(instance_id="x" * 65),
            self.body(answers=[1, 2]),
            self.body(answers="x"),
            {"answers": {}},
        ):
            with self.subTest(junk=str(junk)[:50]):
                self.assertEqual(self.submit(junk).status_code, 422)
        for round_id in ("0", "abc", "99999999999999999999", "999999"):
            with self.subTest(round_id=round_id):
                response = self.client.post(
                    URL.format(round_id),
                    json.dumps(self.body()),
                    content_type="application/json",
                )
                self.assertIn(response.status_code, {404, 422})
        response = self.submit(self.body(), Authorization="Bearer nope")
        self.assertEqual(response.status_code, 401)
        Round.objects.filter(pk=self.round.pk).update(
            closes_at=self.round.opens_at
            + (self.round.closes_at - self.round.closes_at)
            + __import__("datetime").timedelta(seconds=1)
        )
        closed = self.submit(self.body())
        self.assertEqual(closed.status_code, 403)
        self.assertIn("n'est pas ouvert", closed.json()["detail"])
        self.assertFalse(Response.objects.exists())

    def test_a_coordinator_enters_a_paper_response_with_a_token(self):
        _token, secret = api_token_create(user=self.coordinator, name="saisie")
        response = self.submit(
            self.body(invitation_key=None, instance_id="papier-1"),
            Authorization=f"Bearer {secret}",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIsNone(response.json()["organisation"])
        _token, secret = api_token_create(user=self.observer, name="x")
        response = self.submit(
            self.body(invitation_key=None, instance_id="papier-2"),
            Authorization=f"Bearer {secret}",
        )
        self.assertEqual(response.status_code, 403)

    def test_drafts_by_key(self):
        url = f"/api/v1/consultations/drafts/{self.invitation_a.key}"
        draft = self.client.get(url).json()
        self.assertEqual(draft["status"], "draft")
        saved = self.client.put(
            url,
            json.dumps({"answers": {"accueil": "yes", "places": "abc"}, "page": 1}),
            content_type="application/json",
        )
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual(saved.json()["answers"], {"accueil": "yes"})
        self.assertEqual(
            self.client.put(
                url, json.dumps({"answers": {"zz": 1}}), content_type="application/json"
            ).status_code,
            422,
        )
        self.assertEqual(
            self.client.get("/api/v1/consultations/drafts/nope").status_code, 404
        )
        # Submitting takes the draft over.
        self.assertEqual(
            self.submit(self.body(instance_id=draft["instance_id"])).status_code, 201
        )
        self.assertEqual(Response.objects.count(), 1)

    def test_coordinator_endpoints_for_every_role(self):
        reads = [
            "/api/v1/consultations/questionnaires",
            f"/api/v1/consultations/questionnaires/{self.questionnaire.pk}",
            f"/api/v1/consultations/questionnaires/{self.questionnaire.pk}/xlsform",
            "/api/v1/consultations/rounds",
            f"/api/v1/consultations/rounds/{self.round.pk}",
            f"/api/v1/consultations/rounds/{self.round.pk}/invitations",
            f"/api/v1/consultations/rounds/{self.round.pk}/responses",
        ]
        expected = {
            "anonymous": 401,
            "admin": 200,
            "coordinator": 200,
            "focal_point_a": 403,
            "focal_point_b": 403,
            "observer": 403,
        }
        for name, user in self.personas().items():
            self.login(user)
            for url in reads:
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected[name])

    def test_questionnaires_and_rounds_through_the_api(self):
        self.login(self.coordinator)
        upload = self.client.post(
            "/api/v1/consultations/questionnaires",
            {"file": SimpleUploadedFile("f.md", FORM.encode()), "key": "offre"},
        )
        self.assertEqual(upload.status_code, 201, upload.content)
        self.assertEqual(upload.json()["version"], 2)
        bad = self.client.post(
            "/api/v1/consultations/questionnaires",
            {
                "file": SimpleUploadedFile(
                    "f.md", b"| survey |\n| | type | name |\n| | geopoint | g |\n"
                )
            },
        )
        self.assertEqual(bad.status_code, 422)
        self.assertIn("geopoint", json.dumps(bad.json(), ensure_ascii=False))
        created = self.client.post(
            "/api/v1/consultations/rounds",
            json.dumps(
                {
                    "questionnaire": upload.json()["id"],
                    "title": "Vérification",
                    "opens_at": "2026-01-01T09:00:00+01:00",
                    "closes_at": "2099-01-01T09:00:00+01:00",
                }
            ),
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        round_id = created.json()["id"]
        invited = self.client.post(
            f"/api/v1/consultations/rounds/{round_id}/invitations",
            json.dumps({"organisations": [self.organisation_b.pk]}),
            content_type="application/json",
        )
        self.assertEqual(invited.status_code, 200, invited.content)
        self.assertEqual(len(invited.json()), 1)
        launched = self.client.post(f"/api/v1/consultations/rounds/{round_id}/launch")
        self.assertEqual(launched.json()["state"], "open")


@unittest.skipUnless(connection.vendor == "postgresql", "concurrency needs PostgreSQL")
class ConcurrencyTests(TransactionTestCase):
    """50 clients send the same 200 responses at once, each response twice
    by two clients: exactly 200 responses, all complete."""

    def test_fifty_clients_two_hundred_responses_twice(self):
        call_command("load_reference", stdout=StringIO())
        coordinator = make_user("c@example.org", Role.COORDINATOR)
        round_ = make_round(coordinator, ())
        _token, secret = api_token_create(user=coordinator, name="charge")
        bodies = [
            json.dumps(
                {
                    "instance_id": f"uuid:{n:04d}",
                    "answers": ANSWERS | {"places": str(n)},
                }
            )
            for n in range(200)
        ]
        errors: list[str] = []
        barrier = threading.Barrier(50)

        def client_work(number: int) -> None:
            # Client n sends responses 4n..4n+3 and those of client n+1, each
            # twice: every response goes four times, from two clients at once.
            client = Client()
            mine = [(4 * number + k) % 200 for k in range(8)]
            try:
                barrier.wait()
                for index in mine + mine:
                    response = client.post(
                        URL.format(round_.pk), bodies[index],
                        content_type="application/json",
                        headers={"Authorization": f"Bearer {secret}"},
                    )  # fmt: skip
                    if response.status_code not in {200, 201}:
                        errors.append(
                            f"{response.status_code} {response.content[:200]!r}"
                        )
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client_work, args=(n,)) for n in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors[:3], [])
        stored = Response.objects.filter(round=round_)
        self.assertEqual(stored.count(), 200)
        self.assertEqual(stored.filter(status="submitted").count(), 200)
        self.assertEqual(
            sorted(int(r.answers["places"]) for r in stored), list(range(200))
        )
