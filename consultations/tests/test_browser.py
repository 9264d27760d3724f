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
