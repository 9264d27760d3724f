"""Writing territory facts: the reference data and imported boundaries."""

import csv
import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import reasons, refcache
from lib.versioning import (
    assign,
    check_version,
    history_record_many,
    save_with_history,
)
from territory import geo
from territory.models import (
    Arrondissement,
    CodeSuccessor,
    Commune,
    PopulationFigure,
    PostalCode,
    Province,
    Region,
)
from territory.population import FigureRow, date_check

DATA_DIR = Path(__file__).resolve().parent / "data"
WALLONIA = "03000"

Row = dict[str, str]


def _read(name: str) -> list[Row]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def territory_load(*, all_belgium: bool) -> dict[str, int]:
    """Load Belgium's regions and provinces, and the arrondissements, communes,
    postal codes and former codes of Wallonia (of all Belgium with all_belgium).

    Idempotent: rows are inserted or updated in bulk by their code, so running it
    again changes nothing, and a new release of the files updates the names. It
    never deletes a commune (other data may refer to it) nor its boundary; postal
    codes of the loaded communes that left the files are removed. Returns how many
    rows of each kind the files gave, by a label for people.
    """

    def in_scope(row: Row) -> bool:
        return all_belgium or row["region"] == WALLONIA

    regions = [Region(**row) for row in _read("regions.csv")]
    _upsert(Region, regions, ["name_fr", "name_nl", "name_de", "name_en"])

    provinces = [
        Province(
            nis=row["nis"],
            name_fr=row["name_fr"],
            name_nl=row["name_nl"],
            name_de=row["name_de"],
            name_en=row["name_en"],
            region_id=row["region"],
        )
        for row in _read("provinces.csv")
    ]
    _upsert(Province, provinces, ["name_fr", "name_nl", "name_de", "name_en", "region"])

    arrondissements = [
        Arrondissement(
            nis=row["nis"],
            name_fr=row["name_fr"],
            name_nl=row["name_nl"],
            name_de=row["name_de"],
            province_id=row["province"] or None,
            region_id=row["region"],
        )
        for row in _read("arrondissements.csv")
        if in_scope(row)
    ]
    _upsert(
        Arrondissement,
        arrondissements,
        ["name_fr", "name_nl", "name_de", "province", "region"],
    )

    communes = []
    for row in _read("communes.csv"):
        if not in_scope(row):
            continue
        commune = Commune(
            nis=row["nis"],
            name_fr=row["name_fr"],
            name_nl=row["name_nl"],
            name_de=row["name_de"],
            arrondissement_id=row["arrondissement"],
            province_id=row["province"] or None,
            region_id=row["region"],
            language_area=row["language_area"],
        )
        commune.search_names = commune.names_for_search()
        communes.append(commune)
    _upsert(
        Commune,
        communes,
        [
            "name_fr",
            "name_nl",
            "name_de",
            "arrondissement",
            "province",
            "region",
            "language_area",
            "search_names",
        ],
    )
    loaded = {commune.nis for commune in communes}

    pairs = {
        (row["code"], row["commune"])
        for row in _read("postal_codes.csv")
        if row["commune"] in loaded
    }
    PostalCode.objects.bulk_create(
        [PostalCode(code=code, commune_id=nis) for code, nis in sorted(pairs)],
        ignore_conflicts=True,
    )
    stale = [
        pk
        for pk, code, nis in PostalCode.objects.filter(commune__in=loaded).values_list(
            "pk", "code", "commune"
        )
        if (code, nis) not in pairs
    ]
    PostalCode.objects.filter(pk__in=stale).delete()

    successors = [
        CodeSuccessor(
            old_nis=row["old_nis"],
            commune_id=row["new_nis"],
            since=datetime.date.fromisoformat(row["since"]),
            reason=row["reason"],
        )
        for row in _read("successors.csv")
        if row["new_nis"] in loaded
    ]
    _upsert(CodeSuccessor, successors, ["commune", "since", "reason"], key="old_nis")

    return {
        "regions": len(regions),
        "provinces": len(provinces),
        "arrondissements": len(arrondissements),
        "communes": len(communes),
        "postal codes": len(pairs),
        "former codes": len(successors),
    }


