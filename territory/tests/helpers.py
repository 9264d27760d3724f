"""Shared scaffolding for the territory tests: reference data loaded once per class."""

from typing import ClassVar

from django.test import TestCase

from accounts.testing import BaseTestCase
from territory.services import territory_load


class WalloniaTestCase(TestCase):
    """Wallonia's reference data, loaded once for the class."""

    all_belgium: ClassVar[bool] = False
    loaded: ClassVar[dict[str, int]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.loaded = territory_load(all_belgium=cls.all_belgium)


class WalloniaPersonasTestCase(BaseTestCase):
    """Wallonia's reference data and the personas of every role."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        territory_load(all_belgium=False)
