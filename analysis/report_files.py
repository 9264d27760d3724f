"""The report as a file, written by the worker: asked for, followed, downloaded,
then removed.

A report gathers every analysis; by commune it runs to a few seconds and more
pages. It becomes a ReportJob, which the worker builds part by part (so that
the person can watch), writes as PDF (WeasyPrint) or XLSX (one sheet per
table) to the default storage under `reports/`, and which is removed
EXPORT_RETENTION_HOURS after it was asked for.
"""

import datetime
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from accounts.permissions import can
from analysis.coverage import CoverageFilters
from analysis.models import BodyAssessment, ReportJob
from analysis.report import STEPS, Report, report_build
from lib.filejobs import (
    file_job_crashed,
    file_job_fail,
    file_job_get,
    file_jobs_purge,
)
from taxonomy.models import InstitutionalLevel, Theme
from taxonomy.selectors import terms_by_id

FOLDER = "reports"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportError(Exception):
    """The file cannot be written here (the reason is for people)."""


def report_filters_store(filters: CoverageFilters) -> dict[str, Any]:
    """The filters as the job keeps them (JSON)."""
    stored = {
        name: getattr(filters, name)
        for name in CoverageFilters.__dataclass_fields__
        if getattr(filters, name) not in (None, "", False)
    }
    if filters.as_of is not None:
        stored["as_of"] = filters.as_of.isoformat()
    return stored


def report_filters_read(stored: dict[str, Any]) -> CoverageFilters:
    values = {
        name: value
        for name, value in stored.items()
        if name in CoverageFilters.__dataclass_fields__
    }
    if values.get("as_of"):
        values["as_of"] = datetime.date.fromisoformat(values["as_of"])
    return CoverageFilters(**values)


@transaction.atomic
def report_job_create(
    *, user: User, fmt: str, filters: CoverageFilters, language: str
) -> ReportJob:
    """Ask for a report file; the worker builds it once this transaction
    commits. Expired files are removed on the way."""
    from analysis.tasks import build_report  # the task module imports this one

    report_jobs_purge(now=timezone.now())
    job = ReportJob.objects.create(
        user=user,
        format=fmt,
        filters=report_filters_store(filters),
        language=language,
        steps_total=len(STEPS) + 1,
    )
    transaction.on_commit(lambda: build_report.enqueue(job_id=str(job.pk)))
    return job


def report_job_run(*, job_id: str) -> bool:
    """Build a job's report, write its file into the storage and mark it done
    (or failed with the reason). Not one transaction: its progress must be
    seen while it runs. Run again, it starts over."""
    report_jobs_purge(now=timezone.now())
    job = ReportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status in {ReportJob.Status.DONE, ReportJob.Status.EXPIRED}:
        return False
    job.status = ReportJob.Status.RUNNING
    job.steps_done = 0
    job.error = ""
    job.save(update_fields=["status", "steps_done", "error"])

    def progress(done: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(steps_done=done)

    filename = report_filename(job.format, timezone.localdate())
    try:
        with (
            override(job.language),
            tempfile.TemporaryDirectory(prefix="maillage-report-") as folder,
        ):
            report = report_build(
                job.user, report_filters_read(job.filters), progress=progress
            )
            path = Path(folder) / filename
            if job.format == ReportJob.Format.PDF:
                report_pdf(report, path)
            else:
                report_xlsx(report, path)
            with path.open("rb") as written:
                name = default_storage.save(
                    f"{FOLDER}/{job.pk.hex}/{filename}", File(written)
                )
    except ReportError as error:
        file_job_fail(job, str(error))
        return False
    except Exception:
        file_job_crashed(job)
        raise
    job.status = ReportJob.Status.DONE
    job.steps_done = job.steps_total
    job.file = name
    job.filename = filename
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "steps_done", "file", "filename", "finished_at"])
    return True


def report_filename(fmt: str, day: datetime.date) -> str:
    return f"maillage-rapport-analyse-{day.isoformat()}.{fmt}"


def report_job_expires_at(job: ReportJob) -> datetime.datetime:
    return job.expires_at


def report_jobs_purge(*, now: datetime.datetime) -> int:
    """Remove the files of the reports asked for more than
    EXPORT_RETENTION_HOURS ago and mark them expired; how many expired."""
    return file_jobs_purge(ReportJob, now=now)


def get_report_job_for_user(user: User, job_id: str) -> ReportJob:
    """The job, to the person who asked for it and to coordinators and
    administrators; anyone else, an unknown or malformed id: 404."""
    return file_job_get(
        ReportJob, job_id, user_id=user.pk, sees_all=can(user, "register.manage")
    )


# Writers


def report_pdf(report: Report, path: Path) -> None:
    """The report as a PDF, A4 landscape, its charts drawn from their SVG."""
    try:
        # Loads Pango: only when a PDF is asked.
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as error:
        raise ReportError(
            _(
                "Le PDF ne peut pas être écrit sur ce serveur : les bibliothèques "
                "Pango manquent (scripts/ensure-pango les installe)."
            )
        ) from error
    html = render_to_string("analysis/report_document.html", {"report": report})
    stylesheet = finders.find("css/report.css")
    HTML(string=html).write_pdf(
        str(path), stylesheets=[CSS(filename=str(stylesheet))] if stylesheet else []
    )


