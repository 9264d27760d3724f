import time
from unittest import mock

from django.test import TestCase

from lib import refcache
from taxonomy.models import Sector


class CachedReferenceTests(TestCase):
    def setUp(self) -> None:
        self.builds = 0

    def codes(self) -> list[str]:
        def build() -> list[str]:
            self.builds += 1
            return sorted(Sector.objects.values_list("code", flat=True))

        return refcache.cached_reference("test:sectors", build, sources=(Sector,))

    def test_a_value_is_built_once_then_kept_as_it_is(self):
        first = self.codes()
        with self.assertNumQueries(0):
            self.assertIs(self.codes(), first)
        self.assertEqual(self.builds, 1)

    def test_saving_or_deleting_a_source_row_drops_it(self):
        self.codes()
        sector = Sector.objects.create(code="zz-test", name_fr="Essai")
        self.assertIn("zz-test", self.codes())
        sector.delete()
        self.assertNotIn("zz-test", self.codes())
        self.assertEqual(self.builds, 3)

    def test_it_expires(self):
        self.codes()
        later = time.monotonic() + refcache.REFERENCE_SECONDS + 1
        with mock.patch("lib.refcache.time.monotonic", return_value=later):
            self.codes()
        self.assertEqual(self.builds, 2)

    def test_forget_all_drops_everything(self):
        self.codes()
        refcache.forget_all()
        self.codes()
        self.assertEqual(self.builds, 2)
