"""The exchange app's background tasks."""

from django.tasks import task

from exchange.export_jobs import export_job_run
from lib.jobs import idempotent


@task
@idempotent
def run_export(*, job_id: str) -> int:
    """Write a background export (idempotent: a rerun rewrites the file).
    Returns the rows written."""
    return export_job_run(job_id=job_id)
