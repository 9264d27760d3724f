"""The register's test scaffolding: reference data, personas and two organisations.

Organisation A (CPAS de Liège) has focal_point_a as member, organisation B
(CRVI, Verviers) has focal_point_b. Each has a service, a shared contact and a
contact that is not shared.
"""

from io import StringIO
from typing import ClassVar

from django.core.management import call_command

from accounts.testing import BaseTestCase
from register import services
from register.models import Contact, Organisation, Service
from register.tests.factories import make_contact, make_organisation, make_service


class RegisterTestCase(BaseTestCase):
    organisation_a: ClassVar[Organisation]
    organisation_b: ClassVar[Organisation]
    service_a: ClassVar[Service]
    service_b: ClassVar[Service]
    shared_contact_a: ClassVar[Contact]
    private_contact_a: ClassVar[Contact]
    shared_contact_b: ClassVar[Contact]
    private_contact_b: ClassVar[Contact]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        call_command("load_reference", stdout=StringIO())
        cls.organisation_a = make_organisation(
            "CPAS de Liège",
            by=cls.coordinator,
            acronym="CPAS Liège",
            postal_code="4000",
            area=["62063"],
            languages=["fr", "uk"],
        )
        cls.organisation_b = make_organisation(
            "Centre régional de Verviers pour l'intégration",
            by=cls.coordinator,
            acronym="CRVI",
            level="regional",
            sector="non-profit",
            actor_type="regional-integration-centre",
            postal_code="4800",
            area=["63079", "63023"],
        )
        services.membership_add(user=cls.focal_point_a, organisation=cls.organisation_a)
        services.membership_add(user=cls.focal_point_b, organisation=cls.organisation_b)
        cls.service_a = make_service(
            cls.organisation_a,
            "Logement d'urgence",
            by=cls.coordinator,
            theme="housing",
            subtheme="emergency-housing",
            communes=["62063"],
            target_groups=["all-temporary-protection"],
            description="Hébergement temporaire pour les familles arrivées à Liège.",
        )
        cls.service_b = make_service(
            cls.organisation_b,
            "Cours de français langue étrangère",
            by=cls.coordinator,
            theme="language-learning",
            subtheme="french-courses",
            communes=["63079", "63023"],
            target_groups=["all-temporary-protection", "women-at-risk"],
        )
        cls.shared_contact_a = make_contact(
            cls.organisation_a, "Anne Partagée", shared=True, email="anne@example.org"
        )
        cls.private_contact_a = make_contact(
            cls.organisation_a, "Arthur Privé", email="arthur.prive@example.org"
        )
        cls.shared_contact_b = make_contact(
            cls.organisation_b, "Béatrice Partagée", shared=True
        )
        cls.private_contact_b = make_contact(
            cls.organisation_b,
            "Bernard Confidentiel",
            email="bernard.confidentiel@example.org",
            phone="+32 87 00 00 00",
        )


def grow_register(count: int, *, tag: str = "extra") -> list[Organisation]:
    """Add `count` organisations, each with two services in two communes, contacts,
    relations to organisation A's neighbours and an assessment: the query counts
    of pages must not change when the register grows."""
    from accounts.models import User
    from register.models import Assessment
    from register.tests.factories import make_relation

    author = User.objects.filter(role="coordinator").first()
    organisations = []
    previous: Organisation | None = None
    for number in range(count):
        organisation = make_organisation(
            f"Association {tag} {number}",
            sector="non-profit",
            actor_type="association",
            level="non-governmental",
            postal_code="4000",
            area=["62063", "62096"],
            languages=["fr"],
        )
        for theme, subtheme in (("housing", "social-housing"), ("health", None)):
            make_service(
                organisation,
                f"Service {theme} {tag} {number}",
                theme=theme,
                subtheme=subtheme,
                communes=["62063", "63079"],
                target_groups=["children", "older-people"],
            )
        make_contact(organisation, f"Contact privé {number}")
        make_contact(organisation, f"Contact partagé {number}", shared=True)
        if previous is not None:
            make_relation(
                organisation, previous, type="partners-with", themes=["health"]
            )
            make_relation(previous, organisation, type="funds")
        if author is not None:
            Assessment.objects.create(
                organisation=organisation,
                influence=3,
                interest=4,
                attitude=Assessment.Attitude.NEUTRAL,
                capacity=2,
                strategy=Assessment.Strategy.CONSULT,
                assessed_on="2026-02-01",
                author=author,
            )
        organisations.append(organisation)
        previous = organisation
    return organisations


def table_row(header: str, *cells: str) -> str:
    """A table row as the pages write it: a row header, then cells."""
    tds = "".join(f"<td>{cell}</td>" for cell in cells)
    return f'<tr><th scope="row">{header}</th>{tds}</tr>'
