"""Picking one organisation by typing its name: the parent of an organisation, the
other side of a relation, and the suggestions offered while typing."""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from register import services
from register.models import Organisation, Relation
from register.pickers import (
    OrganisationField,
    OrganisationMultipleField,
    organisation_reference,
)
from register.tests.base import RegisterTestCase
from register.tests.factories import make_organisation
from register.tests.test_organisation_edit import CREATE, form_data
from register.tests.test_relation_pages import relation_data

SUGGESTIONS = "/registre/organisations/suggestions/"


class OrganisationPickerTests(RegisterTestCase):
    def create(self, parent: Any) -> Any:
        self.login(self.coordinator)
        return self.client.post(CREATE, form_data(parent=parent))

    def created(self) -> Organisation | None:
        return Organisation.objects.filter(name__startswith="Maison").first()

    def test_it_accepts_the_reference_from_the_suggestions(self):
        crvi = self.organisation_b
        response = self.create(f"Centre régional de Verviers (CRVI) — n° {crvi.pk}")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Organisation.objects.get(name__startswith="Maison").parent, crvi
        )

    def test_it_accepts_a_bare_id(self):
        response = self.create(str(self.organisation_b.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Organisation.objects.get(name__startswith="Maison").parent,
            self.organisation_b,
        )

    def test_it_accepts_a_name_or_acronym_only_one_organisation_matches(self):
        response = self.create("crvi")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Organisation.objects.get(name__startswith="Maison").parent,
            self.organisation_b,
        )

    def test_it_lists_the_candidates_when_a_name_is_ambiguous(self):
        namur = make_organisation("Croix-Rouge Namur")
        liege = make_organisation("Croix-Rouge Liège")
        response = self.create("croix rouge")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_parent_error"')
        self.assertContains(
            response,
            "Plusieurs organisations correspondent à « croix rouge » : "
            f"Croix-Rouge Liège — n° {liege.pk}; Croix-Rouge Namur — n° {namur.pk}.",
        )
        self.assertIsNone(self.created())

    def test_it_lists_at_most_five_candidates(self):
        for number in range(7):
            make_organisation(f"Maison médicale {number}")
        response = self.create("Maison médicale")
        errors = response.context["form"].errors["parent"][0]
        self.assertEqual(errors.count("— n°"), 5)
        self.assertNotIn("Maison médicale 5", errors)

    def test_it_says_when_no_active_organisation_matches(self):
        response = self.create("Introuvable")
        self.assertContains(
            response, "Aucune organisation active ne correspond à « Introuvable »."
        )
        self.assertIsNone(self.created())

    def test_it_refuses_an_archived_organisation_as_parent(self):
        archived = make_organisation("Ancien service d'accueil")
        services.organisation_archive(organisation_id=archived.pk, by=self.coordinator)
        for value in (str(archived.pk), f"x — n° {archived.pk}", "ancien service"):
            with self.subTest(value=value):
                response = self.create(value)
                self.assertContains(response, 'id="id_parent_error"')
                self.assertContains(response, "Aucune organisation active ne")
                self.assertIsNone(self.created())

    def test_it_refuses_the_organisation_itself_as_parent(self):
        organisation = self.organisation_a
        self.login(self.coordinator)
        url = reverse("register:organisation_update", args=[organisation.pk])
        for value in (str(organisation.pk), f"CPAS de Liège — n° {organisation.pk}"):
            with self.subTest(value=value):
                response = self.client.post(url, form_data(organisation, parent=value))
                self.assertContains(
                    response, "Une organisation ne peut pas être sa propre parente."
                )
        # By name, the organisation itself is not a candidate.
        response = self.client.post(url, form_data(organisation, parent="CPAS Liège"))
        self.assertContains(response, "Aucune organisation active ne correspond")
        organisation.refresh_from_db()
        self.assertIsNone(organisation.parent)
        self.assertEqual(organisation.version, 1)

    def test_it_shows_the_current_parent_by_its_name(self):
        child = make_organisation("Antenne de Verviers", parent=self.organisation_b)
        self.login(self.coordinator)
        response = self.client.get(
            reverse("register:organisation_update", args=[child.pk])
        )
        crvi = self.organisation_b
        self.assertContains(
            response,
            'value="Centre régional de Verviers pour l&#x27;intégration (CRVI)"',
        )
        self.assertNotContains(response, "n° ")
        # Sent back unchanged, it keeps the parent.
        response = self.client.post(
            reverse("register:organisation_update", args=[child.pk]),
            form_data(child, phone="+32 87 00 00 00"),
        )
        self.assertEqual(response.status_code, 302)
        child.refresh_from_db()
        self.assertEqual(child.parent, crvi)
        self.assertEqual(child.phone, "+32 87 00 00 00")

    def test_the_other_side_of_a_relation_is_picked_the_same_way(self):
        self.login(self.focal_point_a)
        url = reverse("register:relation_create", args=[self.organisation_a.pk])
        response = self.client.get(url)
        self.assertContains(response, '<input type="text" name="other"')
        self.assertContains(response, 'list="id_other-suggestions"')
        response = self.client.post(
            url, relation_data(self.organisation_b) | {"other": "Inconnue"}
        )
        self.assertContains(
            response, "Aucune organisation active ne correspond à « Inconnue »."
        )
        response = self.client.post(
            url,
            relation_data(self.organisation_b) | {"other": str(self.organisation_a.pk)},
        )
        self.assertContains(
            response, "Une organisation ne peut pas être en relation avec elle-même."
        )
        self.assertFalse(Relation.objects.exists())
        response = self.client.post(
            url, relation_data(self.organisation_b) | {"other": "CRVI"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Relation.objects.get().target, self.organisation_b)


class OrganisationSuggestionsTests(RegisterTestCase):
    def test_it_suggests_at_most_ten_active_organisations(self):
        for number in range(12):
            make_organisation(f"Maison d'accueil {number:02}")
        archived = make_organisation("Maison d'accueil fermée")
        services.organisation_archive(organisation_id=archived.pk, by=self.coordinator)
        self.login(self.observer)
        response = self.client.get(SUGGESTIONS, {"q": "maison accueil"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(html.count("<option "), 10)
        first = Organisation.objects.get(name="Maison d'accueil 00")
        self.assertIn('<option value="Maison d&#x27;accueil 00"></option>', html)
        self.assertNotIn(f"n° {first.pk}", html)
        self.assertNotIn("fermée", html)

    def test_it_reads_the_value_under_the_pickers_own_name(self):
        self.login(self.focal_point_a)
        response = self.client.get(SUGGESTIONS, {"field": "parent", "parent": "crvi"})
        crvi = self.organisation_b
        self.assertContains(response, f'value="{escape(crvi)}"', count=1)
        # A reference picked from the list finds its organisation again, and
        # so does one with its number.
        for value in (str(crvi), f"{crvi} — n° {crvi.pk}"):
            response = self.client.get(SUGGESTIONS, {"field": "other", "other": value})
            self.assertContains(response, f'value="{escape(crvi)}"', count=1)

    def test_it_suggests_nothing_under_three_characters(self):
        self.login(self.coordinator)
        response = self.client.get(SUGGESTIONS, {"q": "cp"})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<option")

    def test_it_escapes_names(self):
        evil = make_organisation('Aide & "Solidarité" <script>')
        self.login(self.coordinator)
        response = self.client.get(SUGGESTIONS, {"q": "aide solidarite"})
        self.assertContains(
            response,
            '<option value="Aide &amp; &quot;Solidarité&quot; &lt;script&gt;">'
            "</option>",
        )
        self.assertTrue(evil.pk)
        self.assertNotContains(response, "<script>")

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        response = self.client.get(SUGGESTIONS, {"q": "crvi"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_answers_get_only(self):
        self.login(self.coordinator)
        self.assertEqual(self.client.post(SUGGESTIONS, {"q": "crvi"}).status_code, 405)

    def test_its_query_count_does_not_grow_with_the_matches(self):
        self.login(self.coordinator)
        # Session, user, the matches, and their homonyms when there are matches.
        for query, count in (("introuvable", 3), ("crvi", 4), ("cpas", 4)):
            with self.subTest(query=query), self.assertNumQueries(count):
                self.client.get(SUGGESTIONS, {"q": query})
        for number in range(12):
            make_organisation(f"CPAS de la commune {number}")
        with self.assertNumQueries(4):
            response = self.client.get(SUGGESTIONS, {"q": "cpas"})
        self.assertContains(response, "<option ", count=10)


class ExactNameTests(RegisterTestCase):
    """A name typed in full picks that organisation even when longer names start
    with it."""

    def test_an_exact_name_wins_over_longer_ones(self):
        short = make_organisation("Croix-Rouge")
        make_organisation("Croix-Rouge Namur")
        self.assertEqual(OrganisationField().clean("croix-rouge"), short)


class HomonymTests(RegisterTestCase):
    """Organisations are written by name; only those that read the same as
    another active organisation carry their number, so that what a picker shows
    finds that organisation and no other."""

    def test_homonyms_carry_their_number_and_are_found_by_it(self):
        first = make_organisation("Maison de quartier")
        second = make_organisation("Maison de quartier")
        alone = make_organisation("Maison de quartier", acronym="MQ")
        self.login(self.coordinator)
        response = self.client.get(SUGGESTIONS, {"q": "maison de quartier"})
        self.assertContains(
            response, f'<option value="Maison de quartier — n° {first.pk}">', html=False
        )
        self.assertContains(response, f'value="Maison de quartier — n° {second.pk}"')
        self.assertContains(response, 'value="Maison de quartier (MQ)"')
        field = OrganisationField()
        self.assertEqual(field.clean(f"Maison de quartier — n° {second.pk}"), second)
        self.assertEqual(field.clean("Maison de quartier (MQ)"), alone)
        self.assertEqual(field.clean("maison de quartier (mq)"), alone)
        with self.assertRaisesMessage(ValidationError, "Recopiez celle qui convient"):
            field.clean("Maison de quartier")

    def test_an_archived_homonym_does_not_count(self):
        kept = make_organisation("Espace solidaire")
        archived = make_organisation("Espace solidaire")
        services.organisation_archive(organisation_id=archived.pk, by=self.coordinator)
        archived.refresh_from_db()
        self.assertEqual(organisation_reference(kept), "Espace solidaire")
        # The archived one, shown as a current value, needs its number: the
        # name alone finds the active one.
        self.assertEqual(
            organisation_reference(archived), f"Espace solidaire — n° {archived.pk}"
        )
        self.assertEqual(OrganisationField().clean("Espace solidaire"), kept)


class PickerJunkTests(RegisterTestCase):
    """What is typed in a picker never reaches the database unchecked: control
    characters get the forms' message, a text longer than any name finds
    nothing, on SQLite and PostgreSQL alike."""

    def test_control_characters_and_huge_texts_get_a_message(self):
        field = OrganisationField()
        with self.assertRaisesMessage(ValidationError, "caractère de contrôle"):
            field.clean("CRVI\x00")
        with self.assertRaises(ValidationError):
            field.clean("x" * 10_000)
        multiple = OrganisationMultipleField()
        with self.assertRaises(ValidationError) as raised:
            multiple.clean(["CRVI\x00", "y" * 10_000, "CRVI"])
        self.assertEqual(len(raised.exception.error_list), 2)

    def test_a_parent_typed_with_junk_is_refused_on_the_page(self):
        self.login(self.coordinator)
        for value in ("CRVI\x00", "\x1b[31m", "z" * 10_000):
            with self.subTest(value=value[:10]):
                response = self.client.post(CREATE, form_data(parent=value))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="id_parent_error"')
