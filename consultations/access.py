"""Who may do what with the consultations: coordinators and administrators
manage questionnaires (import, read, export)."""

from django.http import Http404

from accounts.models import User
from accounts.permissions import ADMIN, COORDINATOR, add_rules, can
from consultations.models import Questionnaire

add_rules({"consultations.manage": frozenset({ADMIN, COORDINATOR})})


def get_questionnaire_for_user(user: User, pk: int) -> Questionnaire:
    if not can(user, "consultations.manage"):
        raise Http404
    questionnaire = Questionnaire.objects.filter(pk=pk).first()
    if questionnaire is None:
        raise Http404(f"No questionnaire has the id {pk}.")
    return questionnaire
