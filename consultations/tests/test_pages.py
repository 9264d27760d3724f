"""The questionnaires' pages: for coordinators and administrators only; an
XLSForm imported, checked or refused from the browser; a version's
questions; its XLSForm and XForm downloaded."""

import io
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.testing import BaseTestCase
from consultations.models import Questionnaire
from consultations.services import questionnaire_import
from consultations.tests.test_xlsform import FORM, workbook
from consultations.xlsform import xlsform_read

READ = {
    "anonymous": 302,
    "admin": 200,
    "coordinator": 200,
    "focal_point_a": 403,
    "focal_point_b": 403,
    "observer": 403,
}


class QuestionnairePageTests(BaseTestCase):
    def setUp(self) -> None:
        self.questionnaire = questionnaire_import(
            form=xlsform_read(FORM.encode(), "enquete.md"), by=self.coordinator
        )

    def upload(self, content: bytes, name: str, **data: Any) -> Any:
        return self.client.post(
            reverse("consultations:questionnaire_import"),
            {"file": SimpleUploadedFile(name, content), **data},
        )

    def test_every_page_for_every_role(self):
        pk = self.questionnaire.pk
        urls = [
            reverse("consultations:questionnaire_list"),
            reverse("consultations:questionnaire_import"),
            reverse("consultations:questionnaire_detail", args=[pk]),
            reverse("consultations:questionnaire_xlsform", args=[pk]),
            reverse("consultations:questionnaire_xform", args=[pk]),
        ]
        for name, user in self.personas().items():
            self.login(user)
            for url in urls:
                with self.subTest(persona=name, url=url):
                    self.assertEqual(self.client.get(url).status_code, READ[name])
            with self.subTest(persona=name, post=True):
                status = self.upload(FORM.encode(), "f.md").status_code
                self.assertEqual(status, {200: 302}.get(READ[name], READ[name]))
        self.login(self.coordinator)
        for url in ("/consultations/questionnaires/99999999999999999999/",):
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_coordinator_imports_checks_and_reads_a_form(self):
        self.login(self.coordinator)
        response = self.client.get("/")
        self.assertContains(response, 'href="/consultations/"')
        response = self.upload(FORM.encode(), "enquete.md", dry_run="on")
        self.assertContains(response, "est valide : 6 questions")
        self.assertEqual(Questionnaire.objects.count(), 1)
        response = self.upload(FORM.encode(), "enquete.md")
        second = Questionnaire.objects.get(version=2)
        self.assertRedirects(
            response, reverse("consultations:questionnaire_detail", args=[second.pk])
        )
        page = self.client.get(
            reverse("consultations:questionnaire_detail", args=[second.pk])
        )
        self.assertContains(page, "selected(${themes}, &#x27;housing&#x27;)")
        self.assertContains(page, "Logement")
        old = self.client.get(
            reverse("consultations:questionnaire_detail", args=[self.questionnaire.pk])
        )
        self.assertContains(old, "une version plus récente existe")
        listed = self.client.get(reverse("consultations:questionnaire_list"))
        self.assertContains(listed, "v2 (2 versions)")

    def test_a_refused_form_says_why_and_stores_nothing(self):
        self.login(self.coordinator)
        cases = [
            (
                workbook([["type", "name", "label"], ["geopoint", "lieu", "Où ?"]]),
                "g.xlsx",
                "geopoint",
            ),
            (b"not a workbook", "f.xlsx", "XLSForm"),
            (b"x", "f.pdf", ".xlsx"),
        ]
        for content, name, fragment in cases:
            with self.subTest(name=name):
                response = self.upload(content, name)
                self.assertContains(response, fragment, status_code=400)
        response = self.client.post(reverse("consultations:questionnaire_import"), {})
        self.assertEqual(response.status_code, 400)
        response = self.upload(FORM.encode(), "f.md", key="pas une clé !")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Questionnaire.objects.count(), 1)

    def test_the_downloads_convert_back(self):
        self.login(self.coordinator)
        pk = self.questionnaire.pk
        xlsx = self.client.get(
            reverse("consultations:questionnaire_xlsform", args=[pk])
        )
        self.assertEqual(
            xlsform_read(xlsx.content, "back.xlsx").definition,
            self.questionnaire.definition,
        )
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        self.assertEqual(book.sheetnames, ["survey", "choices", "settings"])
        xform = self.client.get(reverse("consultations:questionnaire_xform", args=[pk]))
        self.assertIn(b"<h:title>Enqu\xc3\xaate sur l'offre</h:title>", xform.content)
