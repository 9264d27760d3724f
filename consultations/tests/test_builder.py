# ruff: noqa: E501 - a table of refused edits, one per line
"""The questionnaire builder: questions, choices, logic and translations
changed in the browser and through the API, each change checked as an
import is; a version in use changes only into a new version."""

from typing import Any, ClassVar

from django.urls import reverse

from consultations import builder
from consultations.models import Questionnaire, Response
from consultations.services import questionnaire_import, response_submit
from consultations.tests.base import FORM, FR, RoundTestCase
from consultations.xlsform import xlsform_read, xlsform_write


class BuilderTests(RoundTestCase):
    draft: ClassVar[Questionnaire]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A draft of another questionnaire: it changes in place.
        cls.draft = questionnaire_import(
            form=xlsform_read(FORM.encode(), "offre.md"),
            by=cls.coordinator,
            key="brouillon",
        )

    def url(
        self,
        questionnaire: Questionnaire,
        name: str = "questionnaire_builder",
        *args: Any,
    ) -> str:
        return reverse(f"consultations:{name}", args=[questionnaire.pk, *args])

    def post(
        self,
        questionnaire: Questionnaire,
        data: dict[str, Any],
        name: str = "questionnaire_builder",
        *args: Any,
    ) -> Any:
        questionnaire.refresh_from_db()
        return self.client.post(
            self.url(questionnaire, name, *args),
            {
                f"{prefix}digest": builder.digest(questionnaire.definition)
                for prefix in ("", "settings-", "question-", "choice-", "language-")
            }
            | data,
        )

    def names(self, questionnaire: Questionnaire) -> list[str]:
        questionnaire.refresh_from_db()
        return [
            row.get("name", row["type"]) for row in questionnaire.definition["survey"]
        ]

    def test_only_coordinators_edit(self):
        expected = {
            "anonymous": 302, "admin": 200, "coordinator": 200,
            "focal_point_a": 403, "focal_point_b": 403, "observer": 403,
        }  # fmt: skip
        urls = [
            self.url(self.draft),
            self.url(self.draft, "questionnaire_row", 1),
            self.url(self.draft, "questionnaire_choice", 0),
        ]
        for name, user in self.personas().items():
            self.login(user)
            for url in urls:
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, expected[name])
            if expected[name] != 200:
                self.post(self.draft, {"op": "delete", "row": "1"})
        self.assertEqual(len(self.names(self.draft)), 8)

    def test_add_a_choice_question_and_answer_it_in_the_preview(self):
        self.login(self.coordinator)
        response = self.post(
            self.draft,
            {
                "op": "add",
                "question-kind": "select_one",
                "question-name": "delai",
                "question-label": "Délai d'accueil",
                "question-choices": "Moins d'une semaine\nUn mois\nPlus",
                "question-after": "1",
            },
        )
        self.assertRedirects(response, self.url(self.draft))
        self.assertEqual(self.names(self.draft)[:3], ["offre", "accueil", "delai"])
        self.assertEqual(
            [
                (c["list_name"], c["name"])
                for c in self.draft.definition["choices"][-3:]
            ],
            [("delai", "moins_dune_semaine"), ("delai", "un_mois"), ("delai", "plus")],
        )
        self.assertEqual(self.draft.question_count, 5)
        # A group adds its end; the page lists both.
        self.post(
            self.draft,
            {
                "op": "add",
                "question-kind": "begin_group",
                "question-name": "fin",
                "question-label": "Fin",
            },
        )
        self.assertEqual(self.names(self.draft)[-2:], ["fin", "end_group"])
        preview = self.client.get(
            self.url(self.draft, "questionnaire_preview") + "?reset=1"
        )
        self.assertContains(preview, "Délai d&#x27;accueil")

    def test_logic_and_texts_of_a_row(self):
        self.login(self.coordinator)
        page = self.client.get(self.url(self.draft, "questionnaire_row", 2))
        self.assertContains(page, "Contrainte")
        form = page.context["form"]
        data = {key: form[key].value() or "" for key in form.columns}
        data.update(
            {"constraint": ". >= 0 and . <= 500", f"hint::{FR}": "Lits libres ce soir"}
        )
        saved = self.post(self.draft, data, "questionnaire_row", 2)
        self.assertRedirects(saved, self.url(self.draft))
        self.draft.refresh_from_db()
        row = self.draft.definition["survey"][2]
        self.assertEqual(row["constraint"], ". >= 0 and . <= 500")
        self.assertEqual(row[f"hint::{FR}"], "Lits libres ce soir")

    def test_an_edit_that_breaks_the_form_is_refused_and_nothing_changes(self):
        self.login(self.coordinator)
        before = self.draft.definition
        row = self.client.get(self.url(self.draft, "questionnaire_row", 2)).context[
            "form"
        ]
        data = {key: row[key].value() or "" for key in row.columns}
        cases = [
            ("questionnaire_row", 2, {**data, "relevant": "${inconnue} = 'yes'"}, "inconnue"),
            ("questionnaire_row", 2, {**data, "constraint": ". >= ("}, "Modification refusée"),
            ("questionnaire_row", 2, {**data, "type": "geopoint"}, "geopoint"),
            ("questionnaire_row", 2, {**data, "name": "accueil"}, "déjà pris"),
            ("questionnaire_row", 2, {**data, "name": "é x"}, "Un nom commence"),
            ("questionnaire_builder", None, {"op": "add", "question-kind": "integer", "question-name": "places", "question-label": "x"}, "déjà pris"),
            ("questionnaire_builder", None, {"op": "add", "question-kind": "select_one", "question-name": "z", "question-label": "x"}, "un par ligne"),
            ("questionnaire_builder", None, {"op": "add", "question-kind": "geopoint", "question-name": "z", "question-label": "x"}, "Sélectionnez un choix valide"),
            ("questionnaire_builder", None, {"op": "language", "language-language": "English"}, "code entre parenthèses"),
        ]  # fmt: skip
        for name, index, data_sent, message in cases:
            with self.subTest(message=message):
                args = [] if index is None else [index]
                response = self.post(self.draft, data_sent, name, *args)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)
        # The first row cannot move up.
        moved = self.post(self.draft, {"op": "up", "row": "0"})
        self.assertRedirects(moved, self.url(self.draft), fetch_redirect_response=False)
        self.assertContains(self.client.get(self.url(self.draft)), "déjà au bout")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.definition, before)

    def test_a_stale_page_and_junk_are_refused(self):
        self.login(self.coordinator)
        stale = self.client.post(
            self.url(self.draft), {"digest": "0" * 32, "op": "delete", "row": "1"}
        )
        self.assertEqual(stale.status_code, 302)
        junk = [
            {"op": "explode"},
            {"op": "delete", "row": "abc"},
            {"op": "delete", "row": "-1"},
            {"op": "delete", "row": "999999"},
            {"op": "delete", "row": "99999999999999999999"},
            {
                "op": "add",
                "question-kind": "text",
                "question-name": "x" * 500,
                "question-label": "y",
            },
            {
                "op": "add",
                "question-kind": "text",
                "question-name": "ok",
                "question-label": "\x00",
            },
            {"op": "settings", "settings-title": "", "settings-default_language": "xx"},
        ]
        for data in junk:
            with self.subTest(data=str(data)[:50]):
                response = self.post(self.draft, data)
                self.assertIn(response.status_code, {302, 400})
        for url in (
            self.url(self.draft, "questionnaire_row", 999),
            self.url(self.draft, "questionnaire_choice", 999),
        ):
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(len(self.names(self.draft)), 8)

    def test_delete_a_group_with_what_it_holds_and_move_a_choice(self):
        self.login(self.coordinator)
        self.post(self.draft, {"op": "delete", "row": "4"})
        self.assertEqual(
            self.names(self.draft), ["offre", "accueil", "places", "end_group"]
        )
        first = self.draft.definition["choices"][0]["name"]
        self.post(self.draft, {"op": "choice-down", "row": "0"})
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.definition["choices"][1]["name"], first)

    def test_a_version_in_use_changes_into_the_next_version(self):
        in_use = self.questionnaire
        self.assertEqual(in_use.status, Questionnaire.Status.IN_USE)
        response_submit(
            round_=self.round, instance_id="a", answers={"accueil": "no"},
            invitation=self.invitation_a,
        )  # fmt: skip
        before = in_use.definition
        self.login(self.coordinator)
        page = self.client.get(self.url(in_use))
        self.assertContains(page, "Votre première modification fera la version 2")
        saved = self.post(
            in_use,
            {
                "op": "settings",
                "settings-title": "Offre d'accueil, deuxième vague",
                "settings-default_language": FR,
            },
        )
        new = Questionnaire.objects.get(key=in_use.key, version=2)
        self.assertRedirects(saved, self.url(new))
        self.assertEqual(new.status, Questionnaire.Status.DRAFT)
        self.assertEqual(new.title, "Offre d'accueil, deuxième vague")
        in_use.refresh_from_db()
        self.assertEqual(in_use.definition, before)
        self.assertEqual(Response.objects.get().questionnaire_id, in_use.pk)
        # The next change to the new draft changes it in place.
        self.post(new, {"op": "delete", "row": "7"})
        self.assertEqual(Questionnaire.objects.filter(key=in_use.key).count(), 2)

    def test_translate_into_a_new_language_and_export(self):
        self.login(self.coordinator)
        added = self.post(
            self.draft, {"op": "language", "language-language": "English  (en)"}
        )
        translate = (
            self.url(self.draft, "questionnaire_translations")
            + "?langue=English+%28en%29"
        )
        self.assertRedirects(added, translate)
        page = self.client.get(translate)
        self.assertContains(page, "Accueillez-vous des personnes déplacées ?")
        form = page.context["form"]
        texts = {field.name: "" for field, _source, _where in form.entries}
        texts["survey-1-label"] = "Do you receive displaced people?"
        texts["choices-0-label"] = "Yes"
        saved = self.client.post(
            translate, {"digest": builder.digest(self.draft.definition), **texts}
        )
        self.assertRedirects(saved, self.url(self.draft))
        self.draft.refresh_from_db()
        self.assertIn("English (en)", self.draft.languages)
        self.assertEqual(
            self.draft.definition["survey"][1]["label::English (en)"],
            "Do you receive displaced people?",
        )
        # The XLSForm exported converts with pyxform and reads back the same.
        again = xlsform_read(xlsform_write(self.draft.definition), "x.xlsx")
        self.assertEqual(again.definition["survey"], self.draft.definition["survey"])
        self.assertIn("English (en)", again.languages)


