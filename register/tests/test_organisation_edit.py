"""Creating and editing organisations through the HTML form: who may, what is
checked, and how a concurrent edit is caught."""

from typing import Any

from django.db.models import Q
from django.urls import reverse

from register import services
from register.models import Organisation
from register.tests.base import RegisterTestCase, table_row
from register.tests.factories import make_organisation
from taxonomy.models import ActorType, InstitutionalLevel, Sector
from territory.models import Commune, PostalCode

CREATE = "/registre/organisations/nouvelle/"


def form_data(
    organisation: Organisation | None = None, **changes: Any
) -> dict[str, Any]:
    """What the form posts: the organisation as it is, with some changes."""
    if organisation is None:
        data: dict[str, Any] = {
            "name": "Maison de l'Ukraine à Namur",
            "level": InstitutionalLevel.objects.get(code="non-governmental").pk,
            "sector": Sector.objects.get(code="community-based").pk,
            "actor_type": ActorType.objects.get(
                code="ukrainian-community-association"
            ).pk,
            "postal_code": "5000",
            "languages": ["uk", "fr"],
        }
    else:
        organisation.refresh_from_db()
        data = {
            "name": organisation.name,
            "acronym": organisation.acronym,
            "enterprise_number": organisation.enterprise_number,
            "level": organisation.level_id,
            "sector": organisation.sector_id,
            "actor_type": organisation.actor_type_id,
            "parent": str(organisation.parent or ""),
            "street": organisation.street,
            "postal_code": organisation.postal_code,
            "website": organisation.website,
            "email": organisation.email,
            "phone": organisation.phone,
            "languages": organisation.languages,
            "description": organisation.description,
            "area_communes": list(
                organisation.area_communes.values_list("pk", flat=True)
            ),
            "version": organisation.version,
        }
        if organisation.published:
            data["published"] = "on"
    data.update(changes)
    return data


