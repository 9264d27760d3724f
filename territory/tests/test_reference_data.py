"""The reference data as loaded: Belgium's facts, counted and spot-checked."""

from django.db.models import Count

from territory.models import (
    Arrondissement,
    CodeSuccessor,
    Commune,
    LanguageArea,
    PostalCode,
    Province,
    Region,
)
from territory.selectors import commune_resolve
from territory.tests.helpers import WalloniaTestCase

GERMAN_SPEAKING = {
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


class WalloniaReferenceTests(WalloniaTestCase):
    def test_it_has_the_261_communes_of_wallonia_since_2025(self):
        self.assertEqual(Commune.objects.count(), 261)
        self.assertEqual(Commune.objects.filter(region_id="03000").count(), 261)
        self.assertTrue(Commune.objects.filter(nis="82039").exists())
        self.assertFalse(Commune.objects.filter(nis__in=["82003", "82005"]).exists())

    def test_it_counts_the_communes_of_each_walloon_province(self):
        counts = dict(
            Province.objects.filter(region_id="03000")
            .annotate(n=Count("communes"))
            .values_list("name_fr", "n")
        )
        self.assertEqual(
            counts,
            {
                "Brabant wallon": 27,
                "Hainaut": 69,
                "Liège": 84,
                "Luxembourg": 43,
                "Namur": 38,
            },
        )

    def test_it_has_20_arrondissements_named_in_three_languages(self):
        self.assertEqual(Arrondissement.objects.count(), 20)
        self.assertEqual(
            set(Arrondissement.objects.values_list("nis", flat=True)),
            {
                code[:2] + "000"
                for code in Commune.objects.values_list("nis", flat=True)
            },
        )
        for nis, fr, nl, de in [
            ("25000", "Nivelles", "Nijvel", "Nivelles"),
            ("57000", "Tournai-Mouscron", "Doornik-Moeskroen", "Tournai-Mouscron"),
            ("58000", "La Louvière", "La Louvière", "La Louvière"),
            ("62000", "Liège", "Luik", "Lüttich"),
            ("92000", "Namur", "Namen", "Namür"),
        ]:
            with self.subTest(nis=nis):
                arrondissement = Arrondissement.objects.get(nis=nis)
                self.assertEqual(
                    (arrondissement.name_fr, arrondissement.name_nl),
                    (fr, nl),
                )
                self.assertEqual(arrondissement.name_de, de)

    def test_every_commune_lies_in_the_arrondissement_of_its_code(self):
        mismatched = [
            nis
            for nis, arrondissement, province, arrondissement_province in (
                Commune.objects.values_list(
                    "nis", "arrondissement", "province", "arrondissement__province"
                )
            )
            if arrondissement != nis[:2] + "000" or province != arrondissement_province
        ]
        self.assertEqual(mismatched, [])

    def test_the_nine_german_speaking_communes_are_flagged_with_their_names(self):
        german = dict(
            Commune.objects.filter(language_area=LanguageArea.GERMAN).values_list(
                "nis", "name_de"
            )
        )
        self.assertEqual(german, GERMAN_SPEAKING)
        self.assertEqual(
            Commune.objects.filter(language_area=LanguageArea.FRENCH).count(), 252
        )
        self.assertTrue(Commune.objects.get(nis="63023").is_german_speaking)
        self.assertFalse(Commune.objects.get(nis="62063").is_german_speaking)

    def test_it_has_the_606_postal_codes_of_wallonia(self):
        self.assertEqual(PostalCode.objects.count(), 606)
        bastogne = Commune.objects.get(nis="82039")
        self.assertEqual(
            list(bastogne.postal_codes.values_list("code", flat=True)),
            ["6600", "6686", "6687", "6688"],
        )
        self.assertEqual(
            list(
                PostalCode.objects.filter(code="4700").values_list("commune", flat=True)
            ),
            ["63023"],
        )

    def test_it_has_all_regions_and_provinces_with_four_names(self):
        self.assertEqual(Region.objects.count(), 3)
        self.assertEqual(Province.objects.count(), 10)
        wallonia = Region.objects.get(nis="03000")
        self.assertEqual(
            (wallonia.name_fr, wallonia.name_nl, wallonia.name_de, wallonia.name_en),
            ("Région wallonne", "Waals Gewest", "Wallonische Region", "Walloon Region"),
        )
        self.assertEqual(Province.objects.get(nis="60000").name_de, "Lüttich")
        self.assertFalse(Province.objects.filter(name_en="").exists())

    def test_a_former_code_resolves_to_todays_commune(self):
        self.assertEqual(CodeSuccessor.objects.count(), 13)
        for old, new in [("82003", "82039"), ("82005", "82039"), ("55022", "58001")]:
            with self.subTest(old=old):
                commune = commune_resolve(old)
                assert commune is not None
                self.assertEqual(commune.nis, new)
        self.assertEqual(commune_resolve("82039").nis, "82039")  # type: ignore[union-attr]
        self.assertIsNone(commune_resolve("99999"))

    def test_names_are_searchable_without_accents_or_case(self):
        found = set(Commune.objects.named_like("LIEGE").values_list("nis", flat=True))
        self.assertIn("62063", found)
        self.assertEqual(
            list(
                Commune.objects.named_like("Bütgenbach").values_list("nis", flat=True)
            ),
            ["63013"],
        )
        self.assertEqual(
            list(
                Commune.objects.named_like("sankt-vith").values_list("nis", flat=True)
            ),
            ["63067"],
        )
        self.assertEqual(
            list(
                Commune.objects.named_like("bastenaken").values_list("nis", flat=True)
            ),
            ["82039"],
        )


class AllBelgiumReferenceTests(WalloniaTestCase):
    all_belgium = True

    def test_it_has_the_565_communes_of_belgium(self):
        self.assertEqual(Commune.objects.count(), 565)
        counts = dict(
            Commune.objects.values("region")
            .annotate(n=Count("nis"))
            .values_list("region", "n")
        )
        self.assertEqual(counts, {"02000": 285, "03000": 261, "04000": 19})
        self.assertEqual(Arrondissement.objects.count(), 43)
        self.assertEqual(PostalCode.objects.count(), 1152)

    def test_brussels_has_no_province_and_both_languages(self):
        brussels = Commune.objects.filter(region_id="04000")
        self.assertEqual(brussels.filter(province__isnull=False).count(), 0)
        self.assertEqual(
            set(brussels.values_list("language_area", flat=True)),
            {LanguageArea.BILINGUAL},
        )
        arrondissement = Arrondissement.objects.get(nis="21000")
        self.assertIsNone(arrondissement.province_id)
        self.assertEqual(arrondissement.name_nl, "Brussel-Hoofdstad")

    def test_flemish_communes_are_in_the_dutch_language_area(self):
        flemish = Commune.objects.filter(region_id="02000")
        self.assertEqual(
            set(flemish.values_list("language_area", flat=True)), {LanguageArea.DUTCH}
        )
        self.assertEqual(Commune.objects.get(nis="44021").name_nl, "Gent")

    def test_a_postal_code_may_serve_two_communes(self):
        self.assertEqual(
            sorted(
                PostalCode.objects.filter(code="1050").values_list("commune", flat=True)
            ),
            ["21004", "21009"],
        )
