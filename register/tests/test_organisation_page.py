"""The organisation page: its facts, services, relations both ways, contacts by
who may see them, the latest assessment, bodies, and the buttons each role gets."""

import datetime
import re
from typing import ClassVar

from django.urls import reverse

from coordination import services as coordination_services
from lib.collation import sort_key
from register import services
from register.models import Assessment, Organisation, Relation
from register.tests.base import RegisterTestCase, grow_register
from register.tests.factories import (
    make_contact,
    make_organisation,
    make_relation,
    make_service,
)
from taxonomy.models import InstitutionalLevel, RelationType
from territory.models import Commune


class OrganisationPageTests(RegisterTestCase):
    antenna: ClassVar[Organisation]
    funds: ClassVar[Relation]
    refers: ClassVar[Relation]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, b = cls.organisation_a, cls.organisation_b
        cls.antenna = make_organisation(
            "Antenne sociale de Bressoux", parent=a, postal_code="4020"
        )
        cls.funds = make_relation(
            a,
            b,
            type="funds",
            themes=["language-learning"],
            formal=True,
            since=datetime.date(2023, 3, 1),
            declared_by=a,
        )
        cls.refers = make_relation(b, a, type="refers-to", frequency="weekly")
        services.organisation_update(
            organisation_id=a.pk,
            by=cls.coordinator,
            expected_version=None,
            fields={
                "enterprise_number": "0212.344.678",
                "website": "https://example.org/cpas",
            },
        )
        Assessment.objects.create(
            organisation=a,
            influence=4,
            interest=5,
            attitude=Assessment.Attitude.CHAMPION,
            capacity=3,
            strategy=Assessment.Strategy.COLLABORATE,
            assessed_on=datetime.date(2026, 3, 2),
            author=cls.coordinator,
        )
        coordination_services.body_create(
            by=cls.coordinator,
            fields={
                "name": "Comité de pilotage provincial",
                "level": InstitutionalLevel.objects.get(code="provincial"),
                "formality": "formal",
                "decision_power": "decides",
                "frequency": "quarterly",
            },
            convenors=[b],
            members=[(a, "chair")],
        )

    def page(self, organisation: Organisation | None = None):
        organisation = organisation or self.organisation_a
        response = self.client.get(
            reverse("register:organisation_detail", args=[organisation.pk])
        )
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_shows_the_organisation_facts(self):
        self.login(self.observer)
        response = self.page()
        self.assertContains(
            response,
            '<h1>CPAS de Liège <span class="muted">(CPAS Liège)</span></h1>',
            html=True,
        )
        self.assertContains(response, "<dd>0212.344.678</dd>", html=True)
        self.assertContains(response, "<dd>Communes et CPAS</dd>", html=True)
        self.assertContains(response, "<dd>Secteur public</dd>", html=True)
        self.assertContains(response, "<dd>français, ukrainien</dd>", html=True)
        self.assertContains(
            response, '4000 <a href="/registre/communes/62063/">Liège</a>'
        )
        self.assertContains(response, 'href="https://example.org/cpas"')
        # Its antenna is listed as a child; the antenna names its parent.
        self.assertContains(
            response, f'href="/registre/organisations/{self.antenna.pk}/"'
        )
        self.assertContains(self.page(self.antenna), "CPAS de Liège (CPAS Liège)")

    def test_it_summarises_the_area_by_whole_units(self):
        self.login(self.observer)
        self.assertContains(
            self.page(),
            '1 commune :\n\n\n\n<a href="/registre/communes/62063/">Liège</a>',
        )
        everything = Commune.objects.filter(region_id="03000")
        services.organisation_update(
            organisation_id=self.organisation_b.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            area_communes=everything,
        )
        response = self.page(self.organisation_b)
        self.assertContains(response, "261 communes")
        self.assertContains(response, "Région wallonne (toute la région)")
        services.organisation_update(
            organisation_id=self.organisation_b.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            area_communes=[
                *Commune.objects.filter(province_id="90000"),
                *Commune.objects.filter(arrondissement_id="63000"),
                Commune.objects.get(nis="62063"),
            ],
        )
        response = self.page(self.organisation_b)
        html = response.content.decode()
        self.assertIn("province de Namur</a> (entière)", html)
        self.assertIn("arrondissement de Verviers</a> (entier)", html)
        self.assertIn('<a href="/registre/communes/62063/">Liège</a>', html)
        self.assertIn(f"{38 + 29 + 1} communes", html)

    def test_communes_outside_whole_units_are_named_even_if_new(self):
        self.login(self.observer)
        self.page(self.organisation_b)  # the communes are now kept in memory
        liege = Commune.objects.get(nis="62063")
        # A bulk load sends no signal: the kept communes do not know this one.
        Commune.objects.bulk_create(
            [
                Commune(
                    nis="62999",
                    name_fr="Aaa-Nouvelle",
                    region_id=liege.region_id,
                    province_id=liege.province_id,
                    arrondissement_id=liege.arrondissement_id,
                    language_area="fr",
                    search_names="aaa-nouvelle",
                )
            ]
        )
        services.organisation_update(
            organisation_id=self.organisation_b.pk,
            by=self.coordinator,
            expected_version=None,
            fields={},
            area_communes=Commune.objects.filter(nis__in=["62063", "62999", "63079"]),
        )
        html = self.page(self.organisation_b).content.decode()
        names = re.findall(r'<a href="/registre/communes/\d+/">([^<]+)</a>', html)
        self.assertIn("Aaa-Nouvelle", names)
        area = names[names.index("Aaa-Nouvelle") :][:3]
        self.assertEqual(area, ["Aaa-Nouvelle", "Liège", "Verviers"])

    def test_it_lists_the_services(self):
        self.login(self.observer)
        response = self.page()
        self.assertContains(response, "Les services de CPAS de Liège")
        self.assertContains(
            response,
            f'<a href="{self.service_a.get_absolute_url()}">'
            "Logement d&#x27;urgence</a>",
        )
        self.assertContains(
            response, "Hébergement et logement › Logement d&#x27;urgence et de transit"
        )
        # Both target groups of a service, in their vocabulary's order.
        other = self.page(self.organisation_b).content.decode()
        self.assertLess(
            other.index("Toutes les personnes"), other.index("Femmes en situation")
        )

    def test_it_shows_relations_both_ways_with_the_inverse_name(self):
        self.login(self.observer)
        html = self.page().content.decode()
        self.assertIn("<td>CPAS Liège finance</td>", html)
        refers = RelationType.objects.get(code="refers-to")
        self.assertNotEqual(refers.inverse_name, refers.name)
        self.assertIn(f"<td>CPAS Liège {refers.inverse_name}</td>", html)
        self.assertIn("<td>Apprentissage des langues</td>", html)
        self.assertIn("<td>01/03/2023</td>", html)
        self.assertIn("<td>hebdomadaire</td>", html)
        self.assertIn("<td>CPAS de Liège (CPAS Liège)</td>", html)  # declared by A
        self.assertIn("<td>la coordination</td>", html)
        html = self.page(self.organisation_b).content.decode()
        self.assertIn("<td>CRVI est financé par</td>", html)
        self.assertIn(f"<td>CRVI {refers.name}</td>", html)

    def test_a_relation_declared_by_a_third_organisation_names_it(self):
        # A coordinator may say, through the API or an import, that an
        # organisation on neither side declared a relation: its name is read
        # once for all such rows.
        red_cross = make_organisation("Croix-Rouge, maison d'accueil", acronym="CR")
        for other in (self.antenna, self.organisation_a):
            make_relation(
                self.organisation_b, other, type="coordinates", declared_by=red_cross
            )
        self.login(self.observer)
        self.page(self.organisation_b)  # the reference data, then cached
        with self.assertNumQueries(11):
            html = self.page(self.organisation_b).content.decode()
        self.assertEqual(
            html.count("<td>Croix-Rouge, maison d&#x27;accueil (CR)</td>"), 2
        )

    def test_contacts_follow_the_sharing_rules(self):
        expectations = {
            # persona: (names seen, names hidden, "not shared" count)
            "coordinator": ({"Anne Partagée", "Arthur Privé"}, set(), None),
            "admin": ({"Anne Partagée", "Arthur Privé"}, set(), None),
            "focal_point_a": ({"Anne Partagée", "Arthur Privé"}, set(), None),
            "focal_point_b": (
                {"Anne Partagée"},
                {"Arthur Privé"},
                "1 contact non partagé avec vous.",
            ),
            "observer": (
                set(),
                {"Anne Partagée", "Arthur Privé"},
                "2 contacts non partagés avec vous.",
            ),
        }
        for persona, (seen, hidden, note) in expectations.items():
            self.login(getattr(self, persona))
            response = self.page()
            with self.subTest(persona=persona):
                for name in seen:
                    self.assertContains(response, name)
                for name in hidden:
                    self.assertNotContains(response, name)
                self.assertNotContains(
                    response, "arthur.prive@example.org"
                ) if persona in {"focal_point_b", "observer"} else None
                if note:
                    self.assertContains(response, note)
                else:
                    self.assertNotContains(response, "non partagé")

    def test_the_latest_assessment_is_for_those_who_may_read_assessments(self):
        Assessment.objects.create(
            organisation=self.organisation_a,
            influence=2,
            interest=2,
            attitude=Assessment.Attitude.RESERVED,
            capacity=2,
            strategy=Assessment.Strategy.INFORM,
            assessed_on=datetime.date(2025, 1, 1),
            author=self.coordinator,
        )
        series = reverse("register:assessment_list", args=[self.organisation_a.pk])
        for persona in ("coordinator", "observer", "admin"):
            self.login(getattr(self, persona))
            response = self.page()
            with self.subTest(persona=persona):
                self.assertContains(response, "<dd>4 / 5</dd>", html=True)
                self.assertContains(response, "<dd>moteur</dd>", html=True)
                self.assertNotContains(response, "réservée")
                self.assertContains(response, f'href="{series}"')
        for persona in ("focal_point_a", "focal_point_b"):
            self.login(getattr(self, persona))
            response = self.page()
            with self.subTest(persona=persona):
                self.assertNotContains(response, "Évaluation des parties prenantes")
                self.assertNotContains(response, series)

    def test_it_lists_the_coordination_bodies(self):
        self.login(self.observer)
        self.assertContains(
            self.page(), "Comité de pilotage provincial</a> — présidence"
        )
        self.assertContains(
            self.page(self.organisation_b),
            "Comité de pilotage provincial</a> — le convoque",
        )

    def test_each_role_gets_only_the_buttons_it_may_use(self):
        a = self.organisation_a.pk
        buttons = {
            "edit": reverse("register:organisation_update", args=[a]),
            "service": reverse("register:service_create", args=[a]),
            "contact": reverse("register:contact_create", args=[a]),
            "relation": reverse("register:relation_create", args=[a]),
            "archive": reverse("register:organisation_archive", args=[a]),
            "history": reverse("register:organisation_history", args=[a]),
            "edit relation": reverse("register:relation_update", args=[self.funds.pk]),
        }
        expected = {
            "coordinator": set(buttons),
            "focal_point_a": set(buttons) - {"archive"},
            "focal_point_b": {"history"},
            "observer": {"history"},
        }
        for persona, shown in expected.items():
            self.login(getattr(self, persona))
            response = self.page()
            for button, url in buttons.items():
                with self.subTest(persona=persona, button=button):
                    if button in shown:
                        self.assertContains(response, f'href="{url}"')
                    else:
                        self.assertNotContains(response, f'href="{url}"')

    def test_an_archived_organisation_offers_restore_and_nothing_to_attach(self):
        services.organisation_archive(
            organisation_id=self.organisation_a.pk, by=self.coordinator
        )
        self.login(self.coordinator)
        response = self.page()
        a = self.organisation_a.pk
        self.assertContains(response, "Cette organisation est archivée")
        self.assertContains(
            response, reverse("register:organisation_restore", args=[a])
        )
        self.assertNotContains(
            response, reverse("register:organisation_archive", args=[a])
        )
        self.assertNotContains(response, reverse("register:service_create", args=[a]))

    def test_the_query_count_does_not_grow_with_the_register(self):
        # The meetings' engagement log adds two queries for those who see
        # meetings when the organisation was never invited and owns no action
        # (five once invited: meetings/tests/test_pages.py); observers do not
        # see it. The coordination bodies take one.
        counts = {
            "coordinator": 12,
            "focal_point_a": 13,
            "focal_point_b": 13,
            "observer": 10,
        }

        def check(size: str) -> None:
            # Reference data (relation types, arrondissements) is read once,
            # then cached: the counts are those of every later request.
            self.login(self.coordinator)
            self.page()
            for persona, count in counts.items():
                self.login(getattr(self, persona))
                with (
                    self.subTest(persona=persona, size=size),
                    self.assertNumQueries(count),
                ):
                    self.page()

        check("small")
        others = grow_register(30)
        for number, other in enumerate(others):
            make_relation(
                self.organisation_a,
                other,
                type="coordinates",
                themes=["health", "housing"],
            )
            make_relation(other, self.organisation_a, type="funds", declared_by=other)
            make_service(
                self.organisation_a,
                f"Permanence {number}",
                theme="health",
                communes=["62063", "62096"],
                target_groups=["children"],
            )
            make_contact(
                self.organisation_a, f"Personne {number}", shared=number % 2 == 0
            )
            make_organisation(f"Antenne {number}", parent=self.organisation_a)
        check("large")
        self.login(self.observer)
        self.assertContains(self.page(), "32 contacts non partagés avec vous.")

    def test_a_hub_s_relations_are_paged_and_sorted_across_pages(self):
        others = grow_register(25)
        for other in others:
            make_relation(self.organisation_a, other, type="coordinates")
        url = reverse("register:organisation_detail", args=[self.organisation_a.pk])
        self.login(self.coordinator)
        first = self.client.get(url)
        rows = first.context["relations"]
        self.assertEqual(rows.paginator.count, 27)
        self.assertEqual(len(rows.object_list), 20)
        self.assertContains(first, "1 à 20 sur 27")
        self.assertContains(first, '?relations=2#relations-heading"')
        second = self.client.get(url, {"relations": 2})
        self.assertContains(second, "21 à 27 sur 27")
        seen = [row.id for row in rows.object_list] + [
            row.id for row in second.context["relations"].object_list
        ]
        self.assertEqual(len(set(seen)), 27)
        labels = [
            (row.position, row.label, row.other)
            for page in (rows, second.context["relations"])
            for row in page.object_list
        ]
        self.assertEqual(
            labels, sorted(labels, key=lambda row: (*row[:2], sort_key(row[2])))
        )
        # Names as a reader sorts them: 9 before 10.
        named = [label[2] for label in labels]
        self.assertLess(
            named.index("Association extra 9"), named.index("Association extra 10")
        )

    def test_htmx_gets_only_the_relations_table(self):
        url = reverse("register:organisation_detail", args=[self.organisation_a.pk])
        self.login(self.coordinator)
        response = self.client.get(
            url,
            {"relations": 1},
            headers={"HX-Request": "true", "HX-Target": "relations"},
        )
        self.assertContains(response, "Les relations de")
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, 'id="contacts"')

    def test_an_unreadable_relations_page_shows_the_first(self):
        url = reverse("register:organisation_detail", args=[self.organisation_a.pk])
        self.login(self.coordinator)
        response = self.client.get(url, {"relations": "abc"})
        self.assertEqual(response.context["relations"].number, 1)

    def test_a_renamed_relation_type_shows_at_once(self):
        self.login(self.coordinator)
        self.page()
        funds = RelationType.objects.get(code="funds")
        funds.name_fr = "subventionne"
        funds.save()
        self.assertContains(self.page(), "subventionne")
