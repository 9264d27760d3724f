"""manage.py import_boundaries: GeoJSON and TopoJSON, former codes, repairs, and
all-or-nothing on a bad file."""

import json
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase
from shapely.geometry import shape

from territory.models import Commune
from territory.services import territory_load
from territory.tests.helpers import WalloniaTestCase

SHARED_TOPOJSON = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "data"
    / "Belgium.municipalities.WGS84.topojson"
)


def square(x: float, y: float, size: float = 0.01) -> list[list[list[float]]]:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(
    code: Any, coordinates: Any, kind: str = "Polygon", key: str = "nis"
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {key: code, "name": "test"},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


class ImportBoundariesTestCase(WalloniaTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def write(self, content: Any, name: str = "boundaries.json") -> Path:
        path = self.folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content), encoding="utf-8")
        return path

    def run_import(self, path: Path, *args: str) -> str:
        out = StringIO()
        call_command("import_boundaries", str(path), *args, stdout=out)
        return out.getvalue()

    def assert_refused(self, content: Any, message: str, *args: str) -> None:
        path = self.write(content)
        with self.assertRaises(CommandError) as raised:
            self.run_import(path, *args)
        self.assertIn("Nothing imported", str(raised.exception))
        self.assertIn(message, str(raised.exception))
        self.assertFalse(Commune.objects.filter(boundary__isnull=False).exists())
        self.assertFalse(Commune.objects.filter(latitude__isnull=False).exists())


class GeoJSONImportTests(ImportBoundariesTestCase):
    def test_it_stores_the_boundary_rounded_and_a_point_inside(self):
        nivelles = [
            [[4.3, 50.6], [4.3412345678, 50.6], [4.3, 50.6498765432], [4.3, 50.6]]
        ]
        output = self.run_import(self.write(collection(feature("25072", nivelles))))

        commune = Commune.objects.get(nis="25072")
        assert commune.boundary is not None
        self.assertEqual(commune.boundary["type"], "Polygon")
        coordinates = [
            c for ring in commune.boundary["coordinates"] for p in ring for c in p
        ]
        self.assertIn(4.34123, coordinates)
        self.assertIn(50.64988, coordinates)
        self.assertTrue(all(round(c, 5) == c for c in coordinates))
        assert commune.latitude is not None and commune.longitude is not None
        self.assertTrue(
            shape(commune.boundary).contains(
                shapely.Point(commune.longitude, commune.latitude)
            )
        )
        self.assertIn("Boundaries imported: 1.", output)
        self.assertIn("Communes without boundary: 260", output)

    def test_it_joins_the_features_of_merged_communes_under_the_new_code(self):
        output = self.run_import(
            self.write(
                collection(
                    feature("82003", square(5.70, 50.00)),
                    feature("82005", square(5.71, 50.00)),
                )
            )
        )
        bastogne = Commune.objects.get(nis="82039")
        assert bastogne.boundary is not None
        geometry = shape(bastogne.boundary)
        self.assertEqual(geometry.geom_type, "Polygon")
        self.assertAlmostEqual(geometry.area, 0.0002, places=8)
        self.assertIn("Merged into 82039: 82003, 82005.", output)
        self.assertIn("82003 → 82039", output)
        self.assertEqual(Commune.objects.filter(boundary__isnull=False).count(), 1)

    def test_it_follows_a_2019_recode_to_todays_commune(self):
        self.run_import(self.write(collection(feature("55022", square(4.18, 50.47)))))
        self.assertIsNotNone(Commune.objects.get(nis="58001").boundary)

    def test_it_repairs_an_invalid_geometry(self):
        bow_tie = [
            [[5.0, 50.0], [5.02, 50.02], [5.02, 50.0], [5.0, 50.02], [5.0, 50.0]]
        ]
        self.assertFalse(shape({"type": "Polygon", "coordinates": bow_tie}).is_valid)
        output = self.run_import(self.write(collection(feature("63061", bow_tie))))
        raeren = Commune.objects.get(nis="63061")
        self.assertTrue(shape(raeren.boundary).is_valid)
        self.assertAlmostEqual(shape(raeren.boundary).area, 0.0002, places=8)
        self.assertIn("Repaired (invalid geometry made valid): 1 (63061).", output)

    def test_it_ignores_and_reports_communes_that_are_not_loaded(self):
        output = self.run_import(
            self.write(
                collection(
                    feature("44021", square(3.7, 51.0)),  # Gent: Flanders not loaded
                    feature("99999", square(3.8, 51.0)),
                    feature("92094", square(4.8, 50.4)),
                )
            )
        )
        self.assertIn(
            "Unknown codes, ignored (communes not loaded): 2 (44021, 99999)", output
        )
        self.assertIn("Boundaries imported: 1.", output)
        self.assertIsNotNone(Commune.objects.get(nis="92094").boundary)

    def test_it_reads_the_code_from_the_property_given_or_a_known_one(self):
        self.run_import(
            self.write(collection(feature(25072, square(4.3, 50.6), key="CODE"))),
            "--property",
            "CODE",
        )
        self.assertIsNotNone(Commune.objects.get(nis="25072").boundary)
        self.run_import(
            self.write(collection(feature("62063", square(5.5, 50.6), key="AdMuKey")))
        )
        self.assertIsNotNone(Commune.objects.get(nis="62063").boundary)

    def test_it_accepts_multipolygons_and_can_run_again(self):
        parts = [square(6.0, 50.6), square(6.05, 50.6)]
        path = self.write(collection(feature("63023", parts, kind="MultiPolygon")))
        self.run_import(path)
        first = Commune.objects.get(nis="63023").boundary
        self.run_import(path)
        eupen = Commune.objects.get(nis="63023")
        self.assertEqual(eupen.boundary, first)
        self.assertEqual(shape(eupen.boundary).geom_type, "MultiPolygon")

    def test_it_keeps_the_boundaries_of_communes_absent_from_the_file(self):
        self.run_import(self.write(collection(feature("25072", square(4.3, 50.6)))))
        self.run_import(self.write(collection(feature("92094", square(4.8, 50.4)))))
        self.assertEqual(Commune.objects.filter(boundary__isnull=False).count(), 2)


