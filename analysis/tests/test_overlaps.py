"""Overlaps on the coverage example (see test_coverage): A (CPAS de Liège) offers
housing to children in Liège and Seraing (s1); B adds housing for children in
Liège, C (Fedasil) in Liège and Seraing, and C refers people to A."""

from typing import ClassVar

from analysis.coverage import CoverageFilters
from analysis.overlaps import overlap_page
from analysis.tests.test_coverage import (
    LIEGE,
    ONGOING,
    SERAING,
    CoverageTestCase,
)
from register.models import Organisation
from register.tests.factories import make_relation, make_service
from taxonomy.models import TargetGroup

OVERLAPS = "/analyse/chevauchements/"


class OverlapTestCase(CoverageTestCase):
    a: ClassVar[Organisation]
    b: ClassVar[Organisation]
    c: ClassVar[Organisation]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.a = Organisation.objects.get(name="CPAS de Liège")
        cls.b = Organisation.objects.get(name="Accueil Ukraine")
        cls.c = Organisation.objects.get(name="Fedasil")
        make_service(
            cls.b,
            "e1",
            theme="housing",
            communes=[LIEGE],
            status=ONGOING,
            target_groups=["children"],
        )
        make_service(
            cls.c,
            "e2",
            theme="housing",
            communes=[LIEGE, SERAING],
            status=ONGOING,
            target_groups=["children"],
        )
        make_relation(cls.c, cls.a, type="refers-to")


class OverlapTests(OverlapTestCase):
    def test_pairs_without_a_relation_as_computed_by_hand(self):
        children = TargetGroup.objects.get(code="children").pk
        overlaps, total = overlap_page(CoverageFilters(), offset=0, limit=10)
        self.assertEqual(total, 2)
        self.assertEqual(
            [
                (o.first, o.second, o.shared, o.communes, o.themes, o.offers)
                for o in overlaps
            ],
            [
                (self.a.pk, self.b.pk, 1, 1, 1, [(LIEGE, self.housing, children)]),
                (self.b.pk, self.c.pk, 1, 1, 1, [(LIEGE, self.housing, children)]),
            ],
        )
        page, total = overlap_page(CoverageFilters(), offset=1, limit=1)
        self.assertEqual((total, [o.second for o in page]), (2, [self.c.pk]))
        self.assertEqual(
            overlap_page(CoverageFilters(theme=self.health), offset=0, limit=10),
            ([], 0),
        )

    def test_a_relation_either_way_removes_the_pair(self):
        make_relation(self.b, self.a, type="partners-with")
        overlaps, _total = overlap_page(CoverageFilters(), offset=0, limit=10)
        self.assertEqual(
            [(o.first, o.second) for o in overlaps], [(self.b.pk, self.c.pk)]
        )


class OverlapPageTests(OverlapTestCase):
    def test_every_signed_in_role_reads_them_with_a_link_to_relate_the_pair(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                response = self.client.get(OVERLAPS)
                self.assertEqual(response.status_code, 302 if user is None else 200)
        self.login(self.coordinator)
        response = self.client.get(OVERLAPS)
        self.assertContains(response, "Accueil Ukraine")
        self.assertContains(
            response,
            f"/registre/organisations/{self.a.pk}/relations/nouvelle/?other={self.b.pk}",
        )
        form = self.client.get(
            f"/registre/organisations/{self.a.pk}/relations/nouvelle/?other={self.b.pk}"
        )
        self.assertContains(form, 'value="Accueil Ukraine"')
        self.login(self.observer)
        self.assertNotContains(self.client.get(OVERLAPS), "relations/nouvelle")

    def test_junk_and_fixed_queries(self):
        self.login(self.observer)
        for junk in ({"theme": "astrology"}, {"page": "x" * 300}, {"province": "1"}):
            with self.subTest(junk):
                response = self.client.get(OVERLAPS, junk)
                self.assertIn(response.status_code, (200, 422))
                self.assertNotContains(
                    response, "Traceback", status_code=response.status_code
                )
        self.client.get(OVERLAPS)
        # Session, user, the pairs, their offers, their organisations, communes.
        with self.assertNumQueries(6):
            self.client.get(OVERLAPS)
        make_service(
            self.a,
            "e3",
            theme="health",
            communes=[LIEGE],
            status=ONGOING,
            target_groups=["children"],
        )
        make_service(
            self.b,
            "e4",
            theme="health",
            communes=[LIEGE],
            status=ONGOING,
            target_groups=["children"],
        )
        with self.assertNumQueries(6):
            self.client.get(OVERLAPS)


class OverlapApiTests(OverlapTestCase):
    def test_the_endpoint_gives_the_pairs_with_what_they_share(self):
        response = self.call_api(self.observer, "overlaps")
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual(
            body["items"][0],
            {
                "organisations": [self.a.pk, self.b.pk],
                "shared": 1,
                "communes": 1,
                "themes": 1,
                "offers": [
                    {"commune": LIEGE, "theme": "housing", "target_group": "children"}
                ],
            },
        )
        response = self.call_api(self.observer, "overlaps", page=2, page_size=1)
        self.assertEqual(response.json()["items"][0]["organisations"][1], self.c.pk)
        self.assertEqual(self.call_api(None, "overlaps").status_code, 401)
        for junk in ({"page": 0}, {"page_size": 1000}, {"theme": "astrology"}):
            with self.subTest(junk):
                self.assertEqual(
                    self.call_api(self.observer, "overlaps", **junk).status_code, 422
                )

    def test_a_focal_point_sees_the_overlaps_of_their_territory_and_themes(self):
        # focal_point_a is a member of B, which offers housing (and health,
        # planned) in Liège: both pairs are about housing in Liège.
        response = self.call_api(self.focal_point_a, "overlaps")
        self.assertEqual(response.json()["count"], 2)
        # focal_point_b's organisations offer nothing.
        response = self.call_api(self.focal_point_b, "overlaps")
        self.assertEqual(response.json()["count"], 0)


class OverlapFixTests(OverlapTestCase):
    def test_odd_pages_and_a_page_past_the_last_keep_the_total(self):
        self.login(self.observer)
        for page in ("0", "²", "-3", "9" * 20):
            with self.subTest(page):
                self.assertEqual(
                    self.client.get(OVERLAPS, {"page": page}).status_code, 200
                )
        response = self.call_api(self.observer, "overlaps", page=3, page_size=1)
        self.assertEqual((response.json()["items"], response.json()["count"]), ([], 2))

    def test_a_target_group_filter_keeps_its_own_offers_only(self):
        # A second group on B's and C's services: with the children filter,
        # only the children's offers are shared.
        make_service(
            self.b,
            "e5",
            theme="housing",
            communes=[LIEGE],
            status=ONGOING,
            target_groups=["children", "older-people"],
        )
        make_service(
            self.c,
            "e6",
            theme="housing",
            communes=[LIEGE],
            status=ONGOING,
            target_groups=["children", "older-people"],
        )
        children = TargetGroup.objects.get(code="children").pk
        overlaps, _total = overlap_page(
            CoverageFilters(target_group=children), offset=0, limit=10
        )
        for overlap in overlaps:
            with self.subTest((overlap.first, overlap.second)):
                self.assertEqual(
                    {group for _c, _t, group in overlap.offers}, {children}
                )
