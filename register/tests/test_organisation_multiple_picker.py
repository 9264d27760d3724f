"""Picking several organisations by typing their names, one per input: the funders
of a service (a coordination body's convenors use the same field)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from lib.refcache import forget_all
from register import services
from register.forms import ServiceForm
from register.models import Organisation, Service
from register.pickers import OrganisationMultipleField, organisation_reference
from register.tests.base import RegisterTestCase
from register.tests.factories import make_organisation
from register.tests.test_service_pages import service_data

TITLE = "Cours de français pour adultes"


def reference(organisation: Organisation) -> str:
    """How a picker shows the organisation."""
    return organisation_reference(organisation)


class FunderPickerTests(RegisterTestCase):
    def create(self, *funders: str) -> Any:
        self.login(self.focal_point_a)
        url = reverse("register:service_create", args=[self.organisation_a.pk])
        return self.client.post(url, service_data(funders=list(funders)))

    def created(self) -> Service | None:
        return Service.objects.filter(title=TITLE).first()

    def set_funders(self, *funders: Organisation) -> None:
        services.service_update(
            service_id=self.service_a.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            funders=funders,
        )

    def test_it_accepts_a_reference_a_bare_id_and_a_unique_name(self):
        fund = make_organisation("Fonds social européen", acronym="FSE")
        mutual = make_organisation("Mutualité Solidaris")
        response = self.create(
            reference(self.organisation_b), str(fund.pk), "solidaris"
        )
        service = self.created()
        assert service is not None
        self.assertRedirects(
            response, service.get_absolute_url(), fetch_redirect_response=False
        )
        self.assertEqual(
            set(service.funders.all()), {self.organisation_b, fund, mutual}
        )

    def test_it_collapses_repeats_and_ignores_blank_inputs(self):
        crvi = self.organisation_b
        response = self.create("", reference(crvi), "  ", "CRVI", str(crvi.pk), "")
        self.assertEqual(response.status_code, 302)
        service = self.created()
        assert service is not None
        self.assertEqual(list(service.funders.all()), [crvi])

    def test_it_lists_the_candidates_when_a_name_is_ambiguous(self):
        namur = make_organisation("Croix-Rouge Namur")
        liege = make_organisation("Croix-Rouge Liège")
        response = self.create("CRVI", "croix rouge")
        self.assertContains(
            response,
            '<ul class="errorlist" id="id_funders_error"><li>Plusieurs organisations '
            "correspondent à « croix rouge » : "
            f"Croix-Rouge Liège — n° {liege.pk}; Croix-Rouge Namur — n° {namur.pk}. "
            "Recopiez celle qui convient, avec son numéro.</li></ul>",
            html=True,
        )
        # What was typed comes back, to be corrected.
        self.assertContains(response, 'value="croix rouge"')
        self.assertContains(response, 'value="CRVI"')
        self.assertIsNone(self.created())

    def test_it_names_each_entry_that_matches_nothing(self):
        archived = make_organisation("Fonds disparu")
        services.organisation_archive(organisation_id=archived.pk, by=self.coordinator)
        response = self.create("Introuvable", "CRVI", "999999", "fonds disparu")
        self.assertContains(
            response,
            '<ul class="errorlist" id="id_funders_error">'
            "<li>Aucune organisation active ne correspond à « Introuvable ».</li>"
            "<li>Aucune organisation active ne correspond à « 999999 ».</li>"
            "<li>Aucune organisation active ne correspond à « fonds disparu ».</li>"
            "</ul>",
            html=True,
        )
        self.assertIsNone(self.created())
        # An archived organisation is no new funder, however it is written.
        for value in (str(archived.pk), reference(archived)):
            with self.subTest(value=value):
                response = self.create(value)
                self.assertContains(response, 'id="id_funders_error"')
                self.assertIsNone(self.created())

    def test_an_archived_current_funder_stays_on_the_edit_page(self):
        gone = make_organisation("Fonds disparu")
        self.set_funders(gone, self.organisation_b)
        services.organisation_archive(organisation_id=gone.pk, by=self.coordinator)
        self.service_a.refresh_from_db()
        self.login(self.focal_point_a)
        response = self.client.get(
            reverse("register:service_update", args=[self.service_a.pk])
        )
        self.assertContains(response, 'value="Fonds disparu"')
        data = service_data(version=self.service_a.version)
        for value in (reference(gone), str(gone.pk)):
            with self.subTest(value=value):
                form = ServiceForm(
                    {**data, "funders": [value, "CRVI"]}, instance=self.service_a
                )
                self.assertTrue(form.is_valid(), form.errors)
                self.assertEqual(
                    form.cleaned_data["funders"], [gone, self.organisation_b]
                )
        # By name, only active organisations are found.
        form = ServiceForm({**data, "funders": ["fonds disp"]}, instance=self.service_a)
        self.assertEqual(
            form.errors["funders"],
            ["Aucune organisation active ne correspond à « fonds disp »."],
        )
        # Saved again, the service keeps its archived funder.
        response = self.client.post(
            reverse("register:service_update", args=[self.service_a.pk]),
            {**data, "funders": [reference(gone), "CRVI"]},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertEqual(set(self.service_a.funders.all()), {gone, self.organisation_b})

    def test_each_input_is_labelled_and_asks_for_suggestions(self):
        self.set_funders(self.organisation_b)
        self.login(self.focal_point_a)
        response = self.client.get(
            reverse("register:service_update", args=[self.service_a.pk])
        )
        html = response.content.decode()
        self.assertEqual(html.count('name="funders"'), 3)
        # The field's label points at the first input; each input has its name.
        self.assertIn('<label for="id_funders">Bailleurs de fonds\xa0:</label>', html)
        self.assertIn(
            'id="id_funders" aria-label="Bailleurs de fonds, organisation 1"', html
        )
        for number in (2, 3):
            self.assertInHTML(
                f'<label class="visually-hidden" for="id_funders_{number - 1}">'
                f"Bailleurs de fonds, organisation {number}</label>",
                html,
            )
        suggestions = reverse("register:organisation_suggestions") + "?field=funders"
        for input_id in ("id_funders", "id_funders_1", "id_funders_2"):
            with self.subTest(input_id=input_id):
                self.assertIn(f'id="{input_id}"', html)
                self.assertIn(f'list="{input_id}-suggestions"', html)
                self.assertIn(f'<datalist id="{input_id}-suggestions">', html)
                self.assertIn(f'hx-target="#{input_id}-suggestions"', html)
        self.assertEqual(html.count(f'hx-get="{suggestions}"'), 3)
        self.assertIn('aria-describedby="id_funders_helptext"', html)
        self.assertIn(f'value="{escape(reference(self.organisation_b))}"', html)

    def test_the_edit_page_offers_new_blanks_after_saving(self):
        fund = make_organisation("Fonds social européen", acronym="FSE")
        self.set_funders(self.organisation_b)
        self.login(self.focal_point_a)
        url = reverse("register:service_update", args=[self.service_a.pk])
        self.service_a.refresh_from_db()
        data = service_data(version=self.service_a.version)
        # Typed in the first blank input, without any script.
        response = self.client.post(
            url, {**data, "funders": [reference(self.organisation_b), "FSE", ""]}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(self.service_a.funders.all()), {self.organisation_b, fund})
        html = self.client.get(url).content.decode()
        self.assertEqual(html.count('name="funders"'), 4)
        self.assertIn(f'value="{reference(fund)}"', html)
        self.assertIn(
            '<label class="visually-hidden" for="id_funders_3">'
            "Bailleurs de fonds, organisation 4</label>",
            html,
        )

    def test_the_form_pages_query_counts_do_not_grow_with_the_register(self):
        create = reverse("register:service_create", args=[self.organisation_a.pk])
        update = reverse("register:service_update", args=[self.service_a.pk])
        self.set_funders(self.organisation_b)
        self.login(self.focal_point_a)

        def check(size: str) -> None:
            forget_all()  # each size starts without the reference data
            # The new service's form also reads its organisation's communes, and
            # the territory's units to tick those it covers entirely (reference
            # data, kept in memory once read).
            # The edit page also reads whether its funders have homonyms.
            for url, count in ((create, 13), (update, 15)):
                with self.subTest(url=url, size=size), self.assertNumQueries(count):
                    self.assertEqual(self.client.get(url).status_code, 200)

        check("small")
        extra = [make_organisation(f"Fonds numéro {number}") for number in range(30)]
        self.set_funders(self.organisation_b, *extra)
        check("large")
        self.assertContains(self.client.get(update), 'name="funders"', count=33)


class OrganisationMultipleFieldTests(RegisterTestCase):
    def test_it_tells_whether_the_organisations_changed(self):
        a, b = self.organisation_a, self.organisation_b
        field = OrganisationMultipleField()
        cases: list[tuple[list[Any], list[str], bool]] = [
            ([a], [reference(a), "", " "], False),
            ([a.pk, b.pk], ["CRVI", str(a.pk)], False),
            ([a, b], [reference(b), reference(a), "crvi"], False),
            ([], ["", ""], False),
            ([a], [reference(a), "CRVI"], True),
            ([a, b], [reference(a)], True),
            ([a], [], True),
            ([a], [reference(a), "Introuvable"], True),
        ]
        for initial, data, changed in cases:
            with self.subTest(initial=initial, data=data):
                self.assertEqual(field.has_changed(initial, data), changed)

    def test_it_needs_one_organisation_only_when_required(self):
        self.assertEqual(OrganisationMultipleField(required=False).clean(["", ""]), [])
        field = OrganisationMultipleField(required=True)
        with self.assertRaises(ValidationError) as raised:
            field.clean(["", " "])
        self.assertEqual(raised.exception.code, "required")
        self.assertEqual(field.clean(["", "crvi"]), [self.organisation_b])

    def test_it_reads_the_organisations_typed_in_one_query_per_kind(self):
        extra = [make_organisation(f"Fonds numéro {number}") for number in range(5)]
        field = OrganisationMultipleField()
        by_id = [f"{o} — n° {o.pk}" for o in extra] + [str(extra[0].pk)]
        with self.assertNumQueries(1):
            self.assertEqual(field.clean(by_id), extra)
        # As the picker shows them (by name): one query for them all.
        shown = [reference(o) for o in extra]
        with self.assertNumQueries(1):
            self.assertEqual(field.clean(shown), extra)
        # Both kinds: one query each.
        with self.assertNumQueries(2):
            self.assertEqual(field.clean([shown[0], str(extra[1].pk)]), extra[:2])
