"""The analysis's background tasks."""

from django.tasks import task

from analysis.report_files import report_job_run
from lib.jobs import idempotent


@task
@idempotent
def build_report(*, job_id: str) -> bool:
    """Build a report file (idempotent: a rerun rewrites the file). Returns
    whether a file was written."""
    return report_job_run(job_id=job_id)
