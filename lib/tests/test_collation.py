import sqlite3

from django.test import SimpleTestCase

from lib.collation import compare, sort_key, sqlite_register

# "Caritas" before "CRVI", "Médecins" before "Ministerium": case and accents
# aside, where byte order puts capitals, then accented letters, last.
READER_ORDER = [
    "Äpfel",
    "Caritas International",
    "CRVI",
    "école",
    "Médecins du Monde",
    "Ministerium",
    "Zonnebloem",
]


def mixed(names: list[str]) -> list[str]:
    """The names in another order: every second one, then the others reversed."""
    return names[1::2] + names[::2][::-1]


class SortKeyTests(SimpleTestCase):
    def assert_sorted(self, expected: list[str]) -> None:
        self.assertEqual(sorted(mixed(expected), key=sort_key), expected)
        self.assertEqual(sorted(mixed(mixed(expected)), key=sort_key), expected)

    def test_it_sorts_names_as_a_reader_expects(self):
        self.assert_sorted(READER_ORDER)

    def test_accents_then_case_only_break_ties(self):
        self.assert_sorted(["cote", "coté", "côte", "côté", "cotes"])
        self.assert_sorted(["Ecole", "école", "Écoles"])
        self.assert_sorted(["one", "One", "ONE", "ones"])

    def test_numbers_go_by_their_value(self):
        self.assert_sorted(["CPAS 2", "CPAS 9", "CPAS 10", "CPAS 100", "CPAS A"])

    def test_a_space_or_a_hyphen_ends_a_word(self):
        self.assert_sorted(["De Panne", "Dendermonde"])
        self.assert_sorted(["Saint Vith", "Saint-Vith", "Sainte-Ode", "SaintVith"])

    def test_letters_without_accents_to_remove_sort_with_their_base(self):
        self.assert_sorted(["Oeuvre", "Œuvre", "Ostende"])
        self.assert_sorted(["Strasse", "Straße", "Strassen"])
        self.assert_sorted(["Lodz", "Łódź", "Lommel"])
        self.assert_sorted(["Aero", "Ærø", "Afghanistan"])

    def test_cyrillic_goes_in_its_alphabet_s_order(self):
        self.assert_sorted(["Євген", "Жито", "Иван", "Їжак", "Ізюм", "Йосип", "Кий"])

    def test_only_identical_texts_are_equal(self):
        self.assertEqual(compare("école", "école"), 0)
        # The same letters, composed or not: still two texts, in a fixed order.
        decomposed = "e\u0301cole"
        self.assertEqual(compare(decomposed, "école"), -1)
        self.assertEqual(compare("école", decomposed), 1)

    def test_sqlite_sorts_with_it_once_registered(self):
        database = sqlite3.connect(":memory:")
        self.addCleanup(database.close)
        sqlite_register(database)
        database.execute("CREATE TABLE t (name TEXT COLLATE maillage_names)")
        database.execute("CREATE INDEX t_name ON t (name)")
        database.executemany(
            "INSERT INTO t VALUES (?)", [(name,) for name in mixed(READER_ORDER)]
        )
        rows = database.execute("SELECT name FROM t ORDER BY name").fetchall()
        self.assertEqual([name for (name,) in rows], READER_ORDER)
