"""The meetings' pages over a year of meetings: 200 coordination bodies (at
scale 1) of five member organisations each, a plenary every month for a year
and one to come, their invitations and attendance, three actions per meeting
owned by 2,000 focal points; one focal point's organisation sits on every
body and owns one action per meeting, the heaviest "my actions".

"My actions", the actions board (all, overdue, as a focal point sees it) and
the calendar (month and list, as a coordinator and as a focal point) are
timed with the minimal page in turn, as the register's pages are."""

import datetime
import random
import uuid
from typing import Any

from bench.pages import BASELINE, MIN_TIMED, PageResult, Progress, measure_pages

BODIES = 200
USERS = 2_000
MEMBERS = 5
ACTIONS_PER_MEETING = 3
MONTHS = 12


def _seed(scale: float, progress: Progress) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from coordination.models import BodyMember, CoordinationBody
    from meetings.links import new_key
    from meetings.models import Action, Attendance, Invitation, Meeting
    from register.models import Membership, Organisation
    from taxonomy.models import InstitutionalLevel

    rng = random.Random(7)  # noqa: S311 - made-up data, not secrets
    bodies_count = max(2, round(BODIES * scale))
    users_count = max(10, round(USERS * scale))
    organisation_ids = list(
        Organisation.objects.order_by("id").values_list("id", flat=True)[
            : max(50, round(5_000 * scale))
        ]
    )
    level = InstitutionalLevel.objects.order_by("id").first()
    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    with transaction.atomic():
        coordinator = User.objects.filter(role=Role.COORDINATOR).order_by(
            "id"
        ).first() or User.objects.create_user(
            f"bench.coordinator.{uuid.uuid4().hex[:8]}@example.org",
            None,
            role=Role.COORDINATOR,
        )
        focal = User.objects.create_user(
            f"bench.focal.{uuid.uuid4().hex[:8]}@example.org",
            None,
            role=Role.FOCAL_POINT,
        )
        heavy_org = organisation_ids[0]
        Membership.objects.create(user=focal, organisation_id=heavy_org)
        users = User.objects.bulk_create(
            User(
                email=f"bench.fp.{n}.{uuid.uuid4().hex[:6]}@example.org",
                role=Role.FOCAL_POINT,
            )
            for n in range(users_count)
        )
        members_of: dict[int, list[int]] = {}
        memberships = []
        for user in users:
            organisation = rng.choice(organisation_ids)
            memberships.append(Membership(user=user, organisation_id=organisation))
            members_of.setdefault(organisation, []).append(user.pk)
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)
        bodies = CoordinationBody.objects.bulk_create(
            CoordinationBody(
                name=f"Organe de banc d'essai {n:04d}",
                level=level,
                formality="formal",
                decision_power="advises",
                frequency="monthly",
                status="active",
            )
            for n in range(bodies_count)
        )
        body_members: dict[int, list[int]] = {}
        rows = []
        for body in bodies:
            chosen = [heavy_org, *rng.sample(organisation_ids[1:], MEMBERS - 1)]
            body_members[body.pk] = chosen
            rows += [
                BodyMember(body=body, organisation_id=o, role="member") for o in chosen
            ]
        BodyMember.objects.bulk_create(rows)
        meetings = []
        for body in bodies:
            for month in range(-MONTHS, 1):
                day = today.replace(day=1) + datetime.timedelta(days=31 * month)
                day = day.replace(day=min(28, 1 + body.pk % 28))
                start = datetime.datetime.combine(day, datetime.time(14), tzinfo=tz)
                meetings.append(
                    Meeting(
                        title=f"Plénière {body.name} {day:%Y-%m}",
                        kind="plenary",
                        body=body,
                        starts_at=start,
                        ends_at=start + datetime.timedelta(hours=2),
                        place="Namur",
                        languages=["fr"],
                        status="held" if day < today else "planned",
                        organiser=coordinator,
                    )
                )
        meetings = Meeting.objects.bulk_create(meetings, batch_size=500)
        invitations, attendance, actions = [], [], []
        for meeting in meetings:
            if meeting.body_id is None:
                continue
            held = meeting.status == "held"
            for organisation in body_members[meeting.body_id]:
                invitations.append(
                    Invitation(
                        meeting=meeting,
                        organisation_id=organisation,
                        email="x@example.org",
                        key=new_key(),
                        delivery="sent",
                        sent_sequence=0,
                        answer="accepted" if held else "pending",
                    )
                )
                if held:
                    attendance.append(
                        Attendance(
                            meeting=meeting,
                            organisation_id=organisation,
                            presence="present",
                        )
                    )
            if not held:
                continue
            due = timezone.localtime(meeting.starts_at).date() + datetime.timedelta(
                days=30
            )
            actions.append(
                Action(
                    meeting=meeting,
                    body_id=meeting.body_id,
                    title="Suivi du point 1",
                    owner_organisation_id=heavy_org,
                    owner=focal,
                    due_date=due,
                    status=rng.choice(["open", "in_progress", "done", "done"]),
                )
            )
            for number in range(ACTIONS_PER_MEETING - 1):
                organisation = rng.choice(body_members[meeting.body_id][1:])
                owners: list[int | None] = list(members_of.get(organisation, [])) or [
                    None
                ]
                actions.append(
                    Action(
                        meeting=meeting,
                        body_id=meeting.body_id,
                        title=f"Suivi du point {number + 2}",
                        owner_organisation_id=organisation,
                        owner_id=rng.choice(owners),
                        due_date=due,
                        status=rng.choice(["open", "in_progress", "done", "dropped"]),
                    )
                )
        Invitation.objects.bulk_create(invitations, batch_size=2000)
        Attendance.objects.bulk_create(attendance, batch_size=2000)
        Action.objects.bulk_create(actions, batch_size=2000)
    progress(
        f"Meetings seeded: {len(bodies)} bodies, {len(meetings)} meetings, "
        f"{len(invitations)} invitations, {len(actions)} actions, {len(users)} users"
    )
    return {
        "coordinator": coordinator,
        "focal": focal,
        "counts": {
            "bodies": len(bodies),
            "meetings": len(meetings),
            "meetings_held": sum(m.status == "held" for m in meetings),
            "invitations": len(invitations),
            "attendance": len(attendance),
            "actions": len(actions),
            "users": len(users) + 1,
            "focal_point_actions": Action.objects.filter(owner=focal).count(),
        },
    }


