"""The register's forms bound long texts and refuse control characters, with a
message that says which character and where."""

from typing import Any

from django.urls import reverse

from lib.text import DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH
from register.models import Assessment, Organisation, Relation, Service
from register.tests.base import RegisterTestCase
from register.tests.test_organisation_edit import CREATE, form_data
from register.tests.test_relation_pages import relation_data
from register.tests.test_service_pages import service_data

NUL_AT_12 = (
    "Ce texte contient un caractère de contrôle (U+0000) à la position 12 : retirez-le."
)


def too_long(limit: int) -> str:
    return (
        f"Assurez-vous que cette valeur comporte au plus {limit} caractères "
        f"(actuellement {limit + 1})."
    )


def longest(limit: int) -> str:
    """A text of exactly `limit` characters, over several lines, with a tab."""
    line = "Accueil\tsur rendez-vous, le matin.\n"
    return (line * (limit // len(line) + 1))[: limit - 1] + "."


class TextLimitFormTests(RegisterTestCase):
    def assert_field_error(self, response: Any, field: str, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>',
            html=True,
        )

    def test_an_organisation_refuses_a_nul_and_a_description_too_long(self):
        self.login(self.coordinator)
        before = Organisation.objects.count()
        response = self.client.post(
            CREATE,
            form_data(
                name="Croix-Rouge\x00 de Namur",
                description="x" * (DESCRIPTION_MAX_LENGTH + 1),
            ),
        )
        self.assert_field_error(response, "name", NUL_AT_12)
        self.assert_field_error(
            response, "description", too_long(DESCRIPTION_MAX_LENGTH)
        )
        response = self.client.post(
            CREATE, form_data(description="Description\x00 qui casse le CSV.")
        )
        self.assert_field_error(response, "description", NUL_AT_12)
        self.assertEqual(Organisation.objects.count(), before)

    def test_a_one_line_field_refuses_a_line_break_and_other_controls(self):
        self.login(self.coordinator)
        response = self.client.post(
            CREATE, form_data(street="Rue de la Loi\r\n16", acronym="C\x85R")
        )
        self.assert_field_error(
            response,
            "street",
            "Ce champ tient sur une ligne : retirez le saut de ligne à la position 14.",
        )
        self.assert_field_error(
            response,
            "acronym",
            "Ce texte contient un caractère de contrôle (U+0085) à la position 2 "
            ": retirez-le.",
        )

    def test_a_postal_code_with_a_nul_is_refused_not_looked_up(self):
        self.login(self.coordinator)
        response = self.client.post(CREATE, form_data(postal_code="50\x000"))
        self.assert_field_error(
            response,
            "postal_code",
            "Ce texte contient un caractère de contrôle (U+0000) à la position 3 "
            ": retirez-le.",
        )

    def test_the_longest_description_is_kept_as_typed(self):
        self.login(self.coordinator)
        response = self.client.get(CREATE)
        self.assertContains(response, f'maxlength="{DESCRIPTION_MAX_LENGTH}"')
        description = longest(DESCRIPTION_MAX_LENGTH)
        self.client.post(CREATE, form_data(description=description))
        organisation = Organisation.objects.get(name="Maison de l'Ukraine à Namur")
        # The form field strips spaces around the text, not the tabs in it.
        self.assertEqual(organisation.description, description)

    def test_a_text_stored_before_the_limits_is_to_shorten_at_the_next_edit(self):
        Organisation.objects.filter(pk=self.organisation_a.pk).update(
            description="x" * 10_000
        )
        self.login(self.coordinator)
        url = reverse("register:organisation_update", args=[self.organisation_a.pk])
        self.assertContains(self.client.get(url), "x" * 10_000)
        response = self.client.post(url, form_data(self.organisation_a))
        self.assertContains(
            response,
            "Assurez-vous que cette valeur comporte au plus 5000 caractères "
            "(actuellement 10000).",
        )
        response = self.client.post(
            url, form_data(self.organisation_a, description="x" * 5000)
        )
        self.assertRedirects(response, self.organisation_a.get_absolute_url())

    def test_a_service_bounds_its_notes_and_refuses_controls(self):
        self.login(self.focal_point_a)
        url = reverse("register:service_create", args=[self.organisation_a.pk])
        response = self.client.get(url)
        self.assertContains(response, f'maxlength="{NOTE_MAX_LENGTH}"')
        before = Service.objects.count()
        response = self.client.post(
            url,
            service_data(
                title="Cours du\x0csoir",
                eligibility="x" * (NOTE_MAX_LENGTH + 1),
                opening_hours="Lundi\t9 h\nMardi\x00",
                referral_how="y" * (NOTE_MAX_LENGTH + 1),
            ),
        )
        self.assert_field_error(
            response,
            "title",
            "Ce texte contient un caractère de contrôle (U+000C) à la position 9 "
            ": retirez-le.",
        )
        self.assert_field_error(response, "eligibility", too_long(NOTE_MAX_LENGTH))
        self.assert_field_error(response, "referral_how", too_long(NOTE_MAX_LENGTH))
        self.assert_field_error(
            response,
            "opening_hours",
            "Ce texte contient un caractère de contrôle (U+0000) à la position 16 "
            ": retirez-le.",
        )
        self.assertEqual(Service.objects.count(), before)

    def test_a_relation_bounds_its_note(self):
        self.login(self.focal_point_a)
        url = reverse("register:relation_create", args=[self.organisation_a.pk])
        self.assertContains(self.client.get(url), f'maxlength="{NOTE_MAX_LENGTH}"')
        response = self.client.post(
            url,
            relation_data(
                self.organisation_b,
                "forward:funds",
                note="z" * (NOTE_MAX_LENGTH + 1),
                source_note="Enquête\x00",
            ),
        )
        self.assert_field_error(response, "note", too_long(NOTE_MAX_LENGTH))
        self.assert_field_error(
            response,
            "source_note",
            "Ce texte contient un caractère de contrôle (U+0000) à la position 8 "
            ": retirez-le.",
        )
        self.assertFalse(Relation.objects.exists())

    def test_an_assessment_bounds_its_justification(self):
        self.login(self.coordinator)
        url = reverse("register:assessment_create", args=[self.organisation_a.pk])
        response = self.client.post(
            url,
            {
                "influence": "4",
                "interest": "3",
                "capacity": "2",
                "attitude": "neutral",
                "strategy": "consult",
                "assessed_on": "2026-03-01",
                "note": "Réunion\x1b du 1er mars",
            },
        )
        self.assert_field_error(
            response,
            "note",
            "Ce texte contient un caractère de contrôle (U+001B) à la position 8 "
            ": retirez-le.",
        )
        self.assertFalse(Assessment.objects.exists())
