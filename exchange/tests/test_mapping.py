"""Mapping a file's columns to the template's fields."""

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.columns import SHEETS, columns_for, hxl_row
from exchange.mapping import guess_sheet, map_columns


class MappingTests(SimpleTestCase):
    def test_every_column_is_found_by_key_header_name_and_hashtag(self) -> None:
        for sheet in SHEETS:
            for column in columns_for(sheet):
                texts = [column.key, column.hxl, *column.headers]
                for text in texts:
                    with self.subTest(sheet=sheet, text=text):
                        mapping = map_columns(sheet, [text.upper()])
                        self.assertEqual(mapping.keys, {column.key})

    def test_a_row_of_hashtags_under_the_header_wins(self) -> None:
        mapping = map_columns(
            "organisations", ["Structure", "Nom"], ["#org+name", "#org+acronym"]
        )
        self.assertTrue(mapping.has_hxl_row)
        self.assertEqual([c.key for c in mapping.columns.values()], ["name", "acronym"])

    def test_it_reports_unknown_duplicate_and_missing_columns(self) -> None:
        mapping = map_columns("services", ["Intitulé", "title", "Remarques"])
        self.assertEqual(mapping.unknown, ["Remarques"])
        self.assertEqual(mapping.duplicates, ["title"])
        self.assertEqual([c.key for c in mapping.missing], ["organisation", "theme"])

    def test_overrides_map_or_ignore_columns(self) -> None:
        mapping = map_columns(
            "organisations",
            ["Nom de la structure", "Divers"],
            overrides={"nom de la STRUCTURE": "name", "Divers": ""},
        )
        self.assertEqual(mapping.keys, {"name"})
        self.assertEqual(mapping.unknown, [])

    def test_it_guesses_the_sheet(self) -> None:
        self.assertEqual(guess_sheet(list(hxl_row("4w"))), "4w")
        self.assertEqual(guess_sheet(["title", "theme", "organisation"]), "services")

    @settings(max_examples=300, deadline=None)
    @given(
        st.sampled_from(SHEETS),
        st.lists(st.text(max_size=30), max_size=15),
        st.one_of(st.none(), st.lists(st.text(max_size=30), max_size=15)),
    )
    def test_random_headers_never_crash(
        self, sheet: str, header: list[str], second: list[str] | None
    ) -> None:
        mapping = map_columns(sheet, header, second)
        self.assertLessEqual(len(mapping.columns), len(header))
