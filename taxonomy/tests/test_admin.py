from django.apps import apps
from django.core import checks
from django.urls import reverse

from accounts.testing import BaseTestCase
from taxonomy.models import ActorType, Theme
from taxonomy.services import vocabularies_load

MODELS = [
    "institutionallevel",
    "sector",
    "actortype",
    "theme",
    "targetgroup",
    "relationtype",
    "competence",
]


class VocabularyAdminTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        vocabularies_load()

    def test_the_admin_configuration_passes_djangos_checks(self):
        taxonomy = apps.get_app_config("taxonomy")
        self.assertEqual(checks.run_checks(app_configs=[taxonomy], tags=["admin"]), [])

    def test_administrators_reach_every_vocabulary(self):
        self.login(self.admin)
        for model in MODELS:
            with self.subTest(model=model):
                changelist = reverse(f"admin:taxonomy_{model}_changelist")
                self.assertEqual(self.client.get(changelist).status_code, 200)
                add = reverse(f"admin:taxonomy_{model}_add")
                self.assertEqual(self.client.get(add).status_code, 200)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        changelist = reverse("admin:taxonomy_theme_changelist")
        self.assertRedirects(
            self.client.get(changelist),
            f"{reverse('accounts:login')}?next={changelist}",
            fetch_redirect_response=False,
        )

    def test_other_roles_are_sent_to_the_admin_login(self):
        # Django's admin answers a signed-in user who is not staff with a redirect to
        # its own login page, which says they lack the rights.
        changelist = reverse("admin:taxonomy_theme_changelist")
        for name, user in self.personas().items():
            if user is None or user == self.admin:
                continue
            self.login(user)
            with self.subTest(persona=name):
                self.assertRedirects(
                    self.client.get(changelist),
                    f"{reverse('admin:login')}?next={changelist}",
                    fetch_redirect_response=False,
                )

    def test_a_theme_page_lists_its_subthemes_and_competences(self):
        self.login(self.admin)
        housing = Theme.objects.get(code="housing")
        response = self.client.get(
            reverse("admin:taxonomy_theme_change", args=[housing.pk])
        )
        self.assertContains(response, "social-housing")
        self.assertContains(response, "Code wallon de l&#x27;habitation durable")

    def test_the_theme_list_filters_main_themes_and_subthemes(self):
        self.login(self.admin)
        changelist = reverse("admin:taxonomy_theme_changelist")
        main = self.client.get(changelist, {"niveau": "themes"})
        self.assertEqual(
            main.context["cl"].result_count,
            Theme.objects.filter(parent__isnull=True).count(),
        )
        sub = self.client.get(changelist, {"niveau": "sous-themes", "q": "cours"})
        self.assertContains(sub, "french-courses")
        self.assertNotContains(sub, "language-learning</a>")

    def test_an_administrator_reorders_and_retires_terms_from_the_list(self):
        self.login(self.admin)
        changelist = reverse("admin:taxonomy_sector_changelist")
        response = self.client.get(changelist)
        formset = response.context["cl"].formset
        data = {
            "form-TOTAL_FORMS": str(formset.total_form_count()),
            "form-INITIAL_FORMS": str(formset.initial_form_count()),
            "_save": "Enregistrer",
        }
        for index, form in enumerate(formset.forms):
            sector = form.instance
            data[f"form-{index}-id"] = str(sector.pk)
            data[f"form-{index}-position"] = str(sector.position)
            if sector.code != "private":
                data[f"form-{index}-is_active"] = "on"
            else:
                data[f"form-{index}-position"] = "1"
        self.assertEqual(self.client.post(changelist, data).status_code, 302)
        private = response.context["cl"].result_list.get(code="private")
        private.refresh_from_db()
        self.assertFalse(private.is_active)
        self.assertEqual(private.position, 1)

    def test_a_code_is_set_once(self):
        self.login(self.admin)
        add = self.client.get(reverse("admin:taxonomy_actortype_add"))
        self.assertIn("code", add.context["adminform"].form.fields)
        cpas = reverse(
            "admin:taxonomy_actortype_change",
            args=[ActorType.objects.get(code="cpas").pk],
        )
        self.assertNotIn("code", self.client.get(cpas).context["adminform"].form.fields)

    def test_a_subtheme_cannot_become_the_parent_of_another(self):
        self.login(self.admin)
        change = reverse(
            "admin:taxonomy_theme_change",
            args=[Theme.objects.get(code="french-courses").pk],
        )
        form = self.client.get(change).context["adminform"].form
        parents = form.fields["parent"].queryset
        self.assertTrue(parents.filter(code="language-learning").exists())
        self.assertFalse(parents.filter(code="dutch-courses").exists())
