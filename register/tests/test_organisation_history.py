"""Archiving and restoring an organisation, its history page, and bringing back a
former version."""

from datetime import UTC
from typing import ClassVar

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from lib.reasons import reason_text
from register import services
from register.models import Organisation
from register.tests.base import RegisterTestCase, table_row
from register.tests.factories import make_organisation
from taxonomy.models import Sector
from territory.models import Commune


class ArchiveRestoreTests(RegisterTestCase):
    def url(self, name: str) -> str:
        return reverse(f"register:organisation_{name}", args=[self.organisation_a.pk])

    def test_a_coordinator_archives_after_confirming_then_restores(self):
        self.login(self.coordinator)
        response = self.client.get(self.url("archive"))
        self.assertContains(response, "Archiver CPAS de Liège ?")
        self.assertContains(response, 'name="version" value="1"')
        self.organisation_a.refresh_from_db()
        self.assertFalse(self.organisation_a.is_archived)  # a GET changes nothing
        response = self.client.post(self.url("archive"), {"version": 1})
        self.assertRedirects(
            response,
            self.organisation_a.get_absolute_url(),
            fetch_redirect_response=False,
        )
        self.organisation_a.refresh_from_db()
        self.assertTrue(self.organisation_a.is_archived)
        # Archived, not deleted: its page still answers and says so.
        page = self.client.get(self.organisation_a.get_absolute_url())
        self.assertContains(page, "L&#x27;organisation a été archivée.")
        self.assertContains(page, "Cette organisation est archivée")
        response = self.client.post(self.url("restore"), {"version": 2})
        self.assertEqual(response.status_code, 302)
        self.organisation_a.refresh_from_db()
        self.assertFalse(self.organisation_a.is_archived)
        self.assertEqual(self.organisation_a.version, 3)

    def test_only_coordinators_archive_or_restore(self):
        for user in (self.focal_point_a, self.focal_point_b, self.observer):
            self.login(user)
            for name in ("archive", "restore"):
                with self.subTest(user=user, action=name):
                    self.assertEqual(
                        self.client.post(self.url(name), {"version": 1}).status_code,
                        403,
                    )
        self.organisation_a.refresh_from_db()
        self.assertFalse(self.organisation_a.is_archived)
        self.assertEqual(self.organisation_a.version, 1)

    def test_a_stale_confirmation_changes_nothing(self):
        services.organisation_update(
            organisation_id=self.organisation_a.pk,
            by=self.focal_point_a,
            expected_version=1,
            fields={"phone": "+32 4 000 00 00"},
        )
        self.login(self.coordinator)
        response = self.client.post(self.url("archive"), {"version": 1})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "a été modifiée entre-temps")
        self.assertContains(response, 'name="version" value="2"')
        self.organisation_a.refresh_from_db()
        self.assertFalse(self.organisation_a.is_archived)


