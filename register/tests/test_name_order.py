"""Names in the order a French, Dutch or German reader expects, on SQLite and on
PostgreSQL alike (lib/collation.py): case and accents aside, numbers by value."""

from lib.collation import sort_key
from register import services
from register.models import Organisation
from register.tests.api_base import API, ApiTestCase
from register.tests.test_organisation_list import names as listed

# Byte order gives "CRVI", "Caritas…", "Ministerium", "Médecins…", "Zonnebloem",
# "école", "Äpfel".
READER_ORDER = [
    "Äpfel",
    "Caritas International",
    "CRVI",
    "école",
    "Médecins du Monde",
    "Ministerium",
    "Zonnebloem",
]
# Where the two databases' rules could part: punctuation, ties, numbers,
# letters that do not decompose, another alphabet.
HARDER = [
    "Saint-Vith",
    "Saint Vith",
    "SaintVith",
    "Sainte-Ode",
    "De Panne",
    "Dendermonde",
    "côte",
    "coté",
    "cote",
    "côté",
    "ONE",
    "One",
    "one",
    "CPAS 10",
    "CPAS 9",
    "CPAS 09",
    "« Le Pont »",
    "Le Pont",
    "L'Arche",
    "L’Arche",
    "Œuvre",
    "Oeuvre",
    "Straße",
    "Strasse",
    "Ærø",
    "Aero",
    "Łódź",
    "Lodz",
    "Їжак",
    "Ізюм",
    "Йосип",
    "Євген",
    "n° 2",
    "N°1",
    "e\u0301cole",
    "école",
]


class NameOrderTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Created in byte order, so that neither ids nor bytes give the answer.
        for name in sorted(READER_ORDER):
            cls.make_organisation(
                name,
                sector="community-based",
                level="non-governmental",
                actor_type="volunteer-group",
            )

    def test_the_register_list_sorts_names_as_a_reader_expects(self):
        self.login(self.observer)
        page = "/registre/organisations/?sector=community-based"
        self.assertEqual(listed(self.client.get(page)), READER_ORDER)
        self.assertEqual(
            listed(self.client.get(f"{page}&sort=-name")), READER_ORDER[::-1]
        )

    def test_the_api_sorts_names_as_a_reader_expects(self):
        for sort, expected in (("name", READER_ORDER), ("-name", READER_ORDER[::-1])):
            response = self.call(
                self.observer,
                "get",
                f"{API}/organisations",
                sector="community-based",
                sort=sort,
            )
            self.assertEqual(response.status_code, 200, response.content)
            names = [item["name"] for item in response.json()["items"]]
            self.assertEqual(names, expected)

    def test_contacts_and_services_sort_as_names_do(self):
        organisation = self.organisation_c
        for name in ("Zoé", "Élodie", "arnaud"):
            services.contact_create(
                by=self.coordinator,
                fields={
                    "organisation": organisation,
                    "name": name,
                    "legal_basis": "public_task",
                },
            )
        for title in ("Zumba", "Atelier 10", "Écoute", "Atelier 2"):
            self.make_service(organisation, title)
        contacts = self.call(
            self.coordinator, "get", f"{API}/contacts", organisation=organisation.pk
        )
        self.assertEqual(
            [item["name"] for item in contacts.json()["items"]],
            ["arnaud", "Élodie", "Zoé"],
        )
        offered = self.call(
            self.observer, "get", f"{API}/services", organisation=organisation.pk
        )
        self.assertEqual(
            [item["title"] for item in offered.json()["items"]],
            ["Atelier 2", "Atelier 10", "Écoute", "Zumba"],
        )

    def test_the_database_sorts_names_as_python_does(self):
        # On SQLite the collation is lib.collation itself; on PostgreSQL, ICU's,
        # which the pages' sorting in Python (sort_key) must agree with.
        for name in HARDER:
            self.make_organisation(name, sector="private", actor_type="company")
        found = Organisation.objects.filter(sector__code="private").order_by("name")
        self.assertEqual(
            list(found.values_list("name", flat=True)), sorted(HARDER, key=sort_key)
        )
