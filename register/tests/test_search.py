"""Full-text search runs in the database's own index, on SQLite and PostgreSQL."""

from typing import ClassVar

from django.db import connection
from django.test import SimpleTestCase, TestCase
from hypothesis import given
from hypothesis import strategies as st

from register.models import Organisation
from register.search import normalise, search, search_text


def make(name: str, text: str) -> Organisation:
    from taxonomy.models import ActorType, InstitutionalLevel, Sector
    from taxonomy.services import vocabularies_load

    if not Sector.objects.exists():
        vocabularies_load()
    return Organisation.objects.create(
        name=name,
        level=InstitutionalLevel.objects.get(code="municipal"),
        sector=Sector.objects.get(code="public"),
        actor_type=ActorType.objects.get(code="cpas"),
        search_text=normalise(text),
    )


class SearchTests(TestCase):
    liege: ClassVar[Organisation]
    eupen: ClassVar[Organisation]
    cri: ClassVar[Organisation]

    @classmethod
    def setUpTestData(cls):
        cls.liege = make("CPAS de Liège", "CPAS de Liège aide sociale")
        cls.eupen = make("ÖSHZ Eupen", "ÖSHZ Eupen Sozialhilfe")
        cls.cri = make("CRIPEL", "Centre régional d'intégration de Liège CRIPEL")

    def names(self, query: str) -> list[str]:
        return sorted(
            search(Organisation.objects.all(), query).values_list("name", flat=True)
        )

    def test_it_ignores_accents_and_case(self):
        self.assertEqual(self.names("LIEGE"), ["CPAS de Liège", "CRIPEL"])
        self.assertEqual(self.names("oshz"), ["ÖSHZ Eupen"])

    def test_it_matches_word_prefixes_and_needs_every_word(self):
        self.assertEqual(self.names("integr lie"), ["CRIPEL"])
        self.assertEqual(self.names("liege eupen"), [])

    def test_it_treats_punctuation_and_operators_as_plain_text(self):
        self.assertEqual(self.names('cpas" * (-'), ["CPAS de Liège"])
        self.assertEqual(self.names("   "), ["CPAS de Liège", "CRIPEL", "ÖSHZ Eupen"])

    def test_it_follows_updates_and_deletions(self):
        Organisation.objects.filter(pk=self.eupen.pk).update(search_text="cpas eupen")
        self.assertEqual(self.names("cpas"), ["CPAS de Liège", "ÖSHZ Eupen"])
        Organisation.objects.filter(pk=self.liege.pk).delete()
        self.assertEqual(self.names("cpas"), ["ÖSHZ Eupen"])

    def test_it_uses_the_database_index(self):
        queryset = search(Organisation.objects.all(), "liege")
        sql = str(queryset.query)
        postgresql = connection.vendor == "postgresql"
        expected = "search_vector" if postgresql else "_fts MATCH"
        self.assertIn(expected, sql)

    def test_it_works_inside_a_subquery(self):
        # An export's scope and a count put the search in a subquery of
        # another table's query, where the organisation table has an alias.
        inner = search(Organisation.objects.all(), "liege").values("pk")
        outer = Organisation.history.filter(id__in=inner).order_by("name")
        self.assertEqual(
            list(outer.values_list("name", flat=True)), self.names("liege")
        )

    def test_the_register_list_counts_what_it_finds_archived_ones_aside(self):
        from register.selectors import OrganisationFilters, organisation_pages

        Organisation.objects.filter(pk=self.cri.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        for query, status, expected in (
            ("liege", "active", 1),
            ("liege", "archived", 1),
            ("cpas", "active", 1),
            ("nowhere", "active", 0),
        ):
            with self.subTest(query=query, status=status):
                filters = OrganisationFilters(q=query, status=status)
                paged = organisation_pages(filters, Organisation.objects.all())
                with self.assertNumQueries(1):
                    self.assertEqual(paged.count(), expected)
        Organisation.objects.filter(pk=self.liege.pk).delete()
        paged = organisation_pages(
            OrganisationFilters(q="liege"), Organisation.objects.all()
        )
        self.assertEqual(paged.count(), 0)


class SearchTextTests(SimpleTestCase):
    @given(
        st.lists(
            st.one_of(
                st.none(),
                st.text(alphabet="aé É\u0301-ßﬁİ’Ö1\t", max_size=12),
                st.text(max_size=12),
            ),
            max_size=6,
        )
    )
    def test_part_by_part_is_the_whole_text_normalised(self, parts):
        self.assertEqual(
            search_text(parts), normalise(" ".join(part for part in parts if part))
        )
