"""The coordination bodies' pages: list, detail, create and edit with members."""

from typing import Any, ClassVar

from django.urls import reverse

from coordination import services
from coordination.forms import BodyForm, member_formset
from coordination.models import BodyMember, CoordinationBody
from lib.refcache import forget_all
from register import services as register_services
from register.models import Organisation
from register.pickers import organisation_reference
from register.tests.base import RegisterTestCase
from register.tests.factories import make_organisation
from taxonomy.models import InstitutionalLevel, Theme
from territory.models import Commune

LIST = "/coordination/organes/"
CREATE = "/coordination/organes/nouveau/"


def body_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Plateforme locale d'intégration de Verviers",
        "acronym": "PLIV",
        "level": InstitutionalLevel.objects.get(code="supra-local").pk,
        "status": "active",
        "mandate": "Échanger sur l'accueil des personnes déplacées.",
        "formality": "semi_formal",
        "decision_power": "advises",
        "frequency": "monthly",
        "themes": [Theme.objects.get(code="housing").pk],
        "area_arrondissements": ["63000"],
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def reference(organisation: Organisation) -> str:
    """How a picker shows the organisation."""
    return organisation_reference(organisation)


class BodyPageTests(RegisterTestCase):
    body: ClassVar[CoordinationBody]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.body = services.body_create(
            by=cls.coordinator,
            fields={
                "name": "Comité de pilotage wallon",
                "level": InstitutionalLevel.objects.get(code="regional"),
                "formality": "formal",
                "decision_power": "decides",
                "frequency": "quarterly",
            },
            convenors=[cls.organisation_b],
            themes=Theme.objects.filter(code__in=["housing", "health"]),
            communes=Commune.objects.filter(region_id="03000"),
            members=[
                (cls.organisation_a, "chair"),
                (cls.organisation_b, "secretariat"),
            ],
        )

    def test_the_organisation_page_lists_the_bodies_it_convenes_and_sits_on(self):
        self.login(self.observer)
        url = self.body.get_absolute_url()
        page = self.client.get(f"/registre/organisations/{self.organisation_b.pk}/")
        self.assertContains(page, f'<a href="{url}">Comité de pilotage wallon</a>', 2)
        self.assertContains(page, "— le convoque")
        self.assertContains(page, "— secrétariat")
        page = self.client.get(f"/registre/organisations/{self.organisation_a.pk}/")
        self.assertContains(page, "— présidence")
        self.assertNotContains(page, "— le convoque")
        services.body_update(
            body_id=self.body.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            convenors=[],
            members=[],
        )
        page = self.client.get(f"/registre/organisations/{self.organisation_a.pk}/")
        self.assertContains(page, "Membre d'aucun organe de coordination recensé.")

    def test_everyone_signed_in_reads_the_list_and_the_detail(self):
        self.login(self.focal_point_b)
        response = self.client.get(LIST)
        self.assertContains(response, "<h1>Organes de coordination</h1>", html=True)
        self.assertContains(response, f'href="{self.body.get_absolute_url()}"')
        self.assertContains(response, "<td>2</td>", html=True)
        self.assertNotContains(response, CREATE)
        response = self.client.get(self.body.get_absolute_url())
        self.assertContains(response, "Région wallonne (toute la région)")
        self.assertContains(response, "Présidence")
        self.assertContains(response, "Secrétariat")
        self.assertContains(
            response, f'href="{self.organisation_b.get_absolute_url()}"'
        )
        self.assertNotContains(
            response, reverse("coordination:body_update", args=[self.body.pk])
        )

    def test_a_coordinator_creates_a_body_with_members(self):
        self.login(self.coordinator)
        response = self.client.get(CREATE)
        self.assertContains(
            response, "<caption>Les membres et leur rôle</caption>", html=True
        )
        self.assertContains(response, 'for="id_members-0-organisation"')
        response = self.client.post(
            CREATE,
            body_data(
                convenors=[self.organisation_b.pk],
                **{
                    "members-0-organisation": self.organisation_b.pk,
                    "members-0-role": "chair",
                    "members-1-organisation": self.organisation_a.pk,
                    "members-1-role": "observer",
                },
            ),
        )
        body = CoordinationBody.objects.get(acronym="PLIV")
        self.assertRedirects(
            response, body.get_absolute_url(), fetch_redirect_response=False
        )
        self.assertEqual(body.communes.count(), 29)
        self.assertEqual(
            sorted(body.members.values_list("organisation__name", "role")),
            [
                ("CPAS de Liège", "observer"),
                ("Centre régional de Verviers pour l'intégration", "chair"),
            ],
        )
        self.assertEqual(list(body.convenors.all()), [self.organisation_b])

    def test_texts_are_bounded_and_refuse_control_characters(self):
        self.login(self.coordinator)
        response = self.client.get(CREATE)
        self.assertContains(response, 'maxlength="5000"', count=2)
        response = self.client.post(
            CREATE,
            body_data(mandate="Échanger\x00", description="x" * 5001),
        )
        self.assertContains(
            response,
            "Ce texte contient un caractère de contrôle (U+0000) à la position 9 : "
            "retirez-le.",
        )
        self.assertContains(
            response,
            "Assurez-vous que cette valeur comporte au plus 5000 caractères "
            "(actuellement 5001).",
        )
        self.assertFalse(CoordinationBody.objects.filter(acronym="PLIV").exists())

    def test_members_and_convenors_typed_with_junk_get_messages(self):
        self.login(self.coordinator)
        response = self.client.post(
            CREATE,
            body_data(
                convenors=["CRVI\x00", "c" * 10_000],
                **{
                    "members-0-organisation": "CPAS\x00 de Liège",
                    "members-0-role": "chair",
                    "members-1-organisation": "m" * 10_000,
                    "members-1-role": "member",
                },
            ),
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        # The convenor's and the member's (each also in the errors' summary).
        self.assertGreaterEqual(html.count("caractère de contrôle (U+0000)"), 2)
        self.assertIn('id="id_convenors_error"', html)
        self.assertFalse(CoordinationBody.objects.filter(acronym="PLIV").exists())

    def test_member_rows_are_checked(self):
        self.login(self.coordinator)
        response = self.client.post(
            CREATE,
            body_data(
                **{
                    "members-0-organisation": self.organisation_b.pk,
                    "members-1-organisation": self.organisation_b.pk,
                    "members-1-role": "member",
                }
            ),
        )
        self.assertContains(response, "Choisissez le rôle de cette organisation.")
        response = self.client.post(
            CREATE,
            body_data(
                **{
                    "members-0-organisation": self.organisation_b.pk,
                    "members-0-role": "chair",
                    "members-1-organisation": self.organisation_b.pk,
                    "members-1-role": "member",
                }
            ),
        )
        self.assertContains(
            response, "Une organisation figure deux fois parmi les membres."
        )
        self.assertFalse(CoordinationBody.objects.filter(acronym="PLIV").exists())

    def test_an_archived_convenor_is_refused(self):
        gone = make_organisation("Ancienne plateforme")
        register_services.organisation_archive(
            organisation_id=gone.pk, by=self.coordinator
        )
        self.login(self.coordinator)
        response = self.client.post(CREATE, body_data(convenors=[gone.pk]))
        self.assertContains(response, 'id="id_convenors_error"')
        self.assertFalse(CoordinationBody.objects.filter(acronym="PLIV").exists())

    def test_only_coordinators_create_or_edit(self):
        update = reverse("coordination:body_update", args=[self.body.pk])
        for user in (self.focal_point_a, self.observer):
            self.login(user)
            self.assertEqual(self.client.post(CREATE, body_data()).status_code, 403)
            self.assertEqual(
                self.client.post(update, body_data(version=1)).status_code, 403
            )
        self.assertEqual(CoordinationBody.objects.count(), 1)
        self.body.refresh_from_db()
        self.assertEqual(self.body.version, 1)

    def edit_data(self, **changes: Any) -> dict[str, Any]:
        data = body_data(
            name="Comité de pilotage wallon",
            acronym="",
            level=self.body.level_id,
            status="existing",
            formality="formal",
            decision_power="decides",
            frequency="quarterly",
            convenors=[self.organisation_b.pk],
            area_arrondissements=[],
            area_regions=["03000"],
            version=1,
        )
        data.update(
            {
                "members-TOTAL_FORMS": "5",
                "members-INITIAL_FORMS": "2",
                "members-0-organisation": self.organisation_a.pk,
                "members-0-role": "chair",
                "members-1-organisation": self.organisation_b.pk,
                "members-1-role": "secretariat",
            }
        )
        data.update(changes)
        return data

    def test_a_body_over_a_whole_province_starts_with_that_province_ticked(self):
        self.body.communes.set(Commune.objects.filter(province="60000"))
        self.login(self.coordinator)
        url = reverse("coordination:body_update", args=[self.body.pk])
        form = self.client.get(url).context["form"]
        self.assertEqual(form.initial["area_provinces"], ["60000"])
        self.assertEqual(form.initial["communes"], [])
        self.assertEqual(form.initial["area_arrondissements"], [])

    def test_an_edit_and_a_stale_one(self):
        self.login(self.coordinator)
        url = reverse("coordination:body_update", args=[self.body.pk])
        response = self.client.get(url)
        self.assertContains(response, 'name="version" value="1"')
        self.assertContains(response, 'name="members-TOTAL_FORMS" value="5"')
        response = self.client.post(url, self.edit_data(frequency="monthly"))
        self.assertEqual(response.status_code, 302)
        self.body.refresh_from_db()
        self.assertEqual((self.body.frequency, self.body.version), ("monthly", 2))
        response = self.client.post(
            url, self.edit_data(frequency="weekly", **{"members-1-role": "member"})
        )
        self.assertEqual(response.status_code, 409)
        html = response.content.decode()
        self.assertInHTML(
            '<tr><th scope="row">Fréquence des réunions</th><td>hebdomadaire</td>'
            "<td>mensuelle</td></tr>",
            html,
        )
        self.assertIn("Membres</th>", html)
        self.assertIn('name="version" value="2"', html)
        self.body.refresh_from_db()
        self.assertEqual(self.body.frequency, "monthly")
        self.assertEqual(
            BodyMember.objects.get(
                body=self.body, organisation=self.organisation_b
            ).role,
            "secretariat",
        )

    def test_the_query_counts_do_not_grow(self):
        self.login(self.observer)
        # The territory's reference data is read once, then cached. The body
        # page's 10 queries include the analysis's section: the competent
        # levels missing, the latest assessment.
        with self.assertNumQueries(6):
            self.client.get(LIST)
        self.client.get(self.body.get_absolute_url())
        with self.assertNumQueries(10):
            self.client.get(self.body.get_absolute_url())
        level = InstitutionalLevel.objects.get(code="municipal")
        for number in range(30):
            organisation = make_organisation(f"Membre {number}")
            services.body_create(
                by=self.coordinator,
                fields={
                    "name": f"Groupe de travail {number}",
                    "level": level,
                    "formality": "informal",
                    "decision_power": "exchanges",
                    "frequency": "ad_hoc",
                },
                convenors=[organisation, self.organisation_a],
                themes=Theme.objects.filter(code__in=["health", "mobility"]),
                members=[(organisation, "member"), (self.organisation_b, "observer")],
            )
            BodyMember.objects.create(
                body=self.body, organisation=organisation, role="member"
            )
        with self.assertNumQueries(6):
            response = self.client.get(LIST)
        self.assertContains(response, "31 organes")
        with self.assertNumQueries(10):
            response = self.client.get(self.body.get_absolute_url())
        self.assertContains(response, "Membre 29")

    # Convenors and members are typed, like any organisation picked among
    # thousands: a reference, a bare id, or a name only one organisation matches.

    def test_convenors_and_members_are_typed(self):
        a, b = self.organisation_a, self.organisation_b
        self.login(self.coordinator)
        response = self.client.get(CREATE)
        self.assertContains(response, 'name="convenors"', count=2)
        self.assertContains(
            response,
            '<label class="visually-hidden" for="id_convenors_1">'
            "Organisations qui le convoquent, organisation 2</label>",
        )
        self.assertContains(response, 'list="id_members-2-organisation-suggestions"')
        response = self.client.post(
            CREATE,
            body_data(
                convenors=["", "crvi", reference(a), str(b.pk), ""],
                **{
                    "members-0-organisation": "CRVI",
                    "members-0-role": "chair",
                    "members-1-organisation": reference(a),
                    "members-1-role": "member",
                    "members-2-organisation": "  ",
                },
            ),
        )
        body = CoordinationBody.objects.get(acronym="PLIV")
        self.assertRedirects(
            response, body.get_absolute_url(), fetch_redirect_response=False
        )
        self.assertEqual(set(body.convenors.all()), {a, b})
        self.assertEqual(
            sorted(body.members.values_list("organisation_id", "role")),
            sorted([(b.pk, "chair"), (a.pk, "member")]),
        )

    def test_what_matches_no_or_several_organisations_is_refused(self):
        namur = make_organisation("Croix-Rouge Namur")
        liege = make_organisation("Croix-Rouge Liège")
        self.login(self.coordinator)
        response = self.client.post(
            CREATE,
            body_data(
                convenors=["croix rouge", "CRVI", "Introuvable"],
                **{
                    "members-0-organisation": "Introuvable",
                    "members-0-role": "chair",
                    "members-1-organisation": "croix rouge",
                    "members-1-role": "member",
                    "members-2-role": "member",
                },
            ),
        )
        ambiguous = (
            "Plusieurs organisations correspondent à « croix rouge » : "
            f"Croix-Rouge Liège — n° {liege.pk}; Croix-Rouge Namur — n° {namur.pk}. "
            "Recopiez celle qui convient, avec son numéro."
        )
        unknown = "Aucune organisation active ne correspond à « Introuvable »."
        self.assertContains(
            response,
            f'<ul class="errorlist" id="id_convenors_error"><li>{ambiguous}</li>'
            f"<li>{unknown}</li></ul>",
            html=True,
        )
        self.assertContains(
            response,
            '<ul class="errorlist" id="id_members-0-organisation_error">'
            f"<li>{unknown}</li></ul>",
            html=True,
        )
        self.assertContains(
            response,
            '<ul class="errorlist" id="id_members-1-organisation_error">'
            f"<li>{ambiguous}</li></ul>",
            html=True,
        )
        self.assertContains(
            response,
            '<ul class="errorlist" id="id_members-2-organisation_error">'
            "<li>Choisissez l&#x27;organisation.</li></ul>",
            html=True,
        )
        self.assertFalse(CoordinationBody.objects.filter(acronym="PLIV").exists())

    def test_one_organisation_written_two_ways_is_still_a_duplicate_member(self):
        b = self.organisation_b
        self.login(self.coordinator)
        response = self.client.post(
            CREATE,
            body_data(
                **{
                    "members-0-organisation": "CRVI",
                    "members-0-role": "chair",
                    "members-1-organisation": reference(b),
                    "members-1-role": "member",
                }
            ),
        )
        self.assertContains(
            response, "Une organisation figure deux fois parmi les membres."
        )
        self.assertFalse(CoordinationBody.objects.filter(acronym="PLIV").exists())

    def test_an_archived_current_convenor_or_member_stays_on_the_edit_page(self):
        gone = make_organisation("Ancienne plateforme")
        services.body_update(
            body_id=self.body.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            convenors=[self.organisation_b, gone],
            members=[(self.organisation_a, "chair"), (gone, "observer")],
        )
        register_services.organisation_archive(
            organisation_id=gone.pk, by=self.coordinator
        )
        self.body.refresh_from_db()
        self.login(self.coordinator)
        response = self.client.get(
            reverse("coordination:body_update", args=[self.body.pk])
        )
        self.assertContains(response, f'value="{reference(gone)}"', count=2)
        data = self.edit_data(
            convenors=[reference(self.organisation_b), str(gone.pk)],
            version=self.body.version,
            **{"members-1-organisation": reference(gone), "members-1-role": "observer"},
        )
        form = BodyForm(data, instance=self.body)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["convenors"], [self.organisation_b, gone])
        members = member_formset(data, body=self.body)
        self.assertTrue(members.is_valid(), members.errors)
        self.assertEqual(
            members.members(), [(self.organisation_a, "chair"), (gone, "observer")]
        )
        # By name, only active organisations are found.
        # Saved again, the body keeps its archived convenor and member.
        response = self.client.post(
            reverse("coordination:body_update", args=[self.body.pk]), data
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertIn(gone, self.body.convenors.all())
        self.assertTrue(self.body.members.filter(organisation=gone).exists())
        data["convenors"] = ["ancienne plate"]
        form = BodyForm(data, instance=self.body)
        self.assertEqual(
            form.errors["convenors"],
            ["Aucune organisation active ne correspond à « ancienne plate »."],
        )

    def test_the_form_pages_query_counts_do_not_grow(self):
        update = reverse("coordination:body_update", args=[self.body.pk])
        self.login(self.coordinator)

        def check(size: str) -> None:
            forget_all()  # each size starts without the reference data
            # The update reads the territory's units to tick those the body covers
            # entirely (reference data, kept in memory once read).
            # It also reads whether its convenors and members have homonyms.
            for url, count in ((CREATE, 8), (update, 17)):
                with self.subTest(url=url, size=size), self.assertNumQueries(count):
                    self.assertEqual(self.client.get(url).status_code, 200)

        check("small")
        extra = [make_organisation(f"Membre {number}") for number in range(30)]
        self.body.convenors.add(*extra)
        BodyMember.objects.bulk_create(
            BodyMember(body=self.body, organisation=organisation, role="member")
            for organisation in extra
        )
        check("large")
        response = self.client.get(update)
        self.assertContains(response, 'name="convenors"', count=33)
        self.assertContains(response, f'value="{reference(extra[29])}"', count=2)