class LanguageTests(RoundTestCase):
    def test_texts_that_name_no_language_are_named_before_a_translation(self):
        definition: dict[str, Any] = {
            "survey": [{"type": "text", "name": "nom", "label": "Votre nom"}],
            "choices": [],
            "settings": {},
        }
        with self.assertRaisesMessage(builder.BuildError, "Nommez d'abord"):
            builder.language_add(definition, "English (en)")
        named = builder.language_add(definition, "English (en)", "Français (fr)")
        self.assertEqual(
            named["survey"][0],
            {"type": "text", "name": "nom", "label::Français (fr)": "Votre nom"},
        )
        self.assertEqual(named["settings"]["default_language"], "Français (fr)")
        self.assertEqual(definition["survey"][0]["label"], "Votre nom")


class BuilderApiTests(RoundTestCase):
    def test_read_and_change_the_rows(self):
        url = f"/api/v1/consultations/questionnaires/{self.questionnaire.pk}/definition"
        self.login(self.focal_point_a)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.coordinator)
        read = self.client.get(url).json()
        survey = read["survey"]
        survey[2]["constraint"] = ". >= 1"
        body = {
            "survey": survey,
            "choices": read["choices"],
            "settings": read["settings"],
        }
        stale = self.client.put(
            url, {**body, "digest": "x"}, content_type="application/json"
        )
        self.assertEqual(stale.status_code, 409)
        broken = [dict(row) for row in survey]
        broken[2]["relevant"] = "${nulle_part}"
        refused = self.client.put(
            url, {**body, "survey": broken, "digest": read["digest"]},
            content_type="application/json",
        )  # fmt: skip
        self.assertEqual(refused.status_code, 422)
        self.assertIn("nulle_part", refused.content.decode())
        junk = self.client.put(
            url, {"survey": "x", "digest": 1}, content_type="application/json"
        )
        self.assertEqual(junk.status_code, 422)
        done = self.client.put(
            url, {**body, "digest": read["digest"]}, content_type="application/json"
        )
        self.assertEqual(done.status_code, 200, done.content)
        # In use: the change made version 2.
        self.assertEqual(done.json()["version"], 2)
        self.assertEqual(
            Questionnaire.objects.get(pk=done.json()["id"]).definition["survey"][2][
                "constraint"
            ],
            ". >= 1",
        )


