from django.test import TestCase


class LanguageSwitchTests(TestCase):
    def test_it_speaks_french_by_default(self):
        response = self.client.get("/")
        self.assertContains(response, '<html lang="fr">')
        self.assertContains(response, "Aller au contenu")

    def test_it_switches_language_and_remembers_it(self):
        for language, skip_link in (
            ("nl", "Naar de inhoud"),
            ("de", "Zum Inhalt"),
            ("en", "Skip to content"),
        ):
            with self.subTest(language=language):
                response = self.client.post(
                    "/i18n/setlang/", {"language": language, "next": "/a-propos/"}
                )
                self.assertRedirects(
                    response, "/a-propos/", fetch_redirect_response=False
                )
                page = self.client.get("/")
                self.assertContains(page, f'<html lang="{language}">')
                self.assertContains(page, skip_link)

    def test_it_ignores_an_unsupported_language(self):
        self.client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
        self.assertContains(self.client.get("/"), '<html lang="fr">')
