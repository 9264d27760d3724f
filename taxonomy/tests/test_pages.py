from django.urls import reverse

from accounts.testing import BaseTestCase
from taxonomy.models import ActorType, Competence, Theme
from taxonomy.selectors import VOCABULARIES
from taxonomy.services import vocabularies_load
from taxonomy.tests.factories import CompetenceFactory, vocabularies_grow

INDEX = reverse("taxonomy:index")
COMPETENCES = reverse("taxonomy:competences")
VOCABULARY_URLS = [
    reverse("taxonomy:vocabulary", args=[vocabulary.slug])
    for vocabulary in VOCABULARIES
]
EVERY_URL = [INDEX, COMPETENCES, *VOCABULARY_URLS]


class VocabularyPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        vocabularies_load()

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        for url in EVERY_URL:
            with self.subTest(url=url):
                self.assertRedirects(
                    self.client.get(url),
                    f"{reverse('accounts:login')}?next={url}",
                    fetch_redirect_response=False,
                )

    def test_it_shows_every_page_to_every_signed_in_role(self):
        for name, user in self.personas().items():
            if user is None:
                continue
            self.login(user)
            for url in EVERY_URL:
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_links_to_the_admin_for_administrators_only(self):
        pages = [
            (INDEX, reverse("admin:app_list", args=["taxonomy"])),
            (COMPETENCES, reverse("admin:taxonomy_competence_changelist")),
            (VOCABULARY_URLS[0], reverse("admin:taxonomy_theme_changelist")),
        ]
        for name, user in self.personas().items():
            if user is None:
                continue
            self.login(user)
            for url, admin_url in pages:
                with self.subTest(persona=name, url=url):
                    response = self.client.get(url)
                    if user == self.admin:
                        self.assertContains(response, f'href="{admin_url}"')
                        self.assertContains(response, "Modifier dans l'administration")
                    else:
                        self.assertNotContains(
                            response, "Modifier dans l'administration"
                        )

    def test_it_answers_404_for_an_unknown_vocabulary(self):
        self.login(self.observer)
        response = self.client.get(reverse("taxonomy:vocabulary", args=["planetes"]))
        self.assertEqual(response.status_code, 404)

    def test_the_index_counts_the_terms_of_each_vocabulary(self):
        ActorType.objects.filter(code="company").update(is_active=False)
        self.login(self.observer)
        response = self.client.get(INDEX)
        active = ActorType.objects.filter(is_active=True).count()
        self.assertContains(response, f"{active} termes en usage")
        self.assertContains(response, "1 retiré")
        subthemes = Theme.objects.filter(parent__isnull=False).count()
        self.assertContains(response, f"{subthemes} sous-thèmes")
        self.assertContains(response, f"{Competence.objects.count()} compétences")

    def test_it_names_terms_in_the_active_language_and_lists_every_language(self):
        self.login(self.observer)
        url = reverse("taxonomy:vocabulary", args=["themes"])
        dutch = self.client.get(url, headers={"accept-language": "nl"})
        self.assertContains(dutch, "<strong>Opvang en huisvesting</strong>", html=True)
        french = self.client.get(url)
        self.assertContains(
            french, "<strong>Hébergement et logement</strong>", html=True
        )
        # The table of names holds all six languages, each cell marked with its own.
        self.assertContains(french, '<td lang="uk">Житло та розміщення</td>', html=True)
        self.assertContains(french, '<td lang="ru">Жильё и размещение</td>', html=True)
        self.assertContains(french, '<th scope="col">Ukrainien</th>', html=True)
        # Sub-themes are listed under their theme.
        self.assertContains(french, "daspa-reception-classes")

    def test_only_public_vocabularies_show_ukrainian_and_russian(self):
        self.login(self.observer)
        response = self.client.get(
            reverse("taxonomy:vocabulary", args=["types-acteurs"])
        )
        self.assertContains(response, "ÖSHZ (Öffentliches Sozialhilfezentrum)")
        self.assertNotContains(response, 'lang="uk"')

    def test_relation_types_show_how_they_read_the_other_way(self):
        self.login(self.observer)
        response = self.client.get(
            reverse("taxonomy:vocabulary", args=["types-relations"])
        )
        self.assertContains(response, "est financé par")
        self.assertContains(
            response, '<td lang="de">wird finanziert von</td>', html=True
        )

    def test_it_marks_retired_terms(self):
        Theme.objects.filter(code="mobility").update(is_active=False)
        self.login(self.observer)
        response = self.client.get(reverse("taxonomy:vocabulary", args=["themes"]))
        self.assertContains(response, '<span class="badge">retiré</span>', html=True)

    def test_the_competence_matrix_is_an_accessible_table_of_themes_by_levels(self):
        self.login(self.observer)
        response = self.client.get(COMPETENCES)
        self.assertContains(response, "<caption id=", count=2)
        self.assertContains(response, 'tabindex="0"', count=2)
        self.assertContains(response, '<th scope="col">Régions</th>', html=True)
        self.assertContains(
            response, '<th scope="row">Hébergement et logement</th>', html=True
        )
        housing = Competence.objects.get(theme__code="housing", level__code="regional")
        self.assertContains(
            response,
            f'<a class="badge" href="#competence-{housing.pk}">Exclusive</a>',
            html=True,
        )
        self.assertContains(response, f'id="competence-{housing.pk}"')
        self.assertContains(response, "Code wallon de l&#x27;habitation durable")
        # A level that holds no competence gets no column.
        self.assertNotContains(response, '<th scope="col">Privé</th>', html=True)

    def test_the_matrix_leaves_out_retired_themes(self):
        Theme.objects.filter(code="mobility").update(is_active=False)
        self.login(self.observer)
        response = self.client.get(COMPETENCES)
        self.assertNotContains(response, "Mobilité")
        self.assertContains(response, "Santé et assurance maladie")

    def test_each_page_runs_a_constant_number_of_queries(self):
        self.login(self.observer)
        # Session and user, then: one count per vocabulary and the competences;
        # one query per vocabulary (two for themes); three for the matrix.
        expected = {
            INDEX: 2 + len(VOCABULARIES) + 1,
            COMPETENCES: 2 + 3,
            reverse("taxonomy:vocabulary", args=["themes"]): 2 + 2,
            reverse("taxonomy:vocabulary", args=["publics-cibles"]): 2 + 1,
            reverse("taxonomy:vocabulary", args=["types-relations"]): 2 + 1,
        }
        for url, queries in expected.items():
            with self.subTest(url=url), self.assertNumQueries(queries):
                self.client.get(url)
        vocabularies_grow()
        CompetenceFactory.create(level__code="private", theme__code="housing")
        for url, queries in expected.items():
            with self.subTest(url=url, grown=True), self.assertNumQueries(queries):
                self.client.get(url)
