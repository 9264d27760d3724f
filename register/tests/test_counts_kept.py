"""The counts the register keeps for reading (organisations by status, each
commune's offer by theme) stay exact through every write."""

from collections import Counter, defaultdict
from typing import Any

from django.contrib.admin.sites import site
from django.test import RequestFactory

from register.models import (
    CommuneOffer,
    Organisation,
    OrganisationCount,
    Service,
    ServiceCommune,
)
from register.services import (
    NewService,
    organisation_archive,
    organisation_restore,
    organisation_revert,
    organisation_update,
    organisations_archive_many,
    register_counts_recount,
    service_create,
    service_delete,
    service_update,
    services_create_many,
)
from register.tests.base import RegisterTestCase
from register.tests.factories import make_organisation, make_service
from taxonomy.models import Theme
from territory.models import Commune


class CountsExact:
    """Compares the kept counts with counts made here, from the rows."""

    def assertCountsExact(self: Any) -> None:
        statuses = Counter(Organisation.objects.values_list("status", flat=True))
        self.assertEqual(
            {
                row.status: row.count
                for row in OrganisationCount.objects.all()
                if row.count
            },
            dict(statuses),
        )
        archived = set(
            Organisation.objects.filter(status="archived").values_list("pk", flat=True)
        )
        services: Counter[tuple[str, int]] = Counter()
        ended: Counter[tuple[str, int]] = Counter()
        organisations: dict[tuple[str, int], set[int]] = defaultdict(set)
        for commune, theme, organisation, status in ServiceCommune.objects.values_list(
            "commune_id",
            "service__theme_id",
            "service__organisation_id",
            "service__status",
        ):
            if organisation in archived:
                continue
            key = (commune, theme)
            if status in ("planned", "ongoing"):
                services[key] += 1
                organisations[key].add(organisation)
            else:
                ended[key] += 1
        self.assertEqual(
            {
                (row.commune_id, row.theme_id): (
                    row.services,
                    row.organisations,
                    row.ended,
                )
                for row in CommuneOffer.objects.all()
            },
            {
                key: (services[key], len(organisations[key]), ended[key])
                for key in set(services) | set(ended)
            },
        )


class CountsKeptTests(CountsExact, RegisterTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.housing = Theme.objects.get(code="housing")
        self.health = Theme.objects.get(code="health")
        self.liege, self.huy = Commune.objects.filter(nis__in=["62063", "61031"])

    def test_the_data_the_tests_start_from_is_counted(self) -> None:
        self.assertCountsExact()
        self.assertTrue(CommuneOffer.objects.exists())

    def test_creating_editing_and_deleting_services(self) -> None:
        # A second service of the same organisation in the same commune and
        # theme: one more service, not one more organisation.
        second = make_service(
            self.organisation_a, "Logement de transit", communes=["62063", "61031"]
        )
        self.assertCountsExact()
        offer = CommuneOffer.objects.get(commune="62063", theme=self.housing)
        self.assertEqual((offer.services, offer.organisations), (2, 1))
        service_update(
            service_id=second.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"theme": self.health},
            communes=[self.huy],
        )
        self.assertCountsExact()
        service_update(
            service_id=second.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"organisation": self.organisation_b},
        )
        self.assertCountsExact()
        for status in ("ended", "planned", "suspended"):
            service_update(
                service_id=second.pk,
                by=self.coordinator,
                expected_version=None,
                fields={"status": status},
            )
            self.assertCountsExact()
        make_service(
            self.organisation_b,
            "Ancien",
            theme="health",
            communes=["61031"],
            status="ended",
        )
        self.assertCountsExact()
        service_delete(service_id=second.pk, by=self.coordinator)
        self.assertCountsExact()
        service_create(
            by=self.coordinator,
            fields={
                "organisation": self.organisation_b,
                "title": "Soins",
                "theme": self.health,
            },
            communes=[self.liege, self.huy],
        )
        self.assertCountsExact()

    def test_archiving_restoring_and_reverting_organisations(self) -> None:
        created = make_organisation("Entraide Huy", area=["61031"])
        make_service(created, "Colis", communes=["61031", "62063"])
        self.assertCountsExact()
        organisation_archive(organisation_id=created.pk, by=self.coordinator)
        self.assertCountsExact()
        self.assertFalse(
            CommuneOffer.objects.filter(commune="61031", theme=self.housing).exists()
        )
        organisation_restore(organisation_id=created.pk, by=self.coordinator)
        self.assertCountsExact()
        organisation_update(
            organisation_id=created.pk,
            by=self.coordinator,
            expected_version=None,
            fields={"status": Organisation.Status.ARCHIVED},
        )
        self.assertCountsExact()
        first = created.history.order_by("history_id").first()
        organisation_revert(
            organisation_id=created.pk, history_id=first.history_id, by=self.coordinator
        )
        self.assertCountsExact()
        self.assertEqual(
            Organisation.objects.get(pk=created.pk).status, Organisation.Status.ACTIVE
        )

    def test_writing_in_bulk(self) -> None:
        created = make_organisation("Entraide Huy")
        services_create_many(
            by=None,
            services=[
                NewService(
                    fields={
                        "organisation_id": organisation.pk,
                        "theme_id": self.housing.pk,
                        "title": title,
                    },
                    communes=communes,
                )
                for organisation, title, communes in [
                    (self.organisation_a, "Abri", ["62063", "61031"]),
                    (created, "Abri", ["62063"]),
                    (created, "Abri de nuit", ["62063", "61031"]),
                ]
            ],
        )
        self.assertCountsExact()
        offer = CommuneOffer.objects.get(commune="62063", theme=self.housing)
        self.assertEqual((offer.services, offer.organisations), (4, 2))
        organisations_archive_many(
            by=None, organisation_ids=[created.pk, self.organisation_b.pk]
        )
        self.assertCountsExact()

    def test_the_admin_counts_again_after_its_writes(self) -> None:
        request = RequestFactory().post("/")
        request.user = self.coordinator
        admin = site._registry[Service]
        Service.objects.filter(pk=self.service_a.pk).delete()
        self.assertRaises(AssertionError, self.assertCountsExact)
        admin.delete_queryset(request, Service.objects.none())
        self.assertCountsExact()

    def test_counting_from_scratch_mends_counts_gone_wrong(self) -> None:
        CommuneOffer.objects.update(services=99)
        OrganisationCount.objects.all().delete()
        register_counts_recount()
        self.assertCountsExact()