class MalformedFileTests(ImportBoundariesTestCase):
    def test_it_refuses_a_file_that_is_not_json(self):
        self.assert_refused("this is not JSON {", "not JSON")
        self.assert_refused(b"\xff\xfe\x00garbage", "not JSON")

    def test_it_refuses_json_that_is_neither_geojson_nor_topojson(self):
        self.assert_refused({"type": "Feature"}, "neither a TopoJSON Topology")
        self.assert_refused([1, 2, 3], "neither a TopoJSON Topology")
        self.assert_refused({"type": "FeatureCollection"}, "no list of features")
        self.assert_refused(collection(), "no features")

    def test_it_refuses_features_without_a_nis_code(self):
        self.assert_refused(
            collection(feature("25072", square(4.3, 50.6), key="name_fr")),
            "Feature 1 has no NIS code",
        )
        self.assert_refused(
            collection(feature("25072", square(4.3, 50.6))),
            "none of the properties CODE is set",
            "--property",
            "CODE",
        )
        self.assert_refused(
            collection(feature("Nivelles", square(4.3, 50.6))),
            "is not a 5-digit NIS code",
        )

    def test_it_refuses_a_geometry_it_cannot_read(self):
        self.assert_refused(
            collection(feature("25072", [[["a", "b"]]])), "geometry cannot be read"
        )
        self.assert_refused(
            collection(feature("25072", [1, 2], kind="Point")), "not an area"
        )
        self.assert_refused(
            collection(feature("25072", [], kind="Circle")), "Unknown geometry type"
        )
        broken = feature("25072", None)
        broken["geometry"] = None
        self.assert_refused(collection(broken), "has no geometry")

    def test_it_refuses_projected_coordinates(self):
        lambert = square(150000.0, 160000.0, 1000.0)
        self.assert_refused(collection(feature("25072", lambert)), "not longitude")

    def test_a_broken_second_feature_leaves_the_first_unsaved(self):
        self.assert_refused(
            collection(
                feature("25072", square(4.3, 50.6)),
                feature("92094", [[[4.8, 50.4], ["x"]]]),
            ),
            "Feature 2 (code 92094)",
        )
        self.assertIsNone(Commune.objects.get(nis="25072").boundary)

    def test_a_missing_file_is_an_error(self):
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            self.run_import(self.folder / "absent.json")


def topology(
    geometries: list[dict[str, Any]], arcs: list[Any], **extra: Any
) -> dict[str, Any]:
    return {
        "type": "Topology",
        "objects": {
            "communes": {"type": "GeometryCollection", "geometries": geometries}
        },
        "arcs": arcs,
        **extra,
    }


