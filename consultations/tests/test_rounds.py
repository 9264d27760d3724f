"""Rounds: created, audience drawn from the register, launched (invitations
e-mailed in the invitee's language, reminders), progress; answering by an
invitation's link with a draft kept page by page, submitted once, copy and
PDF; a coordinator reopens; a closed round, a forged key, the public link's
limit."""

import datetime
from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultations.models import Invitation, Response, Round
from consultations.services import Audience, invitations_add
from consultations.tasks import send_reminders
from consultations.tests.base import ANSWERS, RoundTestCase
from register.tests.factories import make_contact


class RoundPageTests(RoundTestCase):
    def test_who_sees_what(self):
        pk = self.round.pk
        manage = [
            reverse("consultations:round_create"),
            reverse("consultations:round_detail", args=[pk]),
            reverse("consultations:round_edit", args=[pk]),
            reverse("consultations:questionnaire_list"),
        ]
        expected = {
            "anonymous": 302, "admin": 200, "coordinator": 200,
            "focal_point_a": 403, "focal_point_b": 403, "observer": 403,
        }  # fmt: skip
        for name, user in self.personas().items():
            self.login(user)
            for url in manage:
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected[name])
            with self.subTest(persona=name, url="index"):
                status = self.client.get(reverse("consultations:index")).status_code
                self.assertEqual(
                    status, {"observer": 403, "anonymous": 302}.get(name, 200)
                )
            for url in (
                reverse("consultations:round_action", args=[pk]),
                reverse("consultations:round_invite", args=[pk]),
            ):
                with self.subTest(persona=name, post=url):
                    status = self.client.post(url, {"action": "remind"}).status_code
                    self.assertIn(
                        status,
                        {302, 400} if expected[name] == 200 else {expected[name]},
                    )

    def test_a_focal_point_sees_their_organisations_invitations(self):
        self.login(self.focal_point_a)
        response = self.client.get(reverse("consultations:index"))
        self.assertContains(response, "Offre d&#x27;accueil 2027")
        self.assertContains(response, self.invitation_a.key)
        self.assertNotContains(
            response, self.round.invitations.get(organisation=self.organisation_b).key
        )

    def test_a_coordinator_creates_invites_and_launches(self):
        self.login(self.coordinator)
        response = self.client.post(
            reverse("consultations:round_create"),
            {
                "questionnaire": self.questionnaire.pk,
                "title": "Vérification 2028",
                "purpose": "verification",
                "unit": "organisation",
                "opens_at": "2027-01-10T09:00",
                "closes_at": "2027-01-05T09:00",
            },
        )
        self.assertContains(
            response, "La clôture vient après l&#x27;ouverture.", status_code=400
        )
        self.assertFalse(Round.objects.filter(title="Vérification 2028").exists())
        response = self.client.post(
            reverse("consultations:round_create"),
            {
                "questionnaire": self.questionnaire.pk,
                "title": "Vérification 2028",
                "purpose": "verification",
                "unit": "organisation",
                "opens_at": "2026-01-10T09:00",
                "closes_at": "2099-01-05T09:00",
            },
        )
        round_ = Round.objects.get(title="Vérification 2028")
        self.assertRedirects(response, round_.get_absolute_url())
        response = self.client.post(
            reverse("consultations:round_invite", args=[round_.pk]), {}
        )
        self.assertContains(response, "Choisissez au moins un critère", status_code=400)
        response = self.client.post(
            reverse("consultations:round_invite", args=[round_.pk]),
            {"level": "regional"},
        )
        self.assertEqual(
            list(round_.invitations.values_list("organisation", flat=True)),
            [self.organisation_b.pk],
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("consultations:round_action", args=[round_.pk]),
                {"action": "launch"},
            )
        round_.refresh_from_db()
        self.assertEqual(round_.state, "open")
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn(round_.invitations.get().key, mail.outbox[0].body)
        page = self.client.get(round_.get_absolute_url())
        self.assertContains(page, "Envoyées")

    def test_invitations_go_to_the_focal_point_in_their_language(self):
        organisation = self.organisation_b
        make_contact(
            organisation,
            "Nele Focal",
            email="nele@example.org",
            is_focal_point=True,
            languages=["nl"],
        )
        round_ = Round.objects.create(
            questionnaire=self.questionnaire, title="R", opens_at=timezone.now(),
            closes_at=timezone.now() + datetime.timedelta(days=3),
        )  # fmt: skip
        invitations_add(
            round_=round_, audience=Audience(organisations=(organisation.pk,))
        )
        invitation = round_.invitations.get()
        self.assertEqual(
            (invitation.email, invitation.language), ("nele@example.org", "nl")
        )

    def test_reminders_go_once_a_week_to_those_who_have_not_answered(self):
        Invitation.objects.filter(round=self.round).update(
            email="x@example.org", sent_at=timezone.now() - datetime.timedelta(days=8)
        )
        Response.objects.create(
            round=self.round,
            questionnaire=self.questionnaire,
            invitation=self.invitation_a,
            instance_id="uuid:1",
            status="submitted",
        )
        send_reminders.call()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Rappel", mail.outbox[0].subject)
        send_reminders.call()
        self.assertEqual(len(mail.outbox), 1)


