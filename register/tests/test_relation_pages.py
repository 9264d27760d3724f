"""Relations declared from an organisation's page, in either direction."""

from typing import Any

from django.urls import reverse

from register.models import Relation
from register.tests.base import RegisterTestCase, table_row
from register.tests.factories import make_relation
from taxonomy.models import RelationType, Theme


def relation_data(other, kind: str = "forward:funds", **changes: Any) -> dict[str, Any]:
    direction, code = kind.split(":")
    return {
        "kind": f"{direction}:{RelationType.objects.get(code=code).pk}",
        "other": f"{other} — n° {other.pk}",
        "themes": [Theme.objects.get(code="language-learning").pk],
        "frequency": "monthly",
        "formal": "on",
        "since": "2024-09-01",
        "source_note": "Enquête de mars 2026",
        **changes,
    }


class RelationPageTests(RegisterTestCase):
    def create_url(self, organisation=None) -> str:
        organisation = organisation or self.organisation_a
        return reverse("register:relation_create", args=[organisation.pk])

    def test_a_focal_point_declares_a_relation_for_their_organisation(self):
        self.login(self.focal_point_a)
        response = self.client.get(self.create_url())
        funds = RelationType.objects.get(code="funds")
        self.assertContains(
            response, f'<option value="forward:{funds.pk}">finance</option>'
        )
        self.assertContains(
            response,
            f'<option value="inverse:{funds.pk}">{funds.inverse_name}</option>',
        )
        response = self.client.post(
            self.create_url(), relation_data(self.organisation_b, "inverse:funds")
        )
        self.assertRedirects(
            response,
            self.organisation_a.get_absolute_url() + "#relations",
            fetch_redirect_response=False,
        )
        relation = Relation.objects.get()
        # "A is funded by B" is stored as "B funds A".
        self.assertEqual(relation.source, self.organisation_b)
        self.assertEqual(relation.target, self.organisation_a)
        self.assertEqual(relation.declared_by, self.organisation_a)
        self.assertTrue(relation.formal)
        self.assertEqual([t.code for t in relation.themes.all()], ["language-learning"])
        # Both pages show it, each from its own side.
        self.assertContains(
            self.client.get(self.organisation_b.get_absolute_url()),
            "<td>CRVI finance</td>",
        )

    def test_a_coordinator_declares_on_behalf_of_the_coordination(self):
        self.login(self.coordinator)
        self.client.post(
            self.create_url(self.organisation_b), relation_data(self.organisation_a)
        )
        relation = Relation.objects.get()
        self.assertEqual(relation.source, self.organisation_b)
        self.assertIsNone(relation.declared_by)

    def test_an_organisation_is_not_related_to_itself(self):
        self.login(self.focal_point_a)
        response = self.client.post(
            self.create_url(), relation_data(self.organisation_a)
        )
        self.assertContains(
            response,
            '<ul class="errorlist" id="id_other_error"><li>Une organisation ne '
            "peut pas être en relation avec elle-même.</li></ul>",
            html=True,
        )
        self.assertFalse(Relation.objects.exists())

    def test_a_duplicate_relation_is_refused_on_the_type(self):
        make_relation(self.organisation_a, self.organisation_b, type="funds")
        self.login(self.coordinator)
        response = self.client.post(
            self.create_url(), relation_data(self.organisation_b)
        )
        self.assertContains(response, 'id="id_kind_error"')
        self.assertEqual(Relation.objects.count(), 1)

    def test_focal_points_declare_only_for_their_organisation(self):
        self.login(self.focal_point_b)
        response = self.client.post(
            self.create_url(), relation_data(self.organisation_b)
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Relation.objects.exists())

    def test_a_relation_is_edited_by_whoever_declared_it(self):
        relation = make_relation(
            self.organisation_a,
            self.organisation_b,
            type="refers-to",
            declared_by=self.organisation_a,
        )
        url = reverse("register:relation_update", args=[relation.pk])
        self.login(self.focal_point_b)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(
            self.client.post(
                reverse("register:relation_delete", args=[relation.pk])
            ).status_code,
            403,
        )
        self.login(self.focal_point_a)
        response = self.client.get(url)
        self.assertContains(response, 'name="version" value="1"')
        response = self.client.post(
            url,
            relation_data(
                self.organisation_b, "forward:refers-to", frequency="weekly", version=1
            ),
        )
        self.assertEqual(response.status_code, 302)
        relation.refresh_from_db()
        self.assertEqual(relation.frequency, "weekly")
        response = self.client.post(
            url,
            relation_data(
                self.organisation_b, "forward:refers-to", frequency="daily", version=1
            ),
        )
        self.assertEqual(response.status_code, 409)
        self.assertInHTML(
            table_row("Fréquence", "quotidienne", "hebdomadaire"),
            response.content.decode(),
        )
        self.assertEqual(
            self.client.post(
                reverse("register:relation_delete", args=[relation.pk])
            ).status_code,
            302,
        )
        self.assertFalse(Relation.objects.exists())


class RelationLinkTests(RegisterTestCase):
    def test_an_odd_other_is_ignored(self):
        self.login(self.coordinator)
        for other in ("²", "x", "9" * 30, "0"):
            with self.subTest(other):
                response = self.client.get(
                    f"/registre/organisations/{self.organisation_a.pk}/relations/nouvelle/",
                    {"other": other},
                )
                self.assertEqual(response.status_code, 200)
