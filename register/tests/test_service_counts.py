"""The services list's total is read from counts the register's writes keep
(ServiceCount), never counted at each visit: every write that changes a
service's status or its organisation's keeps them equal to a count."""

from register import services
from register.models import Organisation, Service, ServiceCount
from register.selectors import ServiceFilters, service_list, service_total
from register.tests.base import RegisterTestCase
from register.tests.factories import make_organisation, make_service
from taxonomy.models import Theme

STATUSES = ("current", *Service.Status.values, "all")


class ServiceCountTests(RegisterTestCase):
    def assert_counts_hold(self) -> None:
        for status in STATUSES:
            with self.subTest(status=status):
                self.assertEqual(
                    service_total(status),
                    service_list(ServiceFilters(status=status)).count(),
                )

    def test_every_write_keeps_the_counts(self):
        self.assert_counts_hold()
        before = service_total("current")
        organisation = make_organisation("Maison de l'Ukraine à Namur")
        service = make_service(organisation, "Accueil", status="planned")
        self.assertEqual(service_total("current"), before + 1)
        self.assert_counts_hold()
        services.service_update(
            service_id=service.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"status": Service.Status.ENDED},
        )
        self.assertEqual(service_total("current"), before)
        self.assertEqual(service_total("ended"), 1)
        self.assert_counts_hold()
        # Moved to another organisation, then its organisation archived.
        services.service_update(
            service_id=service.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"organisation": self.organisation_b, "status": "ongoing"},
        )
        self.assert_counts_hold()
        services.organisation_archive(
            organisation_id=self.organisation_b.pk, by=self.coordinator
        )
        self.assert_counts_hold()
        services.organisation_restore(
            organisation_id=self.organisation_b.pk, by=self.coordinator
        )
        self.assert_counts_hold()
        self.assertEqual(service_total("current"), before + 1)

    def test_bulk_writes_keep_the_counts(self):
        theme = Theme.objects.get(code="housing")
        organisations = services.organisations_create_many(
            by=None,
            organisations=[
                services.NewOrganisation(
                    fields={
                        "name": f"Fonds {number}",
                        "level": self.organisation_a.level,
                        "sector": self.organisation_a.sector,
                        "actor_type": self.organisation_a.actor_type,
                    }
                )
                for number in range(3)
            ],
        )
        services.services_create_many(
            by=None,
            services=[
                services.NewService(
                    fields={
                        "organisation": organisation,
                        "title": f"Service {number}",
                        "theme": theme,
                        "status": status,
                    }
                )
                for organisation in organisations
                for number, status in enumerate(("ongoing", "ended"))
            ],
        )
        self.assert_counts_hold()
        services.organisations_archive_many(
            by=None, organisation_ids=[organisations[0].pk, organisations[1].pk]
        )
        self.assert_counts_hold()

    def test_a_recount_mends_counts_written_around_the_services(self):
        Service.objects.update(status=Service.Status.SUSPENDED)
        Organisation.objects.filter(pk=self.organisation_a.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        ServiceCount.objects.filter(status="ongoing").delete()
        services.register_counts_recount()
        self.assert_counts_hold()

    def test_missing_counts_are_counted(self):
        ServiceCount.objects.all().delete()
        self.assert_counts_hold()