class AnswerTests(RoundTestCase):
    def url(self, name: str = "answer", key: str = "") -> str:
        return reverse(f"consultations:{name}", args=[key or self.invitation_a.key])

    def post(self, **data: Any) -> Any:
        return self.client.post(self.url(), data)

    def test_answering_by_the_link_page_by_page_and_coming_back(self):
        response = self.client.get(self.url())
        self.assertContains(response, "Accueillez-vous des personnes déplacées ?")
        self.assertContains(response, "Page 1 sur 2")
        self.invitation_a.refresh_from_db()
        self.assertIsNotNone(self.invitation_a.opened_at)
        self.post(page="1", action="next", accueil="yes", places="12")
        draft = Response.objects.get(invitation=self.invitation_a)
        self.assertEqual(
            (draft.status, draft.answers, draft.page),
            ("draft", {"accueil": "yes", "places": "12"}, 1),
        )
        # Another browser, the same link: the draft is there.
        self.client.logout()
        self.client.cookies.clear()
        self.assertContains(self.client.get(self.url() + "?page=1"), 'value="12"')
        response = self.post(
            page="2",
            action="submit",
            besoins="logement",
            commentaire="Places en maisons communautaires",
        )
        self.assertRedirects(response, self.url("answer_done"))
        stored = Response.objects.get(invitation=self.invitation_a)
        self.assertEqual((stored.status, stored.answers), ("submitted", ANSWERS))
        # A second click, or the page sent again: still one response.
        response = self.post(page="2", action="submit", besoins="logement")
        self.assertRedirects(response, self.url("answer_done"))
        self.assertEqual(Response.objects.filter(round=self.round).count(), 1)
        done = self.client.get(self.url("answer_done"))
        self.assertContains(done, "Places en maisons communautaires")
        pdf = self.client.get(self.url("answer_pdf"))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_a_coordinator_reopens_a_response(self):
        self.post(page="1", action="next", accueil="no")
        self.post(page="2", action="submit")
        response = Response.objects.get(invitation=self.invitation_a)
        self.login(self.focal_point_b)
        self.assertEqual(
            self.client.get(
                reverse("consultations:response_detail", args=[response.pk])
            ).status_code,
            404,
        )
        self.login(self.focal_point_a)
        self.assertEqual(
            self.client.get(
                reverse("consultations:response_detail", args=[response.pk])
            ).status_code,
            200,
        )
        self.assertEqual(
            self.client.post(
                reverse("consultations:response_reopen", args=[response.pk])
            ).status_code,
            403,
        )
        self.login(self.coordinator)
        self.client.post(reverse("consultations:response_reopen", args=[response.pk]))
        response.refresh_from_db()
        self.assertEqual(response.status, "draft")
        self.client.logout()
        self.assertContains(
            self.client.get(self.url() + "?page=1"), 'value="no" checked'
        )

    def test_closed_forged_and_foreign_keys(self):
        for key in ("x" * 43, "nope", "x" * 500, "..%2F..%2Fetc", "%00", "%C0%AE"):
            with self.subTest(key=key):
                url = f"/consultations/repondre/{key}/"
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"page": "1"}).status_code, 404)
        Round.objects.filter(pk=self.round.pk).update(
            closes_at=timezone.now() - datetime.timedelta(seconds=1),
            opens_at=timezone.now() - datetime.timedelta(days=2),
        )
        response = self.client.get(self.url())
        self.assertContains(response, "close depuis", status_code=403)
        self.assertEqual(self.post(page="1", accueil="yes").status_code, 403)
        self.assertFalse(Response.objects.exists())

    def test_the_public_link_is_anonymous_and_limited(self):
        url = reverse("consultations:public", args=[self.round.public_key])
        self.assertContains(self.client.get(url), "Page 1 sur 2")
        self.client.post(url, {"page": "1", "action": "next", "accueil": "no"})
        self.client.post(url, {"page": "2", "action": "submit"})
        response = Response.objects.get(invitation__isnull=True)
        self.assertEqual(response.status, "submitted")
        self.assertContains(self.client.get(url), "vos réponses sont envoyées")
        from django.core.cache import cache

        cache.clear()
        statuses = []
        for _attempt in range(32):
            self.client.cookies.clear()
            statuses.append(self.client.get(url).status_code)
        self.assertEqual(statuses.count(429), 2)
        cache.clear()


class LargeRoundTests(RoundTestCase):
    def test_the_invitations_come_a_hundred_a_page(self):
        self.login(self.coordinator)
        url = self.round.get_absolute_url()
        # The same queries for 2 invitations and for 152.
        with self.assertNumQueries(18):
            self.client.get(url)
        Invitation.objects.bulk_create(
            Invitation(round=self.round, name=f"Personne {n:03d}", key=f"key-{n}")
            for n in range(150)
        )
        with self.assertNumQueries(18):
            response = self.client.get(url)
        self.assertContains(response, "152 invitations")
        self.assertContains(response, "Page 1 sur 2")
        self.assertEqual(len(response.context["page"].object_list), 100)
        self.assertContains(self.client.get(url + "?page=2"), "Personne 149")
        self.assertEqual(self.client.get(url + "?page=zz").status_code, 200)