def report_xlsx(report: Report, path: Path) -> None:
    """The report as a workbook, one sheet per table, the first stating the
    date, the filters and the sources."""
    import xlsxwriter

    # Names are text: never formulas, numbers or links (a name may start with =).
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    dated = workbook.add_format({"num_format": "dd/mm/yyyy"})
    themes = terms_by_id(Theme)
    levels = terms_by_id(InstitutionalLevel)

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        worksheet = workbook.add_worksheet(title[:31])
        worksheet.write_row(0, 0, header, bold)
        worksheet.freeze_panes(1, 0)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, datetime.date):
                    worksheet.write_datetime(number, column, value, dated)
                elif value is None:
                    worksheet.write_blank(number, column, None)
                else:
                    worksheet.write(number, column, value)
        worksheet.set_column(0, max(len(header) - 1, 0), 18)

    population = report.population
    sheet(
        _("Rapport"),
        [_("Rubrique"), _("Valeur")],
        [
            [_("Rapport d'analyse du secteur"), "Maillage"],
            [_("Établi le"), report.generated_at.strftime("%d/%m/%Y %H:%M")],
            *[[label, value] for label, value in report.filters],
            [_("Organisations actives"), report.register.get("organisations")],
            [_("Services en cours"), report.register.get("services")],
            [_("Organes existants ou actifs"), report.register.get("bodies")],
            [_("Personnes sous protection temporaire"), population.get("people")],
            [_("Communes avec un chiffre"), population.get("communes")],
            [_("Plus ancien chiffre"), population.get("first")],
            [_("Plus récent chiffre"), population.get("last")],
            [_("Sources des chiffres"), ", ".join(report.population_sources)],
            [
                _("Chiffres fictifs"),
                _("oui") if population.get("fictitious") else _("non"),
            ],
        ],
    )
    sheet(
        _("Couverture"),
        [
            _("Code INS"),
            _("Territoire"),
            _("Code du thème"),
            _("Thème"),
            _("Services actifs"),
            _("Organisations"),
            _("Capacité"),
            _("Personnes sous protection temporaire"),
            _("Services pour 1 000 personnes"),
            _("Capacité pour 1 000 personnes"),
        ],
        [
            [
                cell.territory,
                report.territory_name(cell.territory),
                themes[cell.theme].code,
                str(themes[cell.theme].name),
                cell.services,
                cell.organisations,
                cell.capacity,
                cell.population,
                cell.per_1000,
                cell.capacity_per_1000,
            ]
            for cell in report.coverage
        ],
    )
    sheet(
        _("Lacunes"),
        [_("Code INS"), _("Territoire"), _("Thème"), _("Personnes")],
        [
            [
                cell.territory,
                report.territory_name(cell.territory),
                str(themes[cell.theme].name),
                cell.population,
            ]
            for cell in report.gaps
        ],
    )
    sheet(
        _("Chevauchements"),
        [
            _("Organisation"),
            _("Autre organisation"),
            _("Offres partagées"),
            _("Communes"),
            _("Thèmes"),
        ],
        [
            [o["first"], o["second"], o["shared"], o["communes"], o["themes"]]
            for o in report.overlaps
        ],
    )
    network = report.network
    sheet(
        _("Réseau"),
        [
            _("Id"),
            _("Organisation"),
            _("Niveau"),
            _("Degré"),
            _("Entrantes"),
            _("Sortantes"),
            _("Intermédiarité"),
            _("Communauté"),
            _("Composante"),
            _("Autres niveaux atteints"),
        ],
        [
            [
                node.id,
                report.network_names.get(node.id, ""),
                levels[node.level].code if node.level in levels else None,
                node.degree,
                node.in_degree,
                node.out_degree,
                node.betweenness,
                node.community,
                node.component,
                node.levels_reached,
            ]
            for node in network.nodes
        ],
    )
    sheet(
        _("Densité entre niveaux"),
        [_("Niveau"), _("Autre niveau"), _("Liens"), _("Possibles"), _("Densité")],
        [
            [
                str(levels[low].name) if low in levels else low,
                str(levels[high].name) if high in levels else high,
                ties,
                possible,
                density,
            ]
            for (low, high), (ties, possible, density) in network.level_density.items()
        ],
    )
    if report.assessments:
        sheet(
            _("Grille"),
            [_("Quadrant"), _("Organisations")],
            [[label, count] for label, count in report.grid_rows],
        )
    criteria = [str(label) for label in BodyAssessment.criteria_labels()]
    sheet(
        _("Organes"),
        [
            _("Organe"),
            _("Statut"),
            _("Niveau"),
            _("Niveaux qui y siègent"),
            _("Niveaux compétents absents"),
            *([*criteria, _("Moyenne"), _("Évalué le")] if report.assessments else []),
        ],
        [
            [
                row["body"].name,
                str(row["body"].get_status_display()),
                str(row["body"].level.name),
                ", ".join(str(level.name) for level in row["levels"]),
                ", ".join(str(level.name) for level, _themes in row["missing"]),
                *(
                    [*row["scores"], row["body"].mean, row["body"].assessed_on]
                    if report.assessments
                    else []
                ),
            ]
            for row in report.bodies
        ],
    )
    sheet(
        _("Organes qui se chevauchent"),
        [
            _("Organe"),
            _("Autre organe"),
            _("Thèmes en commun"),
            _("Communes en commun"),
        ],
        [
            [o["first"], o["second"], ", ".join(o["themes"]), o["communes"]]
            for o in report.body_overlaps
        ],
    )
    sheet(
        _("Thèmes sans organe"),
        [
            _("Thème"),
            _("Communes couvertes"),
            _("Communes sans organe"),
            _("Personnes hors couverture"),
        ],
        [
            [gap["theme"], gap["covered"], gap["uncovered"], gap["population"]]
            for gap in report.uncovered
        ],
    )
    workbook.close()