def meetings_figures(
    progress: Progress, *, scale: float, warmups: int, requests: int, budget: float
) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client, override_settings
    from django.utils import timezone

    seeded = _seed(scale, progress)
    month = timezone.localdate().strftime("%Y-%m")
    pages: dict[str, tuple[str, str]] = {
        "my_actions": ("focal", "/reunions/mes-actions/"),
        "action_board": ("coordinator", "/reunions/actions/"),
        "action_board_overdue": ("coordinator", "/reunions/actions/?retard=1"),
        "action_board_focal_point": ("focal", "/reunions/actions/"),
        "calendar_month": ("coordinator", f"/reunions/?mois={month}"),
        "calendar_list": ("coordinator", f"/reunions/?mois={month}&vue=liste"),
        "calendar_month_focal_point": ("focal", f"/reunions/?mois={month}"),
        "api_my_overdue_actions": ("focal", "/api/v1/actions?owner=me&overdue=true"),
    }
    clients = {}
    for who in ("coordinator", "focal"):
        clients[who] = Client(raise_request_exception=False)
        clients[who].force_login(seeded[who])
    results: dict[str, PageResult] = {}
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        ROOT_URLCONF="bench.urls",
    ):
        for name, (who, url) in pages.items():
            baseline, result = measure_pages(
                clients[who],
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
    return {"counts": seeded["counts"], BASELINE: "/_bench/minimal/", "pages": results}
