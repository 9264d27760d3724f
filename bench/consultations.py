"""The consultations under load: responses submitted through the API by 8
clients at once (submissions per second and their latencies, beside 8
clients asking for the minimal page in the same run), and a round's results
page over 50,000 responses (at scale 1), with and without a cross table, timed
with the minimal page in turn as the other pages are."""

import datetime
import random
import threading
import time
import uuid
from typing import Any

from bench.pages import (
    BASELINE,
    MIN_TIMED,
    PageResult,
    Progress,
    measure_pages,
    percentile,
)

RESPONSES = 50_000
CLIENTS = 8
SUBMISSIONS_PER_CLIENT = 100


def _answers(rng: random.Random, number: int) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "niveau": rng.choice(["local", "provincial", "regional", "federal"]),
        "satisfaction": rng.choice(["non", "peu", "assez", "tout"]),
        "besoins": sorted(
            rng.sample(["logement", "emploi", "sante", "langue"], rng.randint(1, 3))
        ),
        "reunions": str(rng.randint(0, 52)),
        "priorites": rng.sample(["information", "orientation", "planification"], 3),
        "participer": rng.choice(["oui", "non"]),
    }
    if answers["participer"] == "oui":
        answers["groupe"] = f"Groupe de travail {number % 40}"
    if number % 5 == 0:
        answers["remarques"] = f"Remarque {number} : besoin d'un interlocuteur unique."
    return answers


