"""A partner's 4W sheet, then the services list and the organisations to
complete, in a real Chromium on a phone-sized window, with axe-core on every
page visited; then the services list in Dutch."""

from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from conftest import serious_accessibility_violations
from exchange.tests.base import csv_bytes
from register.models import Organisation
from register.tests.factories import make_organisation, make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def assert_readable_on_a_phone(page: Any) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], f"{page.url}: {violations}"
    # Wide tables scroll in their own box; the page itself does not widen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide"


def test_a_coordinator_imports_a_partner_sheet_and_completes_what_it_created(
    page: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference", stdout=StringIO())
    User.objects.create_user(
        "claire.coord@example.org", PASSWORD, role=Role.COORDINATOR
    )
    cpas = make_organisation("CPAS de Liège", postal_code="4000", area=["62063"])
    make_service(cpas, "Logement d'urgence", theme="housing", communes=["62063"])
    path = tmp_path / "4w-partenaire.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["Organisation", "Secteur", "Nom de la commune", "Début", "Statut"],
                [
                    "Maison de l'Ukraine",
                    "Hébergement et logement",
                    "Namur",
                    "01/02/2026",
                    "en cours",
                ],
                [
                    "Maison de l'Ukraine",
                    "Hébergement et logement",
                    "Liège",
                    "01/02/2026",
                    "en cours",
                ],
            ],
            delimiter=";",
        )
    )
    page.set_viewport_size(PHONE)
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill("claire.coord@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The home page, not the sign-in page (whose address ends with "/" too).
    page.wait_for_url(lambda url: urlsplit(url).path == "/")

    page.goto("/echanges/importer/")
    page.get_by_label("Fichier XLSX ou CSV").set_input_files(str(path))
    page.get_by_label("Données").select_option("4w")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("Le fichier est valide")).to_be_visible()
    assert_readable_on_a_phone(page)
    page.get_by_role("button", name="Importer ce fichier").click()
    page.wait_for_url("**/echanges/importer/lots/")
    expect(page.get_by_text("Import appliqué")).to_be_visible()

    # The home page counts what is to complete and leads to it.
    page.goto("/")
    page.get_by_role(
        "link", name="1 organisation créée depuis un tableau 4W attend son niveau"
    ).click()
    expect(page.get_by_role("status").first).to_have_text("1 organisation trouvée")
    expect(page.locator("#results .badge-incomplete").first).to_have_text("à compléter")
    assert_readable_on_a_phone(page)
    page.get_by_role("link", name="Maison de l'Ukraine").click()
    expect(page.get_by_text("À compléter : cette organisation")).to_be_visible()
    assert_readable_on_a_phone(page)
    page.get_by_role("link", name="Compléter la fiche").click()
    page.get_by_label("Niveau institutionnel").select_option(
        label="Non gouvernemental (associations)"
    )
    page.get_by_label("Secteur").select_option(
        label="Secteur associatif (non marchand)"
    )
    page.get_by_label("Type d'acteur").select_option(label="Association ou ONG")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("À compléter : cette organisation")).to_have_count(0)
    assert not Organisation.objects.get(name="Maison de l'Ukraine").is_incomplete

    # The services list: the 4W rows, filtered, on a phone.
    page.goto("/registre/organisations/")
    page.get_by_role(
        "link", name="Voir les services (qui fait quoi, où, quand)"
    ).click()
    expect(page.get_by_role("status").first).to_have_text("2 services trouvés")
    assert_readable_on_a_phone(page)
    page.get_by_label("Commune desservie").select_option(label="Namur")
    page.wait_for_url("**commune=92094**")
    page.wait_for_function(
        "document.querySelectorAll('#results tbody tr').length === 1"
    )
    expect(page.get_by_role("link", name="Maison de l'Ukraine")).to_be_visible()
    links = page.get_by_role("navigation", name="Exporter ces services")
    href = links.get_by_role("link", name="4W (CSV)").get_attribute("href")
    assert href is not None and "commune=92094" in href and "list=services" in href
    assert_readable_on_a_phone(page)

    # In Dutch.
    page.get_by_label("Langue", exact=True).select_option("nl")
    page.get_by_role("button", name="Changer").click()
    expect(
        page.get_by_role("heading", name="Stand van zaken: de diensten")
    ).to_be_visible()
    expect(page.get_by_text("Meer filters")).to_be_visible()
    assert_readable_on_a_phone(page)
