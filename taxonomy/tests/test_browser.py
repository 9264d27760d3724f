"""An observer reads the vocabularies and the competence matrix in a real Chromium."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from conftest import serious_accessibility_violations
from taxonomy.services import vocabularies_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def test_an_observer_reads_the_themes_and_the_competence_matrix(page):
    vocabularies_load()
    User.objects.create_user("olivia@example.org", PASSWORD, role=Role.OBSERVER)

    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill("olivia@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The home page, not the sign-in page (whose address ends with "/" too).
    page.wait_for_url(lambda url: urlsplit(url).path == "/")

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Vocabulaires"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vocabulaires")
    assert_accessible(page)

    page.get_by_role("link", name="Thèmes et sous-thèmes").click()
    expect(page.get_by_role("cell", name="Житло та розміщення")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Vocabulaires").last.click()
    page.get_by_role("link", name="Compétences par niveau de pouvoir").click()
    # Wait for the page the click opens: a plain check would read the old one.
    page.wait_for_url("**/vocabulaires/competences/")
    matrix = page.get_by_role("table", name="Matrice des compétences")
    expect(matrix.get_by_role("columnheader", name="Régions")).to_be_visible()
    assert not page.get_by_role("link", name="Modifier dans l'administration").count()
    assert_accessible(page)