def _seed(scale: float, progress: Progress) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services import api_token_create
    from consultations.models import Invitation, Questionnaire, Response, Round
    from consultations.services import answers_digest
    from consultations.xlsform import form_check
    from demo.consultations import questionnaire_definition
    from register.models import Organisation

    rng = random.Random(11)  # noqa: S311 - made-up data, not secrets
    count = max(100, round(RESPONSES * scale))
    organisation_ids = list(
        Organisation.objects.order_by("id").values_list("id", flat=True)[: count // 2]
    )
    form = form_check(questionnaire_definition())
    now = timezone.now()
    with transaction.atomic():
        coordinator = User.objects.create_user(
            f"bench.consult.{uuid.uuid4().hex[:8]}@example.org",
            None,
            role=Role.COORDINATOR,
        )
        questionnaire = Questionnaire.objects.create(
            key=f"bench-{uuid.uuid4().hex[:8]}",
            title=form.title,
            status=Questionnaire.Status.IN_USE,
            default_language=form.default_language,
            languages=form.languages,
            definition=form.definition,
            question_count=form.question_count,
        )
        round_ = Round.objects.create(
            questionnaire=questionnaire,
            title="Tour de banc d'essai",
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now + datetime.timedelta(days=30),
            launched_at=now - datetime.timedelta(days=30),
        )
        invitations = Invitation.objects.bulk_create(
            Invitation(
                round=round_,
                organisation_id=pk,
                name=f"Organisation {pk}",
                key=uuid.uuid4().hex,
                delivery=Invitation.Delivery.SENT,
            )
            for pk in organisation_ids
        )
        progress(f"consultations: {len(invitations)} invitations")
        batch: list[Response] = []
        for number in range(count):
            answers = _answers(rng, number)
            batch.append(
                Response(
                    round=round_,
                    questionnaire=questionnaire,
                    invitation=invitations[number]
                    if number < len(invitations)
                    else None,
                    instance_id=f"uuid:bench-{number}",
                    status=Response.Status.SUBMITTED,
                    answers=answers,
                    digest=answers_digest(answers),
                    submitted_at=now,
                )
            )
            if len(batch) == 5_000:
                Response.objects.bulk_create(batch)
                batch = []
        Response.objects.bulk_create(batch)
        _token, secret = api_token_create(user=coordinator, name="banc d'essai")
    progress(f"consultations: {count} responses")
    return {
        "coordinator": coordinator,
        "round": round_,
        "secret": secret,
        "counts": {"responses": count, "invitations": len(invitations)},
    }


def _concurrently(work: Any) -> tuple[float, list[float], list[int]]:
    """Run `work(client_number, latencies, statuses)` in CLIENTS threads at
    once; the seconds they took together, every latency (ms), every status."""
    from django.db import connections

    latencies: list[float] = []
    statuses: list[int] = []
    barrier = threading.Barrier(CLIENTS)

    def run(number: int) -> None:
        try:
            barrier.wait()
            work(number, latencies, statuses)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def _submissions(seeded: dict[str, Any], per_client: int) -> dict[str, Any]:
    import json

    from django.test import Client

    round_id = seeded["round"].pk
    headers = {"Authorization": f"Bearer {seeded['secret']}"}
    url = f"/api/v1/consultations/rounds/{round_id}/responses"

    def submit(number: int, latencies: list[float], statuses: list[int]) -> None:
        client = Client(raise_request_exception=False)
        rng = random.Random(number)  # noqa: S311
        for index in range(per_client):
            body = json.dumps(
                {
                    "instance_id": f"uuid:load-{number}-{index}-{uuid.uuid4().hex[:6]}",
                    "answers": _answers(rng, index),
                }
            )
            started = time.perf_counter()
            response = client.post(
                url, body, content_type="application/json", headers=headers
            )
            latencies.append((time.perf_counter() - started) * 1000)
            statuses.append(response.status_code)

    def minimal(number: int, latencies: list[float], statuses: list[int]) -> None:
        # The minimal page as the other pages are timed: signed in.
        client = Client(raise_request_exception=False)
        client.force_login(seeded["coordinator"])
        for _index in range(per_client):
            started = time.perf_counter()
            response = client.get("/_bench/minimal/")
            latencies.append((time.perf_counter() - started) * 1000)
            statuses.append(response.status_code)

    figures: dict[str, Any] = {"clients": CLIENTS, "per_client": per_client}
    for name, work in (("minimal_page", minimal), ("submissions", submit)):
        seconds, latencies, statuses = _concurrently(work)
        figures[name] = {
            "requests": len(statuses),
            "per_second": round(len(statuses) / seconds, 1),
            "median_ms": round(percentile(latencies, 0.5), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        }
    base, load = figures["minimal_page"], figures["submissions"]
    figures["p95_ratio_to_minimal"] = round(load["p95_ms"] / base["p95_ms"], 2)
    figures["throughput_ratio_to_minimal"] = round(
        load["per_second"] / base["per_second"], 3
    )
    return figures


def consultations_figures(
    progress: Progress, *, scale: float, warmups: int, requests: int, budget: float
) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client, override_settings

    seeded = _seed(scale, progress)
    round_id = seeded["round"].pk
    pages = {
        "results": f"/consultations/tours/{round_id}/resultats/",
        "results_filtered": (
            f"/consultations/tours/{round_id}/resultats/?q=interlocuteur"
        ),
        "results_cross_table": (
            f"/consultations/tours/{round_id}/resultats/?cross=satisfaction&by=level"
        ),
        "round_progress": f"/consultations/tours/{round_id}/",
    }
    client = Client(raise_request_exception=False)
    client.force_login(seeded["coordinator"])
    results: dict[str, PageResult] = {}
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        ROOT_URLCONF="bench.urls",
    ):
        for name, url in pages.items():
            baseline, result = measure_pages(
                client,
                ["/_bench/minimal/", url],
                warmups=warmups,
                requests=max(requests, MIN_TIMED),
                budget=budget,
            )
            result.pop("timings_ms", None)
            result.pop("slowest_query", None)
            result["baseline_median_ms"] = baseline["median_ms"]
            median = result["median_ms"]
            result["ratio_to_minimal"] = (
                round(median / baseline["median_ms"], 2)
                if median is not None and baseline["median_ms"]
                else None
            )
            results[name] = result
            progress(
                f"{name:<28} {result['status']} median {median} ms, p95 "
                f"{result['p95_ms']} ms, {result['queries']} queries, "
                f"{result['ratio_to_minimal']}× the minimal page"
            )
        per_client = max(10, round(SUBMISSIONS_PER_CLIENT * min(scale, 1)))
        submissions = _submissions(seeded, per_client)
        load = submissions["submissions"]
        progress(
            f"submissions, {CLIENTS} clients: {load['per_second']}/s, p95 "
            f"{load['p95_ms']} ms ({submissions['p95_ratio_to_minimal']}× the minimal "
            f"page's p95 under the same load), statuses {load['statuses']}"
        )
    return {
        "counts": seeded["counts"],
        BASELINE: "/_bench/minimal/",
        "pages": results,
        "submissions": submissions,
    }
