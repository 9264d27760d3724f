"""Reading boundary files: GeoJSON feature collections and TopoJSON topologies.

No maintained PyPI package decodes TopoJSON (the `topojson` package encodes it), so
the arcs are decoded here, following the TopoJSON specification and the reference
client (topojson-client's `feature`). Geometry work is shapely's.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

# Properties that may hold a commune's NIS code, tried in order: AdMuKey is the
# federal "Administrative units" dataset's; the others are common spellings.
CODE_PROPERTIES = ("AdMuKey", "nis", "NIS", "code_ins", "NISCode", "id")

# Where a TopoJSON geometry's decoding error waits for its feature's code.
_DECODING_ERROR = "_decoding_error"

DECIMALS = 5
GRID = 10.0**-DECIMALS


class BoundaryFileError(ValueError):
    """The file cannot be imported; the message says why, for the operator."""


@dataclass(frozen=True)
class Feature:
    number: int  # 1-based position in the file, for messages
    code: str
    geometry: BaseGeometry


def read_features(
    raw: bytes, *, code_property: str | None = None, object_name: str | None = None
) -> list[Feature]:
    """Every feature of a GeoJSON FeatureCollection or TopoJSON Topology, or an error.

    Raises BoundaryFileError for anything that cannot be read: the caller writes
    nothing then.
    """
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryFileError(f"The file is not JSON: {error}.") from None
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "Topology":
        raw_features = list(_topology_features(document, object_name))
    elif kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise BoundaryFileError("The FeatureCollection has no list of features.")
        raw_features = features
    else:
        raise BoundaryFileError(
            "The file is neither a TopoJSON Topology nor a GeoJSON FeatureCollection "
            f"(its type is {kind!r})."
        )
    if not raw_features:
        raise BoundaryFileError("The file has no features.")
    return [
        _feature(number, item, code_property)
        for number, item in enumerate(raw_features, start=1)
    ]


def _feature(number: int, item: object, code_property: str | None) -> Feature:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        raise BoundaryFileError(f"Feature {number} is not a GeoJSON Feature.")
    code = _code(number, item, code_property)
    where = f"Feature {number} (code {code})"
    if _DECODING_ERROR in item:
        raise BoundaryFileError(
            f"{where}: the geometry cannot be read ({item[_DECODING_ERROR]})."
        )
    if not item.get("geometry"):
        raise BoundaryFileError(f"{where} has no geometry.")
    try:
        geometry = shape(item["geometry"])
    except (
        AttributeError,
        IndexError,
        KeyError,
        TypeError,
        ValueError,
        shapely.errors.ShapelyError,
    ) as error:
        raise BoundaryFileError(
            f"{where}: the geometry cannot be read ({error or type(error).__name__})."
        ) from None
    if geometry.is_empty or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise BoundaryFileError(
            f"{where}: the geometry is a {geometry.geom_type}, not an area."
        )
    min_x, min_y, max_x, max_y = geometry.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise BoundaryFileError(
            f"{where}: the coordinates are not longitude and latitude (WGS84); "
            "convert the file to EPSG:4326 first."
        )
    return Feature(number=number, code=code, geometry=geometry)


def _code(number: int, item: dict[str, Any], code_property: str | None) -> str:
    properties = item.get("properties") or {}
    if not isinstance(properties, dict):
        raise BoundaryFileError(f"Feature {number}: its properties are not an object.")
    candidates = (code_property,) if code_property else CODE_PROPERTIES
    for name in candidates:
        value = properties.get(name)
        if value is None and name == "id":
            value = item.get("id")
        if value is not None and value != "":
            code = str(value).strip()
            if isinstance(value, int):
                code = code.zfill(5)
            if len(code) != 5 or not code.isdigit():
                raise BoundaryFileError(
                    f"Feature {number}: {name}={value!r} is not a 5-digit NIS code."
                )
            return code
    raise BoundaryFileError(
        f"Feature {number} has no NIS code: none of the properties "
        f"{', '.join(candidates)} is set (choose one with --property)."
    )


def _topology_features(
    topology: dict[str, Any], object_name: str | None
) -> Iterator[dict[str, Any]]:
    objects = topology.get("objects")
    arcs = topology.get("arcs")
    if not isinstance(objects, dict) or not objects or not isinstance(arcs, list):
        raise BoundaryFileError("The TopoJSON file has no objects or no arcs.")
    if object_name is None:
        if len(objects) > 1:
            raise BoundaryFileError(
                "The TopoJSON file has several objects: choose one with --object "
                f"({', '.join(sorted(objects))})."
            )
        object_name = next(iter(objects))
    if object_name not in objects:
        raise BoundaryFileError(f"The TopoJSON file has no object {object_name!r}.")
    try:
        decoder = _ArcDecoder(arcs, topology.get("transform"))
    except (IndexError, KeyError, TypeError, ValueError):
        raise BoundaryFileError(
            "The TopoJSON transform is not valid: it needs a scale and a translate "
            "of two numbers each."
        ) from None
    root = objects[object_name]
    geometries = (
        root.get("geometries") if root.get("type") == "GeometryCollection" else [root]
    )
    if not isinstance(geometries, list):
        raise BoundaryFileError(f"The object {object_name!r} has no geometries.")
    for number, geometry in enumerate(geometries, start=1):
        if not isinstance(geometry, dict):
            raise BoundaryFileError(f"Feature {number} is not a TopoJSON geometry.")
        feature: dict[str, Any] = {
            "type": "Feature",
            "properties": geometry.get("properties") or {},
            "geometry": None,
        }
        if "id" in geometry:
            feature["id"] = geometry["id"]
        try:
            feature["geometry"] = decoder.geometry(geometry)
        except (IndexError, KeyError, TypeError, ValueError) as error:
            # Reported by _feature, which knows the feature's code.
            feature[_DECODING_ERROR] = str(error) or type(error).__name__
        yield feature


class _ArcDecoder:
    """Turns TopoJSON geometries into GeoJSON ones, arcs decoded once each."""

    def __init__(self, arcs: list[Any], transform: dict[str, Any] | None) -> None:
        self.arcs = arcs
        self.decoded: dict[int, list[list[float]]] = {}
        if transform is None:
            self.scale, self.translate = (1.0, 1.0), (0.0, 0.0)
        else:
            scale, translate = transform["scale"], transform["translate"]
            self.scale = (float(scale[0]), float(scale[1]))
            self.translate = (float(translate[0]), float(translate[1]))
        self.quantized = transform is not None

    def position(self, point: Sequence[float]) -> list[float]:
        return [
            point[0] * self.scale[0] + self.translate[0],
            point[1] * self.scale[1] + self.translate[1],
        ]

    def arc(self, index: int) -> list[list[float]]:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"arc index {index!r} is not an integer")
        real = ~index if index < 0 else index
        if real not in self.decoded:
            if real >= len(self.arcs):
                raise IndexError(f"arc {real} does not exist")
            points: list[list[float]] = []
            x = y = 0.0
            for point in self.arcs[real]:
                if self.quantized:  # delta-encoded integers
                    x, y = x + point[0], y + point[1]
                    points.append(self.position((x, y)))
                else:
                    points.append([float(point[0]), float(point[1])])
            self.decoded[real] = points
        points = self.decoded[real]
        return points[::-1] if index < 0 else points

    def line(self, indexes: list[int]) -> list[list[float]]:
        points: list[list[float]] = []
        for index in indexes:
            arc = self.arc(index)
            # Consecutive arcs share their junction point: keep it once.
            points.extend(arc[1:] if points else arc)
        return points

    def ring(self, indexes: list[int]) -> list[list[float]]:
        points = self.line(indexes)
        while points and len(points) < 4:  # a degenerate ring, as topojson-client
            points.append(points[0])
        return points

    def geometry(self, item: dict[str, Any]) -> dict[str, Any] | None:
        kind = item.get("type")
        if kind is None:
            return None
        if kind == "GeometryCollection":
            return {
                "type": kind,
                "geometries": [self.geometry(part) for part in item["geometries"]],
            }
        if kind == "Point":
            return {"type": kind, "coordinates": self.position(item["coordinates"])}
        if kind == "MultiPoint":
            return {
                "type": kind,
                "coordinates": [self.position(p) for p in item["coordinates"]],
            }
        arcs = item["arcs"]
        coordinates: Any
        if kind == "LineString":
            coordinates = self.line(arcs)
        elif kind == "MultiLineString":
            coordinates = [self.line(line) for line in arcs]
        elif kind == "Polygon":
            coordinates = [self.ring(ring) for ring in arcs]
        elif kind == "MultiPolygon":
            coordinates = [[self.ring(ring) for ring in polygon] for polygon in arcs]
        else:
            raise ValueError(f"unknown geometry type {kind!r}")
        return {"type": kind, "coordinates": coordinates}


def repaired(geometry: BaseGeometry) -> BaseGeometry:
    """A valid version of the geometry, keeping only its areas."""
    valid = shapely.make_valid(geometry)
    if valid.geom_type == "GeometryCollection":
        parts = [part for part in valid.geoms if part.geom_type.endswith("Polygon")]
        valid = shapely.union_all(parts)
    return valid


def rounded(geometry: BaseGeometry) -> BaseGeometry:
    """The geometry on a 5-decimal grid (about a metre), still valid."""
    snapped = shapely.set_precision(geometry, GRID)
    if not snapped.is_valid:
        snapped = repaired(snapped)
    return snapped


def as_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON geometry with coordinates rounded to 5 decimals, lists not tuples."""
    return dict(_round(mapping(geometry)))


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list | tuple):
        return [_round(item) for item in value]
    if isinstance(value, dict):
        return {key: _round(item) for key, item in value.items()}
    return value
