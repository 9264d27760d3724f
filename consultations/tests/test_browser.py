"""A coordinator imports an XLSForm from the browser and reads its questions,
on a phone-sized window, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from consultations.tests.test_xlsform import FORM
from register.tests.test_browser_journeys import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_imports_an_xlsform_and_reads_it(page):
    User.objects.create_user(
        "claire.coord@example.org", PASSWORD, role=Role.COORDINATOR
    )
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "claire.coord@example.org")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Consultations"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    assert_accessible(page)
    page.get_by_role("link", name="Questionnaires (0)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaires")
    assert_accessible(page)
    page.get_by_role("link", name="Importer un XLSForm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer un XLSForm")
    assert_accessible(page)
    upload = {
        "name": "enquete.md",
        "mimeType": "text/markdown",
        "buffer": FORM.encode(),
    }
    page.get_by_label("Fichier XLSForm").set_input_files(upload)
    page.get_by_label("Vérifier seulement, sans importer").check()
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("est valide : 6 questions")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fichier XLSForm").set_input_files(upload)
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquête sur l'offre")
    expect(page.get_by_role("cell", name="Thèmes", exact=True)).to_be_visible()
    assert_accessible(page)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )

    # The builder: a question added with its choices, then translated.
    page.get_by_role("link", name="Modifier", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Modifier le questionnaire"
    )
    assert_accessible(page)
    page.locator("#id_question-kind").select_option(label="un choix dans une liste")
    page.locator("#id_question-name").fill("delai")
    page.locator("#id_question-label").fill("Délai d'accueil")
    page.get_by_label("Choix, un par ligne (questions à choix)").fill(
        "Moins d'une semaine\nUn mois"
    )
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_text("Modification enregistrée.")).to_be_visible()
    expect(page.get_by_role("cell", name="Délai d'accueil")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    page.get_by_role("link", name="Modifier « delai »").click()
    page.get_by_label("Obligatoire (yes, ou une expression)").fill("yes")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Modification enregistrée.")).to_be_visible()
    page.get_by_label("Nouvelle langue").fill("Nederlands (nl)")
    page.get_by_role("button", name="Ajouter la langue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Traduire")
    assert_accessible(page)
    page.get_by_label("delai — Libellé").fill("Ontvangsttermijn")
    page.get_by_role("button", name="Enregistrer les traductions").click()
    expect(page.get_by_text("Modification enregistrée.")).to_be_visible()
    expect(page.locator("#langues + p")).to_contain_text("Nederlands (nl)")
    assert_accessible(page)
