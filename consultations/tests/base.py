"""A questionnaire and a round among the register's organisations, for the
consultations' tests."""

import datetime
from typing import Any, ClassVar

from django.utils import timezone

from consultations.models import Invitation, Questionnaire, Round
from consultations.services import (
    Audience,
    invitations_add,
    questionnaire_import,
    round_create,
    round_launch,
)
from consultations.tests.test_xlsform import markdown
from consultations.xlsform import xlsform_read
from register.tests.base import RegisterTestCase

FR, UK = "Français (fr)", "Українська (uk)"
# A short questionnaire for organisations, in French and Ukrainian.
SURVEY = [
    ["type", "name", f"label::{FR}", f"label::{UK}", "required", "relevant",
     "constraint", f"constraint_message::{FR}", f"constraint_message::{UK}"],
    ["begin_group", "offre", "Votre offre", "Ваша пропозиція", "", "", "", "", ""],
    ["select_one yn", "accueil", "Accueillez-vous des personnes déplacées ?",
     "Чи приймаєте ви переселених осіб?", "yes", "", "", "", ""],
    ["integer", "places", "Places disponibles", "Вільні місця", "yes",
     "${accueil} = 'yes'", ". >= 0", "Un nombre positif", "Додатне число"],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["begin_group", "avis", "Votre avis", "Ваша думка", "", "", "", "", ""],
    ["select_multiple besoins", "besoins", "Besoins prioritaires",
     "Пріоритетні потреби", "", "", "", "", ""],
    ["text", "commentaire", "Commentaire", "Коментар", "", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", ""],
]  # fmt: skip
CHOICES = [
    ["list_name", "name", f"label::{FR}", f"label::{UK}"],
    ["yn", "yes", "Oui", "Так"],
    ["yn", "no", "Non", "Ні"],
    ["besoins", "logement", "Logement", "Житло"],
    ["besoins", "emploi", "Emploi", "Робота"],
]
SETTINGS = [["form_title", "form_id", "default_language"],
            ["Offre d'accueil", "offre", FR]]  # fmt: skip
FORM = markdown(survey=SURVEY, choices=CHOICES, settings=SETTINGS)
ANSWERS: dict[str, Any] = {
    "accueil": "yes",
    "places": "12",
    "besoins": ["logement"],
    "commentaire": "Places en maisons communautaires",
}


def make_round(by: Any, organisation_ids: tuple[int, ...]) -> Round:
    """The questionnaire imported, a round open for a month with a public
    link, the organisations invited, launched."""
    questionnaire = questionnaire_import(
        form=xlsform_read(FORM.encode(), "offre.md"), by=by
    )
    now = timezone.now()
    round_ = round_create(
        by=by,
        fields={
            "questionnaire": questionnaire,
            "title": "Offre d'accueil 2027",
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=30),
        },
        public=True,
    )
    invitations_add(round_=round_, audience=Audience(organisations=organisation_ids))
    round_launch(round_=round_)
    round_.refresh_from_db()
    return round_


class RoundTestCase(RegisterTestCase):
    questionnaire: ClassVar[Questionnaire]
    round: ClassVar[Round]
    invitation_a: ClassVar[Invitation]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.round = make_round(
            cls.coordinator, (cls.organisation_a.pk, cls.organisation_b.pk)
        )
        cls.questionnaire = cls.round.questionnaire
        cls.invitation_a = cls.round.invitations.get(organisation=cls.organisation_a)
