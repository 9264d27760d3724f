"""Services (the 4W rows): their page, and adding, changing and deleting them."""

from typing import Any

from django.urls import reverse

from register import services
from register.models import Organisation, Service
from register.tests.base import RegisterTestCase, grow_register, table_row
from register.tests.factories import make_organisation
from taxonomy.models import TargetGroup, Theme


def service_data(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Cours de français pour adultes",
        "description": "Deux matinées par semaine.",
        "theme": Theme.objects.get(code="language-learning").pk,
        "subtheme": Theme.objects.get(code="french-courses").pk,
        "target_groups": [TargetGroup.objects.get(code="all-temporary-protection").pk],
        "communes": ["62063"],
        "delivery_mode": "on_site",
        "languages": ["fr", "uk"],
        "capacity": "15",
        "capacity_unit": "places",
        "cost": "free",
        "access": "appointment",
        "start_date": "2026-01-05",
        "end_date": "2026-06-30",
        "status": "ongoing",
        **changes,
    }


class ServicePageTests(RegisterTestCase):
    def page(self, service: Service | None = None):
        service = service or self.service_a
        return self.client.get(reverse("register:service_detail", args=[service.pk]))

    def test_it_shows_the_service(self):
        funder = make_organisation("SPW Intérieur et Action sociale", level="regional")
        services.service_update(
            service_id=self.service_a.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"capacity": 40, "capacity_unit": "lits", "languages": ["fr", "uk"]},
            funders=[funder],
        )
        self.login(self.observer)
        response = self.page()
        self.assertContains(response, "<h1>Logement d&#x27;urgence</h1>", html=True)
        self.assertContains(response, "<dd>40 lits</dd>", html=True)
        self.assertContains(response, "<dd>français, ukrainien</dd>", html=True)
        self.assertContains(response, "Toutes les personnes sous protection temporaire")
        self.assertContains(response, f'href="{funder.get_absolute_url()}"')
        self.assertContains(response, "1 commune :")
        self.assertNotContains(
            response, reverse("register:service_update", args=[self.service_a.pk])
        )
        self.login(self.focal_point_a)
        self.assertContains(
            self.page(), reverse("register:service_update", args=[self.service_a.pk])
        )

    def test_a_focal_point_adds_a_service_to_their_organisation(self):
        self.login(self.focal_point_a)
        url = reverse("register:service_create", args=[self.organisation_a.pk])
        response = self.client.get(url)
        self.assertContains(response, "<legend>Où</legend>", html=True)
        self.assertContains(response, '<optgroup label="Apprentissage des langues">')
        response = self.client.post(
            url,
            service_data(
                area_arrondissements=["63000"], funders=[self.organisation_b.pk]
            ),
        )
        service = Service.objects.get(title="Cours de français pour adultes")
        self.assertRedirects(
            response, service.get_absolute_url(), fetch_redirect_response=False
        )
        self.assertEqual(service.organisation, self.organisation_a)
        self.assertEqual(service.subtheme, Theme.objects.get(code="french-courses"))
        self.assertEqual(service.communes.count(), 1 + 29)
        self.assertEqual(list(service.funders.all()), [self.organisation_b])
        self.assertEqual(service.languages, ["fr", "uk"])
        # The organisation is now found by the service's words.
        response = self.client.get(
            reverse("register:organisation_list") + "?q=matinees"
        )
        self.assertContains(response, "CPAS de Liège")

    def assert_refused(
        self,
        organisation: Organisation,
        data: dict[str, Any],
        field: str | None,
        message: str,
    ):
        before = Service.objects.count()
        response = self.client.post(
            reverse("register:service_create", args=[organisation.pk]), data
        )
        self.assertEqual(response.status_code, 200)
        if field:
            self.assertContains(
                response,
                f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>',
                html=True,
            )
        else:
            self.assertContains(response, message)
        self.assertEqual(Service.objects.count(), before)

    def test_it_refuses_an_end_before_the_start(self):
        self.login(self.focal_point_a)
        self.assert_refused(
            self.organisation_a,
            service_data(start_date="2026-06-01", end_date="2026-05-31"),
            "end_date",
            "La date de fin (31 mai 2026) précède la date de début (1 juin 2026).",
        )

    def test_it_refuses_a_subtheme_of_another_theme(self):
        self.login(self.focal_point_a)
        self.assert_refused(
            self.organisation_a,
            service_data(subtheme=Theme.objects.get(code="social-housing").pk),
            "subtheme",
            "Ce sous-thème n&#x27;appartient pas au thème choisi.",
        )

    def test_an_archived_organisation_gets_no_new_service(self):
        services.organisation_archive(
            organisation_id=self.organisation_a.pk, by=self.coordinator
        )
        self.login(self.coordinator)
        url = reverse("register:service_create", args=[self.organisation_a.pk])
        self.assertContains(
            self.client.get(url), "Cette organisation est archivée : restaurez-la"
        )
        self.assert_refused(
            self.organisation_a,
            service_data(),
            None,
            "CPAS de Liège (CPAS Liège) est archivée : restaurez-la avant "
            "d&#x27;y rattacher quelque chose.",
        )

    def test_an_archived_funder_is_refused(self):
        funder = make_organisation("Fonds disparu")
        services.organisation_archive(organisation_id=funder.pk, by=self.coordinator)
        self.login(self.coordinator)
        response = self.client.post(
            reverse("register:service_create", args=[self.organisation_a.pk]),
            service_data(funders=[funder.pk]),
        )
        self.assertContains(response, 'id="id_funders_error"')
        self.assertFalse(
            Service.objects.filter(title__startswith="Cours de français pour").exists()
        )

    def test_a_new_service_starts_from_its_organisation_s_communes_and_languages(
        self,
    ):
        self.login(self.coordinator)
        response = self.client.get(
            reverse("register:service_create", args=[self.organisation_a.pk])
        )
        form = response.context["form"]
        self.assertEqual(form.initial["communes"], ["62063"])
        self.assertEqual(form.initial["languages"], ["fr", "uk"])
        self.assertContains(response, '<option value="62063" selected>')
        # Editing keeps the service's own.
        response = self.client.get(
            reverse("register:service_update", args=[self.service_b.pk])
        )
        self.assertEqual(
            sorted(response.context["form"].initial["communes"]),
            sorted(self.service_b.communes.values_list("pk", flat=True)),
        )

    def test_a_funder_typed_as_a_number_past_64_bits_is_unknown(self):
        self.login(self.coordinator)
        for typed in ("99999999999999999999", "Fonds — n° 1180591620717411303424"):
            with self.subTest(typed=typed):
                response = self.client.post(
                    reverse("register:service_create", args=[self.organisation_a.pk]),
                    service_data(funders=[typed]),
                )
                self.assertContains(response, 'id="id_funders_error"')
        self.assertFalse(
            Service.objects.filter(title__startswith="Cours de français pour").exists()
        )

    def test_a_focal_point_may_not_touch_another_organisation_services(self):
        self.login(self.focal_point_a)
        for url in (
            reverse("register:service_create", args=[self.organisation_b.pk]),
            reverse("register:service_update", args=[self.service_b.pk]),
            reverse("register:service_delete", args=[self.service_b.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(
                    self.client.post(url, service_data(version=1)).status_code, 403
                )
        self.service_b.refresh_from_db()
        self.assertEqual(self.service_b.title, "Cours de français langue étrangère")
        self.assertEqual(
            Service.objects.filter(organisation=self.organisation_b).count(), 1
        )

    def test_an_edit_and_a_stale_one(self):
        self.login(self.focal_point_a)
        url = reverse("register:service_update", args=[self.service_a.pk])
        response = self.client.get(url)
        self.assertContains(response, 'name="version" value="1"')
        self.assertContains(response, '<option value="62063" selected>')
        data = service_data(
            title="Logement d'urgence",
            theme=Theme.objects.get(code="housing").pk,
            subtheme=Theme.objects.get(code="emergency-housing").pk,
            status="suspended",
            version=1,
        )
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.service_a.refresh_from_db()
        self.assertEqual(self.service_a.status, "suspended")
        self.assertEqual(self.service_a.version, 2)
        response = self.client.post(url, {**data, "status": "ended"})
        self.assertEqual(response.status_code, 409)
        self.assertInHTML(
            table_row("Statut", "terminé", "suspendu"),
            response.content.decode(),
        )
        self.service_a.refresh_from_db()
        self.assertEqual(self.service_a.status, "suspended")

    def test_deleting_asks_first(self):
        self.login(self.focal_point_a)
        url = reverse("register:service_delete", args=[self.service_a.pk])
        self.assertContains(
            self.client.get(url), "Supprimer le service Logement d&#x27;urgence ?"
        )
        self.assertTrue(Service.objects.filter(pk=self.service_a.pk).exists())
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(Service.objects.filter(pk=self.service_a.pk).exists())

    def test_the_query_count_does_not_grow_with_the_register(self):
        counts = {"coordinator": 7, "focal_point_a": 8, "observer": 7}

        def check(size: str) -> None:
            # Reference data (relation types, arrondissements) is read once,
            # then cached: the counts are those of every later request.
            self.login(self.coordinator)
            self.page()
            for persona, count in counts.items():
                self.login(getattr(self, persona))
                with (
                    self.subTest(persona=persona, size=size),
                    self.assertNumQueries(count),
                ):
                    self.assertEqual(self.page().status_code, 200)

        services.service_update(
            service_id=self.service_a.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            funders=[self.organisation_b],
        )
        check("small")
        funders = grow_register(30)
        services.service_update(
            service_id=self.service_a.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            funders=funders,
            target_groups=TargetGroup.objects.all(),
            communes=self.organisation_a.area_communes.model.objects.filter(
                province_id="60000"
            ),
        )
        check("large")
        self.assertContains(self.page(), "province de Liège</a> (entière)")


class SubthemeOptionsTests(RegisterTestCase):
    URL = "/registre/services/sous-themes/"

    def test_a_theme_narrows_the_sub_themes_to_its_own(self):
        self.login(self.focal_point_a)
        housing = Theme.objects.get(code="housing")
        emergency = Theme.objects.get(code="emergency-housing")
        response = self.client.get(
            self.URL, {"theme": housing.pk, "subtheme": emergency.pk}
        )
        self.assertContains(response, f'<option value="{emergency.pk}" selected>')
        self.assertContains(response, "<optgroup", count=1)
        self.assertNotContains(response, "Cours de français")
        # The service form asks for them when its theme changes.
        form = self.client.get(
            f"/registre/organisations/{self.organisation_a.pk}/services/nouveau/"
        )
        self.assertContains(form, 'hx-get="/registre/services/sous-themes/"')

    def test_without_a_theme_or_with_junk_every_sub_theme_is_offered(self):
        self.login(self.observer)
        for query in (
            {},
            {"theme": "abc"},
            {"theme": "9" * 30},
            {"subtheme": "-1"},
            {"theme": "\x00", "subtheme": "1\x00"},
        ):
            with self.subTest(query):
                response = self.client.get(self.URL, query)
                self.assertEqual(response.status_code, 200)
                self.assertGreater(response.content.decode().count("<optgroup"), 10)
        self.assertEqual(self.client.post(self.URL).status_code, 405)
        self.client.logout()
        self.assertEqual(self.client.get(self.URL).status_code, 302)
