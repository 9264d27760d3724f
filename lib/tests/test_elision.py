"""The French "de" before a name, as French writes it, and nowhere else."""

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation
from django.utils.safestring import SafeData

from lib.i18n import elide, of_name


class ElisionTests(SimpleTestCase):
    def test_de_before_a_name(self):
        cases = {
            "Eupen": "d'Eupen",
            "Ath": "d'Ath",
            "Écaussinnes": "d'Écaussinnes",
            "Yvoir": "d'Yvoir",
            "Oxfam-Solidarité": "d'Oxfam-Solidarité",
            "Le Rœulx": "du Rœulx",
            "Les Bons Villers": "des Bons Villers",
            "La Louvière": "de La Louvière",
            "Liège": "de Liège",
            "Huy": "de Huy",
        }
        for name, written in cases.items():
            with self.subTest(name=name):
                self.assertEqual(of_name(name), written)

    def test_only_the_de_before_the_name_and_only_in_french(self):
        sentence = "Historique de Association de aide"
        with translation.override("fr"):
            self.assertEqual(
                elide(sentence, "Association de aide"),
                "Historique d'Association de aide",
            )
            self.assertEqual(
                elide("Historique de Liège", "Liège"), "Historique de Liège"
            )
        with translation.override("nl"):
            self.assertEqual(
                elide("Geschiedenis van Eupen", "Eupen"), "Geschiedenis van Eupen"
            )

    def test_the_template_filter_keeps_the_names_escaping(self):
        template = Template(
            "{% load i18n wording %}{% blocktranslate asvar sentence with name=name %}"
            "Les services de {{ name }}{% endblocktranslate %}{{ sentence|elide:name }}"
        )
        with translation.override("fr"):
            html = template.render(Context({"name": "Aide & <Entraide>"}))
            self.assertEqual(html, "Les services d'Aide &amp; &lt;Entraide&gt;")
            html = template.render(Context({"name": "Les <b>Amis</b>"}))
            self.assertEqual(html, "Les services des &lt;b&gt;Amis&lt;/b&gt;")
        # Plain text stays plain text: nothing marks it safe.
        with translation.override("fr"):
            result = elide("Les services de Eupen <b>", "Eupen <b>")
        self.assertEqual(result, "Les services d'Eupen <b>")
        self.assertNotIsInstance(result, SafeData)