def _upsert[M: models.Model](
    model: type[M], objects: list[M], fields: list[str], *, key: str = "nis"
) -> None:
    """Insert the rows, or update the given fields of those whose key exists."""
    model._default_manager.bulk_create(
        objects, update_conflicts=True, unique_fields=[key], update_fields=fields
    )


@dataclass
class BoundaryImportReport:
    """What an import of boundaries did, for the operator."""

    imported: list[str] = field(default_factory=list)
    # A commune drawn from several features (a merger): its code and theirs.
    merged: dict[str, list[str]] = field(default_factory=dict)
    # Features whose former code led to today's commune (CodeSuccessor).
    recoded: dict[str, str] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)
    # Codes of features that match no loaded commune (e.g. Flanders, when only
    # Wallonia is loaded): ignored.
    unknown: list[str] = field(default_factory=list)
    without_boundary: list[str] = field(default_factory=list)


def commune_boundaries_import(
    *,
    path: Path,
    code_property: str | None = None,
    object_name: str | None = None,
) -> BoundaryImportReport:
    """Store the boundaries of a GeoJSON or TopoJSON file in the loaded communes.

    All or nothing: the whole file is read and checked before anything is written,
    and a file that cannot be read raises geo.BoundaryFileError. Codes go through
    the former codes (the features of 82003 and 82005 become 82039, their union);
    invalid geometries are repaired; coordinates are rounded to 5 decimals and a
    point inside each commune is kept for markers. Communes that are not in the
    file keep the boundary they had.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise geo.BoundaryFileError(f"Cannot read {path}: {error.strerror}.") from None
    features = geo.read_features(
        raw, code_property=code_property, object_name=object_name
    )

    report = BoundaryImportReport()
    loaded = set(Commune.objects.values_list("nis", flat=True))
    successors = dict(CodeSuccessor.objects.values_list("old_nis", "commune"))
    parts: dict[str, list[tuple[str, shapely.Geometry]]] = defaultdict(list)
    for feature in features:
        target = (
            feature.code if feature.code in loaded else successors.get(feature.code)
        )
        if target is None:
            report.unknown.append(feature.code)
            continue
        if target != feature.code:
            report.recoded[feature.code] = target
        geometry = feature.geometry
        if not geometry.is_valid:
            geometry = geo.repaired(geometry)
            report.repaired.append(feature.code)
        parts[target].append((feature.code, geometry))

    updates: list[Commune] = []
    for nis, pieces in sorted(parts.items()):
        if len(pieces) > 1:
            report.merged[nis] = sorted(code for code, _ in pieces)
            geometry = geo.repaired(shapely.union_all([piece for _, piece in pieces]))
        else:
            geometry = pieces[0][1]
        geometry = geo.rounded(geometry)
        if geometry.is_empty:
            raise geo.BoundaryFileError(
                f"The boundary of commune {nis} is empty once rounded to "
                f"{geo.DECIMALS} decimals."
            )
        point = geometry.representative_point()
        updates.append(
            Commune(
                nis=nis,
                boundary=geo.as_geojson(geometry),
                latitude=round(point.y, geo.DECIMALS),
                longitude=round(point.x, geo.DECIMALS),
            )
        )
        report.imported.append(nis)

    with transaction.atomic():
        Commune.objects.bulk_update(
            updates, ["boundary", "latitude", "longitude"], batch_size=100
        )
    # A bulk update sends no signal: what is kept of the communes is dropped here.
    refcache.forget_all()
    report.without_boundary = list(
        Commune.objects.filter(boundary__isnull=True).values_list("nis", flat=True)
    )
    return report


# Population figures: entered one by one, or a file of them written whole.


POPULATION_FIELDS = ("commune", "indicator", "date", "value", "source", "fictitious")


def _figure_check(figure: PopulationFigure) -> None:
    try:
        date_check(figure.date)
    except ValueError as error:
        raise ValidationError({"date": str(error)}) from None
    duplicate = PopulationFigure.objects.filter(
        commune_id=figure.commune_id, indicator=figure.indicator, date=figure.date
    ).exclude(pk=figure.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "date": _(
                    "Cette commune a déjà un chiffre de cet indicateur à cette "
                    "date : corrigez-le plutôt."
                )
            }
        )


@transaction.atomic
def population_figure_create(*, by: Any, fields: Mapping[str, Any]) -> PopulationFigure:
    """A figure of a commune at a date (`fields`: POPULATION_FIELDS)."""
    figure = PopulationFigure(**{name: fields[name] for name in fields})
    _figure_check(figure)
    save_with_history(
        figure,
        by=by,
        reason=reasons.reason(reasons.CREATED),
        validate_constraints=False,
    )
    return figure


@transaction.atomic
def population_figure_update(
    *,
    figure_id: int,
    by: Any,
    expected_version: int | None,
    fields: Mapping[str, Any],
) -> PopulationFigure:
    """Correct a figure; VersionConflict when someone else did meanwhile."""
    figure = PopulationFigure.objects.select_for_update().get(pk=figure_id)
    check_version(figure, expected_version)
    changed = assign(figure, fields)
    if not changed:
        return figure
    _figure_check(figure)
    figure.version += 1
    save_with_history(
        figure,
        by=by,
        reason=reasons.reason(reasons.UPDATED),
        update_fields=changed,
        validate_constraints=False,
    )
    return figure


@dataclass(frozen=True)
class PopulationImportReport:
    """What a file of figures brought: new figures, figures it corrected
    (another value or source), and figures it gave as they were."""

    created: int
    corrected: int
    unchanged: int
    written: bool


HISTORY_CHUNK = 500


@transaction.atomic
def population_figures_import(
    *, by: Any, rows: Sequence[FigureRow], file_name: str, dry_run: bool = False
) -> PopulationImportReport:
    """Write the figures of a file that was read without error
    (`territory.population.figures_read`), all or none; `dry_run` says what it
    would write. A figure the register already has for a commune, indicator
    and date is corrected, and its history keeps the value it replaced."""
    indicators = {row.indicator for row in rows}
    stored = {
        (figure.commune_id, figure.indicator, figure.date): figure
        for figure in PopulationFigure.objects.filter(indicator__in=indicators)
        .select_for_update()
        .only(
            "id",
            "commune",
            "indicator",
            "date",
            "value",
            "source",
            "fictitious",
            "version",
        )
    }
    new: list[PopulationFigure] = []
    corrected: list[PopulationFigure] = []
    unchanged = 0
    for row in rows:
        figure = stored.get((row.commune, row.indicator, row.date))
        if figure is None:
            new.append(
                PopulationFigure(
                    commune_id=row.commune,
                    indicator=row.indicator,
                    date=row.date,
                    value=row.value,
                    source=row.source,
                    fictitious=row.fictitious,
                )
            )
        elif (figure.value, figure.source, figure.fictitious) != (
            row.value,
            row.source,
            row.fictitious,
        ):
            # A file's figure is real unless it says otherwise (the demo's).
            figure.value, figure.source = row.value, row.source
            figure.fictitious = row.fictitious
            figure.version += 1
            corrected.append(figure)
        else:
            unchanged += 1
    report = PopulationImportReport(
        created=len(new),
        corrected=len(corrected),
        unchanged=unchanged,
        written=not dry_run and bool(new or corrected),
    )
    if dry_run:
        return report
    reason = reasons.file_import_reason(file_name)
    created = PopulationFigure.objects.bulk_create(new, batch_size=HISTORY_CHUNK)
    now = timezone.now()
    for figure in corrected:
        figure.updated_at = now
    PopulationFigure.objects.bulk_update(
        corrected,
        ["value", "source", "fictitious", "version", "updated_at"],
        batch_size=HISTORY_CHUNK,
    )
    for kind, figures in (("+", created), ("~", corrected)):
        ids = [figure.pk for figure in figures]
        for start in range(0, len(ids), HISTORY_CHUNK):
            history_record_many(
                PopulationFigure,
                ids[start : start + HISTORY_CHUNK],
                by=by,
                reason=reason,
                kind=kind,
            )
    return report
