from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import permission_required
from jobs.selectors import recent_tasks, task_counts

STATES = ("queued", "running", "done", "failed")


@require_safe
@permission_required("tasks.view")
def task_list(request: HttpRequest) -> HttpResponse:
    """The latest background tasks and their state, for coordinators."""
    state = request.GET.get("etat", "")
    if state not in STATES:
        state = ""
    return render(
        request,
        "jobs/task_list.html",
        {"tasks": recent_tasks(state=state), "counts": task_counts(), "state": state},
    )
