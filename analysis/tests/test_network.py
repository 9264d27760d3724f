"""The network measures on a hand-computed example: A (municipal) and B
(non-governmental) are tied both ways, B refers to C (federal), C to D
(municipal); E (regional) has no tie. As a simple undirected graph: the path
A – B – C – D and E alone."""

from io import StringIO
from typing import ClassVar
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command

from accounts.testing import BaseTestCase
from analysis.network import EXACT, NetworkFilters, network_measure
from register.models import Organisation
from register.services import membership_add
from register.tests.factories import make_organisation, make_relation, make_service
from taxonomy.models import InstitutionalLevel, RelationType, Theme
from territory.models import Commune


class NetworkTestCase(BaseTestCase):
    orgs: ClassVar[dict[str, Organisation]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        call_command("load_reference", stdout=StringIO())
        cls.orgs = {
            "A": make_organisation("A", level="municipal"),
            "B": make_organisation(
                "B",
                level="non-governmental",
                sector="non-profit",
                actor_type="association",
            ),
            "C": make_organisation("C", level="federal", actor_type="federal-agency"),
            "D": make_organisation("D", level="municipal"),
            "E": make_organisation(
                "E", level="regional", actor_type="regional-administration"
            ),
        }
        a, b, c, d = (cls.orgs[key] for key in "ABCD")
        make_relation(a, b, type="refers-to", themes=["housing"])
        make_relation(b, a, type="partners-with")
        make_relation(b, c, type="refers-to", themes=["housing"])
        make_relation(c, d, type="funds")


class NetworkTests(NetworkTestCase):
    def test_the_measures_as_computed_by_hand(self):
        network = network_measure(NetworkFilters())
        by_name = {
            name: next(node for node in network.nodes if node.id == org.pk)
            for name, org in self.orgs.items()
        }
        self.assertEqual(network.algorithm, EXACT)
        self.assertEqual((network.components, network.isolated), (2, 1))
        self.assertEqual(len(network.edges), 3)
        expected = {
            # degree, in, out, betweenness (normalised), other levels reached
            "A": (1, 1, 1, 0.0, 1),
            "B": (2, 1, 2, 0.333333, 2),
            "C": (2, 1, 1, 0.333333, 2),
            "D": (1, 1, 0, 0.0, 1),
            "E": (0, 0, 0, 0.0, 0),
        }
        for name, figures in expected.items():
            node = by_name[name]
            with self.subTest(name):
                self.assertEqual(
                    (
                        node.degree,
                        node.in_degree,
                        node.out_degree,
                        node.betweenness,
                        node.levels_reached,
                    ),
                    figures,
                )
        self.assertEqual(by_name["A"].component, by_name["D"].component)
        self.assertNotEqual(by_name["A"].component, by_name["E"].component)
        level = {
            code: InstitutionalLevel.objects.get(code=code).pk
            for code in ("municipal", "non-governmental", "federal", "regional")
        }

        def density(one: str, other: str) -> tuple[int, int, float]:
            pair = tuple(sorted((level[one], level[other])))
            return network.level_density[pair]  # type: ignore[index]

        self.assertEqual(density("municipal", "non-governmental"), (1, 2, 0.5))
        self.assertEqual(density("municipal", "municipal"), (0, 1, 0.0))
        self.assertEqual(density("federal", "municipal"), (1, 2, 0.5))
        self.assertEqual(density("federal", "non-governmental"), (1, 1, 1.0))
        self.assertEqual(density("regional", "municipal"), (0, 2, 0.0))

    def test_filters_keep_their_ties_and_an_empty_graph_is_no_error(self):
        funds = RelationType.objects.get(code="funds").pk
        network = network_measure(NetworkFilters(relation_type=funds))
        self.assertEqual(len(network.edges), 1)
        self.assertEqual(network.isolated, 3)
        municipal = InstitutionalLevel.objects.get(code="municipal").pk
        network = network_measure(NetworkFilters(level=municipal))
        self.assertEqual((len(network.nodes), len(network.edges)), (2, 0))
        housing = Theme.objects.get(code="housing").pk
        network = network_measure(NetworkFilters(theme=housing))
        self.assertEqual(
            sorted(network.edges),
            sorted([(self.orgs["A"].pk, self.orgs["B"].pk),
                    (self.orgs["B"].pk, self.orgs["C"].pk)]),
        )  # fmt: skip
        empty = network_measure(NetworkFilters(province="80000"))
        self.assertEqual((empty.nodes, empty.edges, empty.components), ([], [], 0))
        Organisation.objects.all().update(status=Organisation.Status.ARCHIVED)
        self.assertEqual(network_measure(NetworkFilters()).nodes, [])


NETWORK = "/analyse/reseau/"
LIEGE = "62063"


class NetworkPageTests(NetworkTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_every_signed_in_role_reads_the_table_and_the_api(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                page = self.client.get(NETWORK)
                api = self.client.get("/api/v1/analysis/network")
                self.assertEqual(page.status_code, 302 if user is None else 200)
                self.assertEqual(api.status_code, 401 if user is None else 200)
        self.login(self.observer)
        response = self.client.get(NETWORK, {"sort": "degree"})
        self.assertContains(response, "Intermédiarité exacte")
        self.assertContains(response, "2 composantes connexes")
        self.assertContains(response, "1 organisation isolée")
        html = response.content.decode()
        self.assertLess(html.index(">B</a>"), html.index(">A</a>"))
        response = self.client.get(NETWORK, {"isolated": "on"})
        self.assertContains(response, ">E</a>")
        self.assertNotContains(response, ">A</a>")
        body = self.client.get("/api/v1/analysis/network").json()
        self.assertEqual(body["algorithm"], "exact")
        self.assertEqual(body["components"], 2)
        node = next(n for n in body["nodes"] if n["id"] == self.orgs["B"].pk)
        self.assertEqual(
            (node["degree"], node["in_degree"], node["out_degree"], node["level"]),
            (2, 1, 2, "non-governmental"),
        )
        self.assertAlmostEqual(node["betweenness"], 1 / 3, places=5)
        self.assertEqual(len(body["edges"]), 3)

    def test_a_focal_point_sees_the_network_of_their_territory(self):
        # A is seated in Liège, D works there, B serves it; C and E do not.
        a, b, d = (self.orgs[key] for key in "ABD")
        Organisation.objects.filter(pk=a.pk).update(commune_id=LIEGE)
        d.area_communes.add(Commune.objects.get(nis=LIEGE))
        make_service(b, "Permanence", communes=[LIEGE])
        membership_add(user=self.focal_point_a, organisation=a)
        self.login(self.focal_point_a)
        response = self.client.get(NETWORK)
        self.assertContains(response, "sur le territoire de vos organisations")
        self.assertContains(response, "3 organisations")
        self.assertNotContains(response, ">C</a>")
        body = self.client.get("/api/v1/analysis/network").json()
        self.assertEqual({node["id"] for node in body["nodes"]}, {a.pk, b.pk, d.pk})
        self.assertEqual(body["edges"], [{"source": a.pk, "target": b.pk}])
        # Those who see the whole analysis still see every organisation.
        self.login(self.observer)
        body = self.client.get("/api/v1/analysis/network").json()
        self.assertEqual(len(body["nodes"]), 5)

    def test_the_page_says_when_betweenness_is_estimated(self):
        self.login(self.observer)
        with (
            mock.patch("analysis.network.EXACT_BETWEENNESS_NODES", 2),
            mock.patch("analysis.network.SAMPLED_SOURCES", 3),
        ):
            response = self.client.get(NETWORK)
            body = self.client.get("/api/v1/analysis/network").json()
        self.assertContains(response, "Intermédiarité estimée")
        self.assertEqual(body["algorithm"], "sampled")

    def test_junk_filters_and_an_empty_network(self):
        self.login(self.observer)
        for junk in (
            {"level": "galactic"},
            {"relation_type": "x" * 300},
            {"sort": "z"},
        ):
            with self.subTest(junk):
                response = self.client.get(NETWORK, junk)
                self.assertContains(
                    response, "Corrigez les filtres signalés", status_code=422
                )
        response = self.client.get(NETWORK, {"province": "80000"})
        self.assertContains(response, "pas de réseau à mesurer")
        for junk in ({"level": "galactic"}, {"province": "99999"}):
            with self.subTest(junk):
                response = self.client.get("/api/v1/analysis/network", junk)
                self.assertEqual(response.status_code, 422)

    def test_a_change_of_the_register_is_measured_again(self):
        self.login(self.observer)
        self.client.get(NETWORK)
        make_relation(self.orgs["D"], self.orgs["E"], type="funds")
        response = self.client.get(NETWORK)
        self.assertContains(response, "1 composante connexe")


class NetworkWithoutLevelTests(NetworkTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_an_organisation_without_a_level_is_measured_and_answered(self):
        Organisation.objects.filter(pk=self.orgs["E"].pk).update(level=None)
        self.login(self.observer)
        response = self.client.get("/api/v1/analysis/network")
        self.assertEqual(response.status_code, 200)
        node = next(n for n in response.json()["nodes"] if n["id"] == self.orgs["E"].pk)
        self.assertIsNone(node["level"])
        self.assertEqual(self.client.get("/analyse/reseau/").status_code, 200)

    def test_the_communities_are_the_same_at_each_run(self):
        first = network_measure(NetworkFilters())
        second = network_measure(NetworkFilters())
        self.assertEqual(
            [node.community for node in first.nodes],
            [node.community for node in second.nodes],
        )
