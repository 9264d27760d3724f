"""Every page of the register and of the coordination bodies, for every persona:
who may open it, who is sent to the login page, who gets 403 or 404."""

from typing import ClassVar

from django.urls import reverse

from coordination import services as coordination_services
from coordination.models import CoordinationBody
from register.models import Relation
from register.tests.base import RegisterTestCase
from register.tests.factories import make_relation
from taxonomy.models import InstitutionalLevel
from territory.tests.test_pages import StructureParser

EVERYONE = {"admin", "coordinator", "focal_point_a", "focal_point_b", "observer"}
MANAGERS = {"admin", "coordinator"}
EDITORS_OF_A = {"admin", "coordinator", "focal_point_a"}


class RegisterPages(RegisterTestCase):
    """Every page, with who may open it."""

    relation: ClassVar[Relation]
    body: ClassVar[CoordinationBody]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.relation = make_relation(
            cls.organisation_a,
            cls.organisation_b,
            type="refers-to",
            declared_by=cls.organisation_a,
        )
        cls.body = coordination_services.body_create(
            by=cls.coordinator,
            fields={
                "name": "Plateforme locale de Liège",
                "level": InstitutionalLevel.objects.get(code="municipal"),
                "formality": "informal",
                "decision_power": "exchanges",
                "frequency": "monthly",
            },
            members=[(cls.organisation_a, "member")],
        )

    def pages(self) -> list[tuple[str, set[str], dict[str, int]]]:
        """(path, personas allowed, status for the others when it is not 403)."""
        a, b = self.organisation_a.pk, self.organisation_b.pk
        url = reverse
        return [
            (url("register:organisation_list"), EVERYONE, {}),
            (url("register:service_list"), EVERYONE, {}),
            (url("register:organisation_detail", args=[a]), EVERYONE, {}),
            (url("register:organisation_detail", args=[b]), EVERYONE, {}),
            (url("register:organisation_history", args=[a]), EVERYONE, {}),
            (url("register:service_detail", args=[self.service_a.pk]), EVERYONE, {}),
            (url("register:commune_detail", args=["62063"]), EVERYONE, {}),
            (url("coordination:body_list"), EVERYONE, {}),
            (url("coordination:body_detail", args=[self.body.pk]), EVERYONE, {}),
            (
                url("register:assessment_list", args=[a]),
                {"admin", "coordinator", "observer"},
                {},
            ),
            (url("register:organisation_create"), MANAGERS, {}),
            (url("register:organisation_archive", args=[a]), MANAGERS, {}),
            (url("register:organisation_restore", args=[a]), MANAGERS, {}),
            (url("register:assessment_create", args=[a]), MANAGERS, {}),
            (url("coordination:body_create"), MANAGERS, {}),
            (url("coordination:body_update", args=[self.body.pk]), MANAGERS, {}),
            (url("register:organisation_update", args=[a]), EDITORS_OF_A, {}),
            (url("register:service_create", args=[a]), EDITORS_OF_A, {}),
            (url("register:contact_create", args=[a]), EDITORS_OF_A, {}),
            (url("register:relation_create", args=[a]), EDITORS_OF_A, {}),
            (
                url("register:service_update", args=[self.service_a.pk]),
                EDITORS_OF_A,
                {},
            ),
            (
                url("register:service_delete", args=[self.service_a.pk]),
                EDITORS_OF_A,
                {},
            ),
            (
                url("register:relation_update", args=[self.relation.pk]),
                EDITORS_OF_A,
                {},
            ),
            (
                url("register:relation_delete", args=[self.relation.pk]),
                EDITORS_OF_A,
                {},
            ),
            (
                url("register:contact_update", args=[self.shared_contact_a.pk]),
                EDITORS_OF_A,
                {"observer": 404},
            ),
            (
                url("register:contact_erase", args=[self.shared_contact_a.pk]),
                EDITORS_OF_A,
                {"observer": 404},
            ),
            # A contact that was not shared does not exist for those who may not see it.
            (
                url("register:contact_update", args=[self.private_contact_a.pk]),
                EDITORS_OF_A,
                {"focal_point_b": 404, "observer": 404},
            ),
            (
                url("register:contact_erase", args=[self.private_contact_a.pk]),
                EDITORS_OF_A,
                {"focal_point_b": 404, "observer": 404},
            ),
        ]


class PagePermissionTests(RegisterPages):
    def test_every_page_answers_each_persona_as_the_rules_say(self):
        for path, allowed, other_status in self.pages():
            for name, user in self.personas().items():
                self.login(user)
                response = self.client.get(path)
                with self.subTest(path=path, persona=name):
                    if user is None:
                        self.assertEqual(response.status_code, 302)
                        self.assertTrue(response["Location"].startswith("/comptes/"))
                    elif name in allowed:
                        self.assertEqual(response.status_code, 200)
                    else:
                        self.assertEqual(
                            response.status_code, other_status.get(name, 403)
                        )

    def test_an_unknown_id_gives_404_to_everyone_signed_in(self):
        paths = [
            reverse("register:organisation_detail", args=[999999]),
            reverse("register:organisation_update", args=[999999]),
            reverse("register:service_detail", args=[999999]),
            reverse("register:contact_update", args=[999999]),
            reverse("register:relation_update", args=[999999]),
            reverse("coordination:body_detail", args=[999999]),
            reverse("register:commune_detail", args=["99999"]),
        ]
        for name, user in self.personas().items():
            if user is None:
                continue
            self.login(user)
            for path in paths:
                with self.subTest(path=path, persona=name):
                    self.assertIn(self.client.get(path).status_code, {404, 403})
        self.login(self.coordinator)
        for path in paths:
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_write_pages_refuse_other_methods(self):
        self.login(self.coordinator)
        revert = reverse(
            "register:organisation_revert",
            args=[self.organisation_a.pk, self.organisation_a.history.first().pk],
        )
        # Asked first (GET), done by the form (POST); nothing else.
        self.assertEqual(self.client.get(revert).status_code, 200)
        self.assertEqual(self.client.put(revert).status_code, 405)
        detail = reverse("register:organisation_detail", args=[self.organisation_a.pk])
        self.assertEqual(self.client.post(detail).status_code, 405)

    def test_the_menu_shows_the_register_only_to_signed_in_people(self):
        response = self.client.get("/")
        self.assertNotContains(response, 'href="/registre/organisations/"')
        self.assertNotContains(response, 'href="/coordination/organes/"')
        self.login(self.observer)
        response = self.client.get(reverse("register:organisation_list"))
        self.assertContains(
            response,
            '<a href="/registre/organisations/" aria-current="page">État des lieux</a>',
            html=True,
        )
        self.assertContains(response, 'href="/coordination/organes/"')


class PageStructureTests(RegisterPages):
    """What assistive technologies rely on, on every page: one h1, captioned
    tables with scoped headers, a label for every form control."""

    def test_every_page_is_structured_for_assistive_technologies(self):
        self.login(self.coordinator)
        for path, _allowed, _others in self.pages():
            html = self.client.get(path).content.decode()
            parser = StructureParser()
            parser.feed(html)
            with self.subTest(path=path):
                self.assertEqual(parser.h1, 1)
                self.assertEqual(parser.tables, parser.captions)
                self.assertEqual(parser.headers_without_scope, 0)
                for control in parser.inputs:
                    self.assertIn(control, parser.labels)
                self.assertIn('<nav class="breadcrumbs"', html)