class BuilderJunkTests(RoundTestCase):
    def test_junk_in_every_builder_page_gets_a_4xx_or_a_message(self):
        questionnaire = self.questionnaire
        digest = builder.digest(questionnaire.definition)
        base = f"/consultations/questionnaires/{questionnaire.pk}/editeur/"
        gets = [
            base + "lignes/99999999999999999999/",
            base + "choix/99999999999999999999/",
            base + "traductions/?langue=" + "x" * 5000,
            base + "traductions/?langue=%00",
            f"/consultations/tours/{self.round.pk}/registre/?page=" + "9" * 40,
        ]
        posts = [
            (
                base + "lignes/1/",
                {"digest": digest, "type": "\x00", "name": "a" * 5000},
            ),
            (
                base + "choix/0/",
                {"digest": digest, "name": "\x07", "label::" + FR: "y" * 9000},
            ),
            (base + "traductions/", {"digest": "z" * 5000}),
            (
                f"/consultations/tours/{self.round.pk}/registre/",
                {"accueil": "x" * 5000},
            ),
        ]
        for name, user in self.personas().items():
            self.login(user)
            for url in gets:
                with self.subTest(persona=name, url=url[:80]):
                    self.assertLess(self.client.get(url).status_code, 500)
            for url, data in posts:
                with self.subTest(persona=name, url=url):
                    self.assertLess(self.client.post(url, data).status_code, 500)
        questionnaire.refresh_from_db()
        self.assertEqual(builder.digest(questionnaire.definition), digest)
