"""Who may do what with the consultations: coordinators and administrators
manage questionnaires and rounds and read every response; a focal point
sees the invitations of their organisations and the answers given for them.
Those invited answer through their invitation's key, without an account.
Http404 when the object does not exist or may not be seen."""

import re

from django.http import Http404

from accounts.models import User
from accounts.permissions import ADMIN, COORDINATOR, FOCAL_POINT, add_rules, can
from consultations.models import Invitation, Questionnaire, Response, Round
from register.models import Membership

add_rules(
    {
        # The menu's « Consultations »: all rounds, or one's own invitations.
        "consultations.view": frozenset({ADMIN, COORDINATOR, FOCAL_POINT}),
        # Questionnaires, rounds, invitations, every response and the analysis.
        "consultations.manage": frozenset({ADMIN, COORDINATOR}),
    }
)


def get_questionnaire_for_user(user: User, pk: int) -> Questionnaire:
    if not can(user, "consultations.manage"):
        raise Http404
    questionnaire = Questionnaire.objects.filter(pk=pk).first()
    if questionnaire is None:
        raise Http404(f"No questionnaire has the id {pk}.")
    return questionnaire


def get_round_for_user(user: User, pk: int) -> Round:
    if not can(user, "consultations.manage"):
        raise Http404
    round_ = Round.objects.select_related("questionnaire").filter(pk=pk).first()
    if round_ is None:
        raise Http404(f"No round has the id {pk}.")
    return round_


def own_organisation_ids(user: User) -> list[int]:
    return list(
        Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    )


def get_response_for_user(user: User, pk: int) -> Response:
    """A response: every one for coordinators, those given for their own
    organisations for a focal point."""
    response = (
        Response.objects.select_related("round", "questionnaire", "invitation")
        .filter(pk=pk)
        .first()
    )
    if response is None:
        raise Http404(f"No response has the id {pk}.")
    if can(user, "consultations.manage"):
        return response
    invitation = response.invitation
    if (
        can(user, "consultations.view")
        and invitation is not None
        and invitation.organisation_id in own_organisation_ids(user)
    ):
        return response
    raise Http404


# A link's key: letters, digits, "-" and "_" (secrets.token_urlsafe).
KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def invitation_for_key(key: str) -> Invitation:
    """The invitation a link names; Http404 for a key that names none."""
    if not KEY.fullmatch(key or ""):
        raise Http404
    invitation = (
        Invitation.objects.select_related(
            "round", "round__questionnaire", "organisation"
        )
        .filter(key=key)
        .first()
    )
    if invitation is None or invitation.round.launched_at is None:
        raise Http404
    return invitation


def round_for_public_key(key: str) -> Round:
    if not KEY.fullmatch(key or ""):
        raise Http404
    round_ = (
        Round.objects.select_related("questionnaire").filter(public_key=key).first()
    )
    if round_ is None or round_.launched_at is None:
        raise Http404
    return round_
