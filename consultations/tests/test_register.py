"""Answers that flow back into the register: questions bound to its fields,
a coordinator's review beside the register's current values, accepted
answers written through the register's services with the consultation in
their history, and declared relations in the network analysis."""

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations.models import Adoption, Response, Round
from consultations.services import (
    Audience,
    Decision,
    answers_adopt,
    invitations_add,
    questionnaire_import,
    response_submit,
    round_bindings_set,
    round_create,
    round_launch,
)
from consultations.tests.test_xlsform import markdown
from consultations.xlsform import xlsform_read
from coordination.models import CoordinationBody
from coordination.services import body_create
from register.models import Organisation, Relation, Service
from register.tests.base import RegisterTestCase
from taxonomy.models import InstitutionalLevel

FR = "Français (fr)"
SURVEY = [
    ["type", "name", f"label::{FR}", "appearance"],
    ["select_multiple langues", "langues", "Langues parlées par l'équipe", ""],
    ["select_multiple themes", "themes", "Thèmes de vos services", ""],
    ["integer", "places", "Places d'hébergement", ""],
    ["text", "organe", "Organe dont vous êtes membre", "maillage-body"],
    ["begin_repeat", "partenaires", "Partenaires", ""],
    ["text", "partenaire", "Organisation partenaire", "maillage-organisation"],
    ["end_repeat", "", "", ""],
    ["text", "remarque", "Remarque", ""],
]
CHOICES = [
    ["list_name", "name", f"label::{FR}"],
    ["langues", "fr", "Français"],
    ["langues", "ru", "Russe"],
    ["langues", "pl", "Polonais"],
    ["langues", "autre", "Autre"],
    ["themes", "housing", "Logement"],
    ["themes", "health", "Santé"],
]
SETTINGS = [["form_title", "form_id", "default_language"],
            ["Profil des acteurs", "profil", FR]]  # fmt: skip
BINDINGS = {
    "langues": "languages",
    "themes": "themes",
    "places": "capacity:housing",
    "organe": "body",
    "partenaire": "relation:partners-with",
}


class RegisterCase(RegisterTestCase):
    round: ClassVar[Round]
    body: ClassVar[CoordinationBody]
    response: ClassVar[Response]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        form = markdown(survey=SURVEY, choices=CHOICES, settings=SETTINGS)
        questionnaire = questionnaire_import(
            form=xlsform_read(form.encode(), "profil.md"), by=cls.coordinator
        )
        now = timezone.now()
        cls.round = round_create(
            by=cls.coordinator,
            fields={
                "questionnaire": questionnaire,
                "title": "Profil des acteurs 2027",
                "opens_at": now - datetime.timedelta(days=1),
                "closes_at": now + datetime.timedelta(days=30),
            },
            public=False,
        )
        invitations_add(
            round_=cls.round,
            audience=Audience(
                organisations=(cls.organisation_a.pk, cls.organisation_b.pk)
            ),
        )
        round_launch(round_=cls.round)
        cls.body = body_create(
            by=cls.coordinator,
            fields={
                "name": "Plateforme liégeoise de l'accueil",
                "level": InstitutionalLevel.objects.get(code="municipal"),
                "formality": "informal",
                "decision_power": "exchanges",
                "frequency": "monthly",
            },
        )
        round_bindings_set(round_=cls.round, bindings=BINDINGS)
        cls.response, _new = response_submit(
            round_=cls.round,
            instance_id="liege",
            answers={
                "langues": ["fr", "ru", "autre"],
                "themes": ["housing", "health"],
                "places": "40",
                "organe": str(cls.body.pk),
                "partenaires": [
                    {"partenaire": str(cls.organisation_b.pk)},
                    {"partenaire": str(cls.organisation_a.pk)},
                ],
                "remarque": "Rien",
            },
            invitation=cls.round.invitations.get(organisation=cls.organisation_a),
        )

    def review_url(self) -> str:
        return reverse("consultations:response_register", args=[self.response.pk])

    def round_url(self) -> str:
        return reverse("consultations:round_register", args=[self.round.pk])