class TopoJSONImportTests(ImportBoundariesTestCase):
    def test_it_decodes_quantized_arcs_shared_between_two_communes(self):
        # Two unit squares side by side on a grid of 0.01 degree, from (4.0, 50.0):
        # arc 0 is their shared edge, walked backwards (~0 == -1) by the second.
        arcs = [
            [[1, 0], [0, 1]],  # (1,0) → (1,1), delta-encoded
            [[1, 1], [-1, 0], [0, -1], [1, 0]],  # (1,1) → (0,1) → (0,0) → (1,0)
            [[1, 0], [1, 0], [0, 1], [-1, 0]],  # (1,0) → (2,0) → (2,1) → (1,1)
        ]
        document = topology(
            [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"nis": "25072"}},
                {"type": "Polygon", "arcs": [[2, -1]], "properties": {"nis": "25014"}},
            ],
            arcs,
            transform={"scale": [0.01, 0.01], "translate": [4.0, 50.0]},
        )
        output = self.run_import(self.write(document))
        self.assertIn("Boundaries imported: 2.", output)
        left = shape(Commune.objects.get(nis="25072").boundary)
        right = shape(Commune.objects.get(nis="25014").boundary)
        self.assertTrue(left.equals(shapely.box(4.0, 50.0, 4.01, 50.01)))
        self.assertTrue(right.equals(shapely.box(4.01, 50.0, 4.02, 50.01)))

    def test_it_decodes_unquantized_arcs_and_multipolygons(self):
        document = topology(
            [
                {
                    "type": "MultiPolygon",
                    "arcs": [[[0]], [[1]]],
                    "id": "63023",
                    "properties": {},
                }
            ],
            [
                [[6.0, 50.6], [6.01, 50.6], [6.01, 50.61], [6.0, 50.61], [6.0, 50.6]],
                [[6.1, 50.6], [6.11, 50.6], [6.11, 50.61], [6.1, 50.61], [6.1, 50.6]],
            ],
        )
        self.run_import(self.write(document))
        eupen = shape(Commune.objects.get(nis="63023").boundary)
        self.assertEqual(eupen.geom_type, "MultiPolygon")
        self.assertAlmostEqual(eupen.area, 0.0002, places=8)

    def test_it_refuses_an_arc_that_does_not_exist(self):
        document = topology(
            [{"type": "Polygon", "arcs": [[7]], "properties": {"nis": "25072"}}],
            [[[4.0, 50.0], [4.1, 50.0], [4.1, 50.1], [4.0, 50.0]]],
        )
        self.assert_refused(
            document, "Feature 1 (code 25072): the geometry cannot be read"
        )

    def test_a_broken_second_geometry_leaves_the_first_unsaved(self):
        ring = [[4.0, 50.0], [4.1, 50.0], [4.1, 50.1], [4.0, 50.0]]
        document = topology(
            [
                {"type": "Polygon", "arcs": [[0]], "properties": {"nis": "25072"}},
                {"type": "Polygon", "arcs": "nonsense", "properties": {"nis": "92094"}},
            ],
            [ring],
        )
        self.assert_refused(document, "Feature 2 (code 92094)")

    def test_it_refuses_a_malformed_transform(self):
        document = topology(
            [{"type": "Polygon", "arcs": [[0]], "properties": {"nis": "25072"}}],
            [[[0, 0], [1, 0], [0, 1], [-1, -1]]],
            transform={"scale": [0.01]},
        )
        self.assert_refused(document, "transform is not valid")

    def test_it_refuses_a_topology_without_objects_or_with_several(self):
        self.assert_refused({"type": "Topology", "arcs": []}, "no objects or no arcs")
        several = topology([], [])
        several["objects"]["other"] = {"type": "GeometryCollection", "geometries": []}
        self.assert_refused(several, "choose one with --object (communes, other)")
        self.assert_refused(
            topology([], []), "no object 'missing'", "--object", "missing"
        )


class SharedTopoJSONTests(TestCase):
    """The TopoJSON of ../shared/data: the 2019-2024 map of Belgium's municipalities."""

    report: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        if not SHARED_TOPOJSON.exists():
            return
        territory_load(all_belgium=False)
        out = StringIO()
        call_command("import_boundaries", str(SHARED_TOPOJSON), stdout=out)
        cls.report = out.getvalue()

    def setUp(self) -> None:
        if not SHARED_TOPOJSON.exists():
            self.skipTest(
                f"{SHARED_TOPOJSON} is absent: the shared data folder is not beside "
                "the repository."
            )

    def test_it_gives_every_walloon_commune_its_boundary(self):
        self.assertIn("Boundaries imported: 261.", self.report)
        self.assertIn("Communes without boundary: 0.", self.report)
        self.assertFalse(Commune.objects.filter(boundary__isnull=True).exists())
        self.assertFalse(Commune.objects.filter(latitude__isnull=True).exists())

    def test_it_merges_bastogne_and_bertogne_into_one_valid_polygon(self):
        self.assertIn("Merged into 82039: 82003, 82005.", self.report)
        bastogne = shape(Commune.objects.get(nis="82039").boundary)
        self.assertEqual(bastogne.geom_type, "Polygon")
        self.assertTrue(bastogne.is_valid)

    def test_it_repairs_raeren_and_ignores_flanders_and_brussels(self):
        self.assertIn("Repaired (invalid geometry made valid): 1 (63061).", self.report)
        self.assertTrue(shape(Commune.objects.get(nis="63061").boundary).is_valid)
        self.assertIn("Unknown codes, ignored (communes not loaded): 319", self.report)

    def test_the_decoded_communes_tile_wallonia_without_gaps_or_overlaps(self):
        geometries = [
            shape(boundary)
            for boundary in Commune.objects.values_list("boundary", flat=True)
        ]
        self.assertTrue(all(geometry.is_valid for geometry in geometries))
        # Neighbours share their edges exactly: the arcs were stitched right and
        # rounding moved shared vertices alike.
        self.assertTrue(shapely.coverage_is_valid(geometries))
        for commune in Commune.objects.all():
            point = shapely.Point(commune.longitude, commune.latitude)
            self.assertTrue(shape(commune.boundary).contains(point), commune.nis)
