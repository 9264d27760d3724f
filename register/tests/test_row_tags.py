"""The rows that the register list and an organisation's page write in Python
escape what people typed and read the same as the rest of the page."""

import datetime

from django.urls import reverse

from register import services
from register.tests.base import RegisterTestCase
from register.tests.factories import make_organisation, make_relation, make_service

MARKUP = 'Équipe <b>&</b> "d\'accueil"'
ESCAPED = "Équipe &lt;b&gt;&amp;&lt;/b&gt; &quot;d&#x27;accueil&quot;"


class RowTagTests(RegisterTestCase):
    def setUp(self) -> None:
        self.login(self.coordinator)
        self.odd = make_organisation(
            MARKUP, acronym="<i>", postal_code="4000", by=self.coordinator
        )

    def test_the_register_list_escapes_names_and_acronyms(self):
        response = self.client.get(
            reverse("register:organisation_list"), {"q": "equipe"}
        )
        html = response.content.decode()
        page_url = reverse("register:organisation_detail", args=[self.odd.pk])
        self.assertIn(
            f'<th scope="row"><a href="{page_url}">{ESCAPED}</a> '
            '<span class="muted">(&lt;i&gt;)</span></th>',
            html,
        )
        self.assertIn(
            '<td><a href="/registre/communes/62063/">Liège</a></td><td>0</td>'
            '<td><span class="badge badge-active">active</span></td>',
            html,
        )
        self.assertNotIn("<b>&</b>", html)

    def test_an_archived_organisation_shows_its_badge_in_each_language(self):
        services.organisation_archive(by=self.coordinator, organisation_id=self.odd.pk)
        expected = {"fr": "archivée", "nl": "gearchiveerd", "en": "archived"}
        for language, badge in expected.items():
            with self.subTest(language=language):
                response = self.client.get(
                    reverse("register:organisation_list"),
                    {"q": "equipe", "status": "archived"},
                    headers={"accept-language": language},
                )
                self.assertContains(
                    response, f'<span class="badge badge-archived">{badge}</span>'
                )

    def test_relation_rows_escape_and_show_what_the_template_showed(self):
        make_relation(
            self.organisation_a,
            self.odd,
            type="funds",
            themes=["housing"],
            frequency="monthly",
            formal=True,
            since=datetime.date(2024, 3, 1),
        )
        response = self.client.get(
            reverse("register:organisation_detail", args=[self.organisation_a.pk])
        )
        html = response.content.decode()
        self.assertIn(f">{ESCAPED} (&lt;i&gt;)</a></th>", html)
        self.assertIn("<td>oui</td><td>01/03/2024</td><td>la coordination</td>", html)
        self.assertIn('<span class="visually-hidden"> finance ', html)
        self.assertNotIn("<b>&</b>", html)

    def test_commune_offers_escape_and_show_status_and_sub_theme(self):
        make_service(
            self.odd,
            "Atelier <script>",
            theme="housing",
            subtheme="emergency-housing",
            communes=["62063"],
            status="planned",
        )
        response = self.client.get(reverse("register:commune_detail", args=["62063"]))
        html = response.content.decode()
        self.assertIn(f">{ESCAPED} (&lt;i&gt;)</a> : <a href=", html)
        self.assertIn(
            '>Atelier &lt;script&gt;</a> <span class="muted">'
            "(Logement d&#x27;urgence et de transit)</span> "
            '<span class="badge">prévu</span></li>',
            html,
        )
        self.assertNotIn("<script>", html.split("<main", 1)[1])

    def test_commune_offers_are_counted_in_the_reader_s_language(self):
        for number in range(4):
            make_service(
                self.odd, f"Service {number}", theme="housing", communes=["62063"]
            )
        response = self.client.get(
            reverse("register:commune_detail", args=["62063"]),
            headers={"accept-language": "nl"},
        )
        self.assertContains(response, "5 diensten lopend of gepland · 2 organisaties")
        self.assertContains(response, "De 2 andere diensten (")

    def test_service_rows_escape_and_show_theme_groups_and_period(self):
        service = make_service(
            self.odd,
            "Atelier <script>",
            theme="housing",
            subtheme="emergency-housing",
            communes=["62063", "63079"],
            target_groups=["children", "older-people"],
            start_date=datetime.date(2026, 1, 5),
            published=True,
        )
        response = self.client.get(
            reverse("register:organisation_detail", args=[self.odd.pk])
        )
        html = response.content.decode()
        self.assertIn(
            f'<th scope="row"><a href="{service.get_absolute_url()}">'
            'Atelier &lt;script&gt;</a> <span class="badge">publié</span></th>'
            "<td>Hébergement et logement › Logement d&#x27;urgence et de transit</td>",
            html,
        )
        self.assertIn("<td>2</td><td>05/01/2026 – </td><td>en cours</td></tr>", html)
