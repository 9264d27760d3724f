"""An import's query count does not grow with its rows: relations without ids are
matched to the register's chunk by chunk, not one query per row, in the preview
as in the apply; the organisations whose services an import writes are reindexed
in one statement."""

import io
from typing import ClassVar
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange import imports
from exchange.imports import import_file
from exchange.tests.base import ImportTestCase, csv_bytes
from register.models import Organisation, Relation
from register.tests.factories import make_organisation, make_relation

N = 4
# The queries of a file of relations: the reference data and the register's
# organisations, then per chunk the relations it names (with their themes); and
# to apply it, the batch and per chunk its rows, themes and history.
PREVIEW_LIMIT = 10
IMPORT_LIMIT = 23
PER_CHUNK_LIMIT = 12


class ChainTestCase(ImportTestCase):
    """A chain of organisations; every other pair of neighbours is already
    related."""

    chain: ClassVar[list[Organisation]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.chain = [
            make_organisation(
                f"Association {number}",
                level="non-governmental",
                sector="non-profit",
                actor_type="association",
            )
            for number in range(10 * N + 1)
        ]
        for number in range(0, 10 * N, 2):
            make_relation(cls.chain[number], cls.chain[number + 1], type="funds")


class RelationImportQueryTests(ChainTestCase):
    """A row relates a pair: an update when they are related, a creation when
    not."""

    def count(self, start: int, size: int, *, dry_run: bool) -> int:
        """The queries of importing the relations of pairs start…start+size."""
        rows = [["source", "target", "type", "formal", "themes"]] + [
            [
                self.chain[number].name,
                self.chain[number + 1].name,
                "funds",
                "oui",
                "housing",
            ]
            for number in range(start, start + size)
        ]
        with CaptureQueriesContext(connection) as queries:
            report = import_file(
                io.BytesIO(csv_bytes(rows)),
                file_name="relations.csv",
                user=self.coordinator,
                kind="relations",
                dry_run=dry_run,
            )
        self.assertTrue(report.valid, report.as_text())
        self.assertEqual(report.applied, not dry_run)
        self.assertEqual(
            report.counts["updated"],
            len(range(start, start + size, 2)),
            report.as_text(),
        )
        self.assertEqual(report.counts["created"], size // 2, report.as_text())
        return len(queries)

    def test_a_preview_of_4n_relations_costs_the_queries_of_n(self) -> None:
        small = self.count(0, N, dry_run=True)
        self.assertEqual(self.count(0, 4 * N, dry_run=True), small)
        self.assertLessEqual(small, PREVIEW_LIMIT)

    def test_an_import_of_4n_relations_costs_the_queries_of_n(self) -> None:
        small = self.count(0, N, dry_run=False)
        self.assertEqual(self.count(N, 4 * N, dry_run=False), small)
        self.assertLessEqual(small, IMPORT_LIMIT)
        self.assertEqual(Relation.objects.filter(formal=True).count(), 5 * N)
        self.assertEqual(Relation.objects.filter(themes__code="housing").count(), 5 * N)

    def test_the_queries_grow_with_the_chunks_only(self) -> None:
        for dry_run in (True, False):
            with (
                self.subTest(dry_run=dry_run),
                mock.patch.object(imports, "CHUNK", 2 * N),
                mock.patch.object(imports, "WRITE_CHUNK", 2 * N),
            ):
                # Sizes N and 2N fill one chunk, 3N and 4N two.
                one = [self.count(0, N, dry_run=dry_run)]
                one.append(self.count(N, 2 * N, dry_run=dry_run))
                two = [self.count(3 * N, 3 * N, dry_run=dry_run)]
                two.append(self.count(6 * N, 4 * N, dry_run=dry_run))
                self.assertEqual(one[1], one[0])
                self.assertEqual(two[1], two[0])
                self.assertLessEqual(two[0] - one[0], PER_CHUNK_LIMIT)


class ServiceImportQueryTests(ChainTestCase):
    """Services of as many organisations as rows: the organisations' search
    text is rewritten in one statement, not one per organisation."""

    def services(self, start: int, size: int) -> int:
        rows = [["organisation", "title", "theme", "communes"]] + [
            [self.chain[number].name, f"Cours {number}", "housing", "62063"]
            for number in range(start, start + size)
        ]
        with CaptureQueriesContext(connection) as queries:
            report = import_file(
                io.BytesIO(csv_bytes(rows)),
                file_name="services.csv",
                user=self.coordinator,
                kind="services",
                dry_run=False,
            )
        self.assertEqual(report.counts["created"], size, report.as_text())
        return len(queries)

    def test_an_import_of_services_for_4n_organisations_costs_the_queries_of_n(
        self,
    ) -> None:
        small = self.services(0, N)
        self.assertEqual(self.services(N, 4 * N), small)
        organisation = Organisation.objects.get(pk=self.chain[N].pk)
        self.assertIn(f"cours {N}", organisation.search_text)
