"""A person signs in and browses to a commune, in a real Chromium, with axe-core."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from conftest import serious_accessibility_violations
from territory.services import territory_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def test_a_coordinator_signs_in_and_browses_to_a_commune(page):
    territory_load(all_belgium=False)
    User.objects.create_user("claire@example.org", PASSWORD, role=Role.COORDINATOR)

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Se connecter").first.click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("claire@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The home page, not the sign-in page (whose address ends with "/" too).
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Territoire"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Liège", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Verviers", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Eupen", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Eupen"))
    assert "63023" in page.content()
    assert_accessible(page)


def test_a_visitor_switches_the_interface_to_dutch(page):
    page.goto("/")
    page.get_by_label("Langue").select_option("nl")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_accessible(page)
