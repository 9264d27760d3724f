"""A partner's 4W sheet, as partners write it (organisation, sector, commune,
dates, status), creates its unknown organisations "to complete"."""

import io
from typing import Any

from exchange.imports import ImportReport, import_file
from exchange.tests.base import ImportTestCase, csv_bytes
from register.models import Organisation, Service
from taxonomy.models import InstitutionalLevel, Sector

PARTNER_SHEET = [
    ["Organisation", "Secteur", "Nom de la commune", "Début", "Fin", "Statut"],
    [
        "Maison de l'Ukraine",
        "Hébergement et logement",
        "Namur",
        "01/02/2026",
        "",
        "en cours",
    ],
    [
        "Maison de l'Ukraine",
        "Hébergement et logement",
        "Liège",
        "01/02/2026",
        "",
        "en cours",
    ],
    [
        "Les Amis de Kharkiv",
        "Cours de français",
        "Namur",
        "2026-03-01",
        "2026-06-30",
        "prévu",
    ],
    ["CPAS de Liège", "Aide alimentaire", "Liège", "", "", "en cours"],
]


class PartnerFourWTests(ImportTestCase):
    def run_sheet(self, rows: list[list[Any]]) -> ImportReport:
        return import_file(
            io.BytesIO(csv_bytes(rows)),
            file_name="4w-partenaire.csv",
            user=self.coordinator,
            kind="4w",
            dry_run=False,
        )

    def test_it_creates_the_unknown_organisations_to_complete(self):
        report = self.run_sheet(PARTNER_SHEET)
        self.assertTrue(report.applied, report.as_text())
        house = Organisation.objects.get(name="Maison de l'Ukraine")
        self.assertTrue(house.is_incomplete)
        self.assertEqual(
            (house.level_id, house.sector_id, house.actor_type_id), (None,) * 3
        )
        service = house.services.get()
        # No activity named: the theme's name stands for it.
        self.assertEqual(service.title, "Hébergement et logement")
        self.assertEqual(
            set(service.communes.values_list("nis", flat=True)), {"92094", "62063"}
        )
        self.assertEqual(service.status, Service.Status.ONGOING)
        courses = Service.objects.get(organisation__name="Les Amis de Kharkiv")
        self.assertEqual(courses.title, "Cours de français")
        self.assertEqual(courses.theme.code, "language-learning")
        self.assertEqual(str(courses.end_date), "2026-06-30")
        # A known organisation stays as it is.
        self.organisation_a.refresh_from_db()
        self.assertFalse(self.organisation_a.is_incomplete)

    def test_the_register_lists_them_and_the_home_page_counts_them(self):
        self.run_sheet(PARTNER_SHEET)
        self.login(self.coordinator)
        response = self.client.get("/")
        self.assertContains(
            response,
            "2 organisations créées depuis des tableaux 4W attendent leur niveau",
        )
        self.assertContains(
            response, 'href="/registre/organisations/?status=incomplete"'
        )
        listed = self.client.get("/registre/organisations/", {"status": "incomplete"})
        self.assertContains(listed, "2 organisations trouvées")
        self.assertContains(listed, "Les Amis de Kharkiv")
        self.assertNotContains(listed, "CPAS de Liège</a>")
        self.assertContains(
            listed, '<span class="badge badge-incomplete">à compléter</span>'
        )
        self.login(self.observer)
        self.assertNotContains(self.client.get("/"), "attendent leur niveau")

    def test_its_page_asks_for_completion_and_the_form_completes_it(self):
        self.run_sheet(PARTNER_SHEET)
        house = Organisation.objects.get(name="Maison de l'Ukraine")
        self.login(self.coordinator)
        page = self.client.get(house.get_absolute_url())
        self.assertContains(page, "À compléter : cette organisation a été créée")
        self.assertContains(page, "Compléter la fiche")
        form = self.client.get(f"/registre/organisations/{house.pk}/modifier/")
        self.assertEqual(form.status_code, 200)
        api = self.client.get(f"/api/v1/register/organisations/{house.pk}").json()
        self.assertEqual(
            (api["level"], api["sector"], api["incomplete"]), (None, None, True)
        )
        self.assertFalse(
            self.client.get(
                f"/api/v1/register/organisations/{self.organisation_a.pk}"
            ).json()["incomplete"]
        )
        house.level = InstitutionalLevel.objects.get(code="non-governmental")
        house.sector = Sector.objects.get(code="non-profit")
        house.save()
        self.assertTrue(Organisation.objects.get(pk=house.pk).is_incomplete)
        exported = self.client.get(
            "/api/v1/register/organisations", {"status": "incomplete"}
        ).json()
        self.assertEqual(
            sorted(item["name"] for item in exported["items"]),
            ["Les Amis de Kharkiv", "Maison de l'Ukraine"],
        )