class HistoryTests(RegisterTestCase):
    original_sector: ClassVar[Sector]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.original_sector = cls.organisation_a.sector  # type: ignore[assignment]
        services.organisation_update(
            organisation_id=cls.organisation_a.pk,
            by=cls.focal_point_a,
            expected_version=1,
            fields={
                "phone": "+32 4 220 60 00",
                "sector": Sector.objects.get(code="non-profit"),
                "languages": ["fr", "uk", "ru"],
            },
            area_communes=Commune.objects.filter(nis__in=["62063", "62096"]),
            reason="Nouveau numéro",
        )
        services.organisation_archive(
            organisation_id=cls.organisation_a.pk, by=cls.coordinator
        )

    def history(self):
        return self.client.get(
            reverse("register:organisation_history", args=[self.organisation_a.pk])
        )

    def test_it_shows_who_when_why_and_what_changed(self):
        self.login(self.observer)
        response = self.history()
        self.assertContains(response, "<h1>Historique de CPAS de Liège</h1>", html=True)
        html = response.content.decode()
        self.assertInHTML("<p>fanny.focal@example.org — Nouveau numéro</p>", html)
        self.assertInHTML("<p>charles.coord@example.org — Archivage</p>", html)
        self.assertInHTML(
            table_row("Téléphone", "—", "+32 4 220 60 00"),
            html,
        )
        public, non_profit = (
            Sector.objects.get(code=code).name for code in ("public", "non-profit")
        )
        self.assertInHTML(
            table_row("Secteur", public, non_profit),
            html,
        )
        self.assertInHTML(
            table_row(
                "Langues parlées", "français, ukrainien", "français, ukrainien, russe"
            ),
            html,
        )
        self.assertInHTML(table_row("Statut", "active", "archivée"), html)
        self.assertInHTML(
            table_row("Zone d'action", "—", "ajoutées : Seraing"),
            html,
        )
        self.assertIn("Création de la fiche.", html)
        self.assertIn("version actuelle", html)
        # Observers read the history but restore nothing.
        self.assertNotIn("Rétablir cette version", html)

    def test_reasons_read_in_the_readers_language_and_names_after_de(self):
        oxfam = make_organisation("Oxfam-Solidarité", by=self.coordinator)
        url = reverse("register:organisation_history", args=[oxfam.pk])
        self.login(self.coordinator)
        response = self.client.get(url)
        self.assertContains(response, "<h1>Historique d'Oxfam-Solidarité</h1>")
        self.assertContains(response, "charles.coord@example.org — Création</p>")
        self.client.post(reverse("set_language"), {"language": "nl", "next": url})
        response = self.client.get(url)
        self.assertContains(response, "charles.coord@example.org — Aanmaak</p>")
        self.assertNotContains(response, "d'Oxfam")

    def test_a_coordinator_brings_back_a_former_version(self):
        self.login(self.coordinator)
        records = list(
            self.organisation_a.history.order_by("history_date", "history_id")
        )
        first = records[0]
        self.assertContains(
            self.history(), "Rétablir cette version", count=len(records) - 1
        )
        url = reverse(
            "register:organisation_revert",
            args=[self.organisation_a.pk, first.history_id],
        )
        # The link asks first, in the time the pages show (Brussels, not UTC).
        confirm = self.client.get(url)
        local = timezone.localtime(first.history_date)
        self.assertContains(confirm, f"Rétablir la version du {local:%d/%m/%Y %H:%M}")
        self.assertContains(confirm, '<form method="post">')
        self.assertEqual(
            Organisation.objects.get(pk=self.organisation_a.pk).history.count(),
            len(records),
        )
        response = self.client.post(url)
        self.assertRedirects(
            response,
            reverse("register:organisation_history", args=[self.organisation_a.pk]),
            fetch_redirect_response=False,
        )
        organisation = Organisation.objects.get(pk=self.organisation_a.pk)
        self.assertEqual(organisation.phone, "")
        self.assertEqual(organisation.sector, self.original_sector)
        self.assertEqual(organisation.languages, ["fr", "uk"])
        self.assertFalse(organisation.is_archived)
        self.assertEqual(
            set(organisation.area_communes.values_list("pk", flat=True)), {"62063"}
        )
        self.assertEqual(organisation.history.count(), len(records) + 1)
        # The reason is kept in no language and in UTC, and read in the
        # reader's language and time.
        stored = organisation.history.first().history_change_reason
        self.assertEqual(
            stored,
            f"maillage:reverted:{first.history_date.astimezone(UTC):%Y-%m-%dT%H:%MZ}",
        )
        when = date_format(local, "j F Y, H:i")
        history = self.history()
        self.assertContains(history, "a été rétablie")
        self.assertContains(history, f" — Retour à la version du {when}</p>")
        with translation.override("nl"):
            self.assertEqual(
                reason_text(stored),
                f"Teruggezet naar de versie van {date_format(local, 'j F Y, H:i')}",
            )
        with translation.override("de"):
            self.assertIn(f"{local:%H:%M}", reason_text(stored))

    def test_a_focal_point_restores_fields_but_not_the_status(self):
        services.organisation_restore(
            organisation_id=self.organisation_a.pk, by=self.coordinator
        )
        records = list(
            self.organisation_a.history.order_by("history_date", "history_id")
        )
        creation, edited, archived = records[0], records[1], records[2]
        self.login(self.focal_point_a)
        html = self.history().content.decode()
        revert = reverse(
            "register:organisation_revert",
            args=[self.organisation_a.pk, creation.history_id],
        )
        self.assertIn(f'href="{revert}"', html)
        # The archived version would change the status: only coordinators may.
        forbidden = reverse(
            "register:organisation_revert",
            args=[self.organisation_a.pk, archived.history_id],
        )
        self.assertNotIn(f'href="{forbidden}"', html)
        self.assertEqual(self.client.post(forbidden).status_code, 403)
        self.assertFalse(
            Organisation.objects.get(pk=self.organisation_a.pk).is_archived
        )
        self.assertEqual(self.client.post(revert).status_code, 302)
        self.assertEqual(Organisation.objects.get(pk=self.organisation_a.pk).phone, "")
        self.assertEqual(edited.phone, "+32 4 220 60 00")

    def test_others_may_not_bring_back_a_version(self):
        record = self.organisation_a.history.last()
        url = reverse(
            "register:organisation_revert",
            args=[self.organisation_a.pk, record.history_id],
        )
        for user in (self.focal_point_b, self.observer):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 403)
        # A version of another organisation is not found through this one.
        other = self.organisation_b.history.first()
        self.login(self.coordinator)
        url = reverse(
            "register:organisation_revert",
            args=[self.organisation_a.pk, other.history_id],
        )
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(Organisation.objects.get(pk=self.organisation_a.pk).is_archived)

    def test_the_history_page_query_count_does_not_grow(self):
        self.login(self.coordinator)
        with self.assertNumQueries(8):
            self.history()
        sectors = list(Sector.objects.all())
        communes = list(Commune.objects.filter(arrondissement_id="62000"))
        for number in range(25):
            services.organisation_update(
                organisation_id=self.organisation_a.pk,
                by=self.coordinator,
                expected_version=None,
                fields={
                    "phone": f"+32 4 000 00 {number:02d}",
                    "sector": sectors[number % len(sectors)],
                },
                area_communes=communes[: number + 1],
            )
        with self.assertNumQueries(8):
            response = self.history()
        self.assertContains(response, "Page 1 sur 2")