class RegisterFlowTests(RegisterCase):
    def test_only_coordinators_bind_and_review(self):
        expected = {
            "anonymous": 302, "admin": 200, "coordinator": 200,
            "focal_point_a": 403, "focal_point_b": 403, "observer": 403,
        }  # fmt: skip
        for name, user in self.personas().items():
            self.login(user)
            for url in (self.round_url(), self.review_url()):
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected[name])
                    if expected[name] != 200:
                        response = self.client.post(url, {"langues": "languages"})
                        self.assertIn(response.status_code, {302, 403})
        self.assertEqual(Adoption.objects.count(), 0)

    def test_bindings_are_checked_against_each_question(self):
        self.login(self.coordinator)
        page = self.client.get(self.round_url())
        self.assertContains(page, "Langues parlées par l&#x27;équipe (langues)")
        # A text question feeds nothing; an integer only a capacity.
        self.assertNotContains(page, 'name="remarque"')
        refused = self.client.post(
            self.round_url(), {"places": "languages", "langues": "relation:funds"}
        )
        self.assertEqual(refused.status_code, 400)
        self.round.refresh_from_db()
        self.assertEqual(self.round.bindings, BINDINGS)
        saved = self.client.post(self.round_url(), {"langues": "languages"})
        self.assertRedirects(saved, self.round_url())
        self.round.refresh_from_db()
        self.assertEqual(self.round.bindings, {"langues": "languages"})

    def test_the_review_shows_the_register_beside_the_answer(self):
        self.login(self.coordinator)
        page = self.client.get(self.review_url())
        self.assertEqual(page.status_code, 200)
        rows = {row.question: row for row, _v, _s in page.context["form"].rows}
        self.assertEqual(rows["langues"].current, ["français", "ukrainien"])
        self.assertEqual(rows["langues"].new, ["ru"])
        self.assertEqual(rows["langues"].ignored, ["Autre"])
        self.assertEqual(rows["themes"].new, ["health"])
        self.assertEqual(rows["places"].state, "pending")
        self.assertEqual(rows["organe"].new, [str(self.body.pk)])
        # Itself as its own partner is set aside, the other is new.
        self.assertEqual(rows["partenaire"].new, [str(self.organisation_b.pk)])
        self.assertContains(page, "Dans le registre aujourd'hui")
        self.assertContains(page, "nouveau")

    def test_accepted_answers_are_written_with_their_source_in_history(self):
        self.login(self.coordinator)
        sent = self.client.post(
            self.review_url(),
            {
                "decision-langues": "accept",
                "decision-themes": "reject",
                "decision-places": "accept",
                "decision-organe": "accept",
                "decision-partenaire": "accept",
            },
        )
        self.assertRedirects(sent, self.review_url())
        organisation = Organisation.objects.get(pk=self.organisation_a.pk)
        self.assertEqual(organisation.languages, ["fr", "uk", "ru"])
        latest = organisation.history.latest()
        self.assertTrue(latest.history_change_reason.startswith("maillage:declared:"))
        history = self.client.get(
            reverse("register:organisation_history", args=[organisation.pk])
        )
        day = timezone.localdate().strftime("%d/%m/%Y")
        self.assertContains(
            history, "Déclaré dans la consultation « Profil des acteurs 2027 »"
        )
        self.assertEqual(Service.objects.get(pk=self.service_a.pk).capacity, 40)
        self.assertFalse(Service.objects.filter(theme__code="health").exists())
        self.assertTrue(self.body.members.filter(organisation=organisation).exists())
        relation = Relation.objects.get(source=organisation, target=self.organisation_b)
        self.assertEqual(relation.declared_by_id, organisation.pk)
        self.assertEqual(
            relation.source_note, f"Consultation « Profil des acteurs 2027 », {day}"
        )
        self.assertEqual(
            sorted(Adoption.objects.values_list("question", "decision")),
            [
                ("langues", "accepted"), ("organe", "accepted"),
                ("partenaire", "accepted"), ("places", "accepted"),
                ("themes", "rejected"),
            ],
        )  # fmt: skip
        page = self.client.get(self.review_url())
        self.assertContains(page, "Écrite dans le registre", count=4)
        self.assertNotContains(page, 'name="decision-')
        # Sending again changes nothing.
        again = self.client.post(self.review_url(), {"decision-langues": "accept"})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(Adoption.objects.count(), 5)
        # The declared relation is in the network analysis.
        network = self.client.get("/api/v1/analysis/network").json()
        degrees = {node["id"]: node["degree"] for node in network["nodes"]}
        self.assertEqual(degrees[organisation.pk], 1)
        self.assertEqual(degrees[self.organisation_b.pk], 1)

    def test_all_or_nothing(self):
        # The declared partner is archived before the decision: nothing is
        # written, not even the languages accepted with it.
        Organisation.objects.filter(pk=self.organisation_b.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        with self.assertRaises(ValidationError) as raised:
            answers_adopt(
                response=self.response,
                decisions={
                    "langues": Decision("accept"),
                    "partenaire": Decision("accept"),
                },
                by=self.coordinator,
            )
        self.assertIn("partenaire", raised.exception.message_dict)
        self.assertEqual(
            Organisation.objects.get(pk=self.organisation_a.pk).languages, ["fr", "uk"]
        )
        self.assertEqual(Adoption.objects.count(), 0)

    def test_bad_decisions_get_messages(self):
        self.login(self.coordinator)
        cases: list[dict[str, Any]] = [
            {},
            {"decision-langues": "maybe"},
            {"decision-langues": "x" * 10_000},
            {"decision-themes": "accept", "decision-langues": "bogus"},
        ]
        for data in cases:
            with self.subTest(data=str(data)[:40]):
                response = self.client.post(self.review_url(), data)
                self.assertEqual(response.status_code, 400)
        self.assertEqual(Adoption.objects.count(), 0)

    def test_anonymous_rounds_and_public_answers_stay_out_of_the_register(self):
        Round.objects.filter(pk=self.round.pk).update(anonymous=True)
        self.login(self.coordinator)
        page = self.client.get(self.review_url())
        self.assertContains(page, "Les réponses d&#x27;un tour anonyme")
        sent = self.client.post(self.review_url(), {"decision-langues": "accept"})
        self.assertEqual(sent.status_code, 400)
        self.assertEqual(Adoption.objects.count(), 0)


class RegisterApiTests(RegisterCase):
    def url(self) -> str:
        return f"/api/v1/consultations/responses/{self.response.pk}/register"

    def test_review_and_decide_through_the_api(self):
        self.login(self.focal_point_a)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.login(self.coordinator)
        rows = {row["question"]: row for row in self.client.get(self.url()).json()}
        self.assertEqual(rows["langues"]["new"], ["ru"])
        self.assertEqual(rows["partenaire"]["target"], "relation:partners-with")
        refused = self.client.post(
            self.url(),
            {
                "decisions": {
                    "langues": {"verdict": "accept"},
                    "remarque": {"verdict": "accept"},
                }
            },
            content_type="application/json",
        )
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(Adoption.objects.count(), 0)
        junks: list[Any] = [
            {"decisions": {}},
            {"decisions": {"langues": {"verdict": "yes"}}},
            [],
        ]
        for junk in junks:
            with self.subTest(junk=junk):
                response = self.client.post(
                    self.url(), junk, content_type="application/json"
                )
                self.assertEqual(response.status_code, 422)
        done = self.client.post(
            self.url(),
            {
                "decisions": {
                    "langues": {"verdict": "accept"},
                    "themes": {"verdict": "reject"},
                }
            },
            content_type="application/json",
        )
        self.assertEqual(done.status_code, 200)
        rows = {row["question"]: row for row in done.json()}
        self.assertEqual(rows["langues"]["state"], "accepted")
        self.assertEqual(rows["langues"]["outcome"], "Langues ajoutées : russe.")
        # Each reader reads what was added in their own language.
        english = self.client.get(self.url(), HTTP_ACCEPT_LANGUAGE="en").json()
        rows = {row["question"]: row for row in english}
        self.assertEqual(rows["langues"]["outcome"], "Languages added: Russian.")
        self.assertEqual(rows["themes"]["state"], "rejected")
        self.assertEqual(
            Organisation.objects.get(pk=self.organisation_a.pk).languages,
            ["fr", "uk", "ru"],
        )

    def test_bindings_through_the_api(self):
        url = f"/api/v1/consultations/rounds/{self.round.pk}/bindings"
        self.login(self.coordinator)
        refused = self.client.put(
            url,
            {"bindings": {"remarque": "languages"}},
            content_type="application/json",
        )
        self.assertEqual(refused.status_code, 422)
        self.assertIn("remarque", refused.content.decode())
        saved = self.client.put(
            url,
            {"bindings": {"places": "capacity:housing"}},
            content_type="application/json",
        )
        self.assertEqual(saved.status_code, 200)
        self.assertEqual(saved.json()["bindings"], {"places": "capacity:housing"})


class RegisterAnswerTests(RegisterCase):
    def test_a_register_answer_is_checked_alone(self):
        url = f"/api/v1/consultations/rounds/{self.round.pk}/responses"
        key = self.round.invitations.get(organisation=self.organisation_b).key

        def send(answers: dict[str, Any], instance: str) -> Any:
            return self.client.post(
                url,
                {"instance_id": instance, "answers": answers, "invitation_key": key},
                content_type="application/json",
            )

        junks: list[dict[str, Any]] = [
                {"organe": "999999"},
                {"organe": "abc"},
                {"organe": 999999},
                {"partenaires": [{"partenaire": 424242}]},
                {"partenaires": [{"partenaire": "99999999999999999999"}]},
                {"partenaires": [{"partenaire": str(self.organisation_b.pk)}],
                 "organe": "-1"},
        ]  # fmt: skip
        for instance, junk in enumerate(junks):
            with self.subTest(junk):
                response = send(junk, f"junk-{instance}")
                self.assertEqual(response.status_code, 422, response.content)
                messages = {e["message"] for e in response.json()["errors"]}
                self.assertEqual(messages, {"Choisissez parmi les réponses proposées."})
        Organisation.objects.filter(pk=self.organisation_a.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        archived = send(
            {"partenaires": [{"partenaire": str(self.organisation_a.pk)}]}, "a"
        )
        self.assertEqual(archived.status_code, 422)
        # Checked one by one: neither the register's organisations nor its
        # bodies are read whole (the round, the key, then a query for each).
        with self.assertNumQueries(4):
            done = send(
                {
                    "organe": str(self.body.pk),
                    "partenaires": [{"partenaire": str(self.organisation_a.pk)}],
                    "langues": ["fr"],
                },
                "ok",
            )
        self.assertEqual(done.status_code, 422)
        Organisation.objects.filter(pk=self.organisation_a.pk).update(
            status=Organisation.Status.ACTIVE
        )
        done = send(
            {
                "organe": str(self.body.pk),
                "partenaires": [{"partenaire": str(self.organisation_a.pk)}],
            },
            "ok",
        )
        self.assertEqual(done.status_code, 201, done.content)