class OrganisationCreateTests(RegisterTestCase):
    def test_a_coordinator_creates_an_organisation(self):
        self.login(self.coordinator)
        response = self.client.get(CREATE)
        self.assertContains(response, "<h1>Nouvelle organisation</h1>", html=True)
        self.assertContains(response, "<legend>Zone d'action</legend>", html=True)
        self.assertNotContains(response, 'name="version"')
        response = self.client.post(
            CREATE,
            form_data(
                enterprise_number="BE 0412 345 614",
                area_provinces=["90000"],
                area_communes=["62063"],
                parent=f"CPAS de Liège (CPAS Liège) — n° {self.organisation_a.pk}",
                published="on",
            ),
        )
        organisation = Organisation.objects.get(name="Maison de l'Ukraine à Namur")
        self.assertRedirects(
            response, organisation.get_absolute_url(), fetch_redirect_response=False
        )
        self.assertEqual(organisation.enterprise_number, "0412345614")
        self.assertEqual(organisation.commune_id, "92094")
        self.assertEqual(organisation.languages, ["uk", "fr"])
        self.assertEqual(organisation.parent, self.organisation_a)
        self.assertTrue(organisation.published)
        self.assertEqual(organisation.area_communes.count(), 38 + 1)
        self.assertEqual(organisation.history.first().history_user, self.coordinator)
        page = self.client.get(organisation.get_absolute_url())
        self.assertContains(
            page, "L&#x27;organisation Maison de l&#x27;Ukraine à Namur a été créée."
        )
        self.assertContains(page, "<dd>0412.345.614</dd>", html=True)

    def test_focal_points_and_observers_may_not_create(self):
        for user in (self.focal_point_a, self.observer):
            self.login(user)
            with self.subTest(user=user):
                self.assertEqual(self.client.get(CREATE).status_code, 403)
                self.assertEqual(self.client.post(CREATE, form_data()).status_code, 403)
        self.assertFalse(
            Organisation.objects.filter(name__startswith="Maison").exists()
        )

    def assert_refused(self, data: dict[str, Any], field: str, message: str) -> None:
        before = Organisation.objects.count()
        response = self.client.post(CREATE, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<strong>Rien n'a été enregistré.</strong>")
        self.assertContains(
            response,
            f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>',
            html=True,
        )
        self.assertContains(
            response,
            f'aria-describedby="id_{field}_helptext id_{field}_error"'
            if field in {"enterprise_number", "postal_code"}
            else 'aria-invalid="true"',
        )
        self.assertEqual(Organisation.objects.count(), before)

    def test_it_refuses_an_invalid_enterprise_number(self):
        self.login(self.coordinator)
        self.assert_refused(
            form_data(enterprise_number="0412.345.615"),
            "enterprise_number",
            "Ce numéro d&#x27;entreprise n&#x27;est pas valide (chiffres de contrôle).",
        )
        self.assert_refused(
            form_data(enterprise_number="12345"),
            "enterprise_number",
            "Un numéro d&#x27;entreprise compte 10 chiffres et commence par 0 ou 1.",
        )

    def test_it_refuses_an_enterprise_number_already_taken(self):
        make_organisation("Première", enterprise_number="0412345614")
        self.login(self.coordinator)
        self.assert_refused(
            form_data(enterprise_number="0412.345.614"),
            "enterprise_number",
            "Ce numéro d&#x27;entreprise est déjà celui de Première.",
        )

    def test_it_refuses_an_unknown_postal_code(self):
        self.login(self.coordinator)
        self.assert_refused(
            form_data(postal_code="9999"),
            "postal_code",
            "Le code postal 9999 n&#x27;existe pas.",
        )

    def test_it_asks_for_the_commune_when_a_postal_code_serves_two(self):
        PostalCode.objects.create(code="4000", commune=Commune.objects.get(nis="62096"))
        self.login(self.coordinator)
        response = self.client.post(CREATE, form_data(postal_code="4000"))
        self.assertContains(response, '<select name="commune"')
        self.assertContains(response, '<option value="62063">Liège</option>')
        self.assertContains(response, '<option value="62096">Seraing</option>')
        self.assertContains(response, "dessert plusieurs communes : précisez-la.")
        self.assertFalse(
            Organisation.objects.filter(name__startswith="Maison").exists()
        )
        response = self.client.post(
            CREATE, form_data(postal_code="4000", commune="62096")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Organisation.objects.get(name__startswith="Maison").commune_id, "62096"
        )
        # With a single commune, there is nothing to choose.
        self.assertNotContains(self.client.get(CREATE), 'name="commune"')

    def test_the_parent_is_typed_not_picked_from_every_organisation(self):
        self.login(self.coordinator)
        response = self.client.get(CREATE)
        self.assertContains(response, '<input type="text" name="parent"')
        self.assertContains(response, 'list="id_parent-suggestions"')
        self.assertContains(response, '<datalist id="id_parent-suggestions">')
        self.assertNotContains(response, '<select name="parent"')
        self.assertNotContains(response, "Centre régional de Verviers")


class OrganisationUpdateTests(RegisterTestCase):
    def url(self, organisation: Organisation | None = None) -> str:
        organisation = organisation or self.organisation_a
        return reverse("register:organisation_update", args=[organisation.pk])

    def test_a_focal_point_edits_their_own_organisation(self):
        self.login(self.focal_point_a)
        response = self.client.get(self.url())
        self.assertContains(response, 'name="version" value="1"')
        self.assertContains(response, 'value="CPAS de Liège"')
        response = self.client.post(
            self.url(),
            form_data(
                self.organisation_a,
                phone="+32 4 220 60 00",
                area_arrondissements=["62000"],
                reason="Mise à jour annuelle",
            ),
        )
        self.assertRedirects(response, self.organisation_a.get_absolute_url())
        self.organisation_a.refresh_from_db()
        self.assertEqual(self.organisation_a.phone, "+32 4 220 60 00")
        self.assertEqual(self.organisation_a.version, 2)
        self.assertEqual(self.organisation_a.area_communes.count(), 24)
        record = self.organisation_a.history.first()
        self.assertEqual(record.history_user, self.focal_point_a)
        self.assertEqual(record.history_change_reason, "Mise à jour annuelle")

    def test_an_area_starts_as_it_reads_whole_units_ticked(self):
        # The province of Namur entire, the arrondissement of Verviers entire and
        # Liège: the form ticks the two units and picks only Liège.
        self.organisation_a.area_communes.set(
            Commune.objects.filter(Q(province="90000") | Q(arrondissement="63000"))
        )
        self.organisation_a.area_communes.add(Commune.objects.get(nis="62063"))
        self.login(self.coordinator)
        response = self.client.get(self.url())
        form = response.context["form"]
        self.assertEqual(form.initial["area_provinces"], ["90000"])
        self.assertEqual(form.initial["area_arrondissements"], ["63000"])
        self.assertEqual(form.initial["area_communes"], ["62063"])
        self.assertEqual(form.initial["area_regions"], [])
        self.assertContains(
            response,
            '<input type="checkbox" name="area_provinces" value="90000" '
            'id="id_area_provinces_4" checked>',
            html=True,
        )
        # Sent back as shown, the area stays what it was.
        before = set(self.organisation_a.area_communes.values_list("pk", flat=True))
        data = form_data(self.organisation_a, area_provinces=["90000"])
        data.update(area_arrondissements=["63000"], area_communes=["62063"])
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, self.organisation_a.get_absolute_url())
        after = set(self.organisation_a.area_communes.values_list("pk", flat=True))
        self.assertEqual(after, before)
        self.assertEqual(len(after), 38 + 29 + 1)

    def test_a_focal_point_may_not_edit_another_organisation(self):
        self.login(self.focal_point_a)
        url = self.url(self.organisation_b)
        self.assertEqual(self.client.get(url).status_code, 403)
        response = self.client.post(url, form_data(self.organisation_b, name="Piraté"))
        self.assertEqual(response.status_code, 403)
        self.organisation_b.refresh_from_db()
        self.assertNotEqual(self.organisation_b.name, "Piraté")
        self.assertEqual(self.organisation_b.version, 1)

    def test_observers_may_not_edit(self):
        self.login(self.observer)
        response = self.client.post(
            self.url(), form_data(self.organisation_a, name="X")
        )
        self.assertEqual(response.status_code, 403)
        self.organisation_a.refresh_from_db()
        self.assertEqual(self.organisation_a.name, "CPAS de Liège")

    def test_a_stale_version_shows_both_versions_and_saves_nothing(self):
        self.login(self.focal_point_a)
        mine = form_data(
            self.organisation_a, phone="+32 4 111 11 11", description="Ma version"
        )
        # Meanwhile a coordinator changes the phone and the name.
        services.organisation_update(
            organisation_id=self.organisation_a.pk,
            by=self.coordinator,
            expected_version=1,
            fields={"phone": "+32 4 999 99 99", "name": "CPAS de la Ville de Liège"},
        )
        response = self.client.post(self.url(), mine)
        self.assertEqual(response.status_code, 409)
        self.assertContains(
            response,
            "Modification concurrente : rien n'a été enregistré",
            status_code=409,
        )
        html = response.content.decode()
        self.assertInHTML(
            table_row("Téléphone", "+32 4 111 11 11", "+32 4 999 99 99"),
            html,
        )
        self.assertInHTML(
            table_row("Nom", "CPAS de Liège", "CPAS de la Ville de Liège"),
            html,
        )
        self.assertInHTML(
            table_row("Description", "Ma version", "—"),
            html,
        )
        self.assertNotIn('<th scope="row">Sigle</th>', html)
        self.organisation_a.refresh_from_db()
        self.assertEqual(self.organisation_a.phone, "+32 4 999 99 99")
        self.assertEqual(self.organisation_a.description, "")
        self.assertEqual(self.organisation_a.version, 2)
        # The form keeps what was submitted, now on the current version.
        self.assertIn('name="version" value="2"', html)
        self.assertIn('value="+32 4 111 11 11"', html)
        # Sending it again overwrites, knowingly.
        response = self.client.post(self.url(), {**mine, "version": 2})
        self.assertEqual(response.status_code, 302)
        self.organisation_a.refresh_from_db()
        self.assertEqual(self.organisation_a.phone, "+32 4 111 11 11")
        self.assertEqual(self.organisation_a.version, 3)

    def test_bad_inputs_on_edit_write_nothing(self):
        self.login(self.coordinator)
        for changes, field in (
            ({"enterprise_number": "0123.456.789"}, "enterprise_number"),
            ({"postal_code": "0000"}, "postal_code"),
            ({"name": ""}, "name"),
            ({"website": "pas une adresse"}, "website"),
        ):
            with self.subTest(field=field):
                response = self.client.post(
                    self.url(), form_data(self.organisation_a, **changes)
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'id="id_{field}_error"')
        self.organisation_a.refresh_from_db()
        self.assertEqual(self.organisation_a.version, 1)
