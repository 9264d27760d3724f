"""The import journey in a real Chromium, with axe-core on every page visited."""

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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page: Any) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def test_a_coordinator_checks_then_imports_a_csv(
    page: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference", stdout=StringIO())
    User.objects.create_user(
        "claire.coord@example.org", PASSWORD, role=Role.COORDINATOR
    )
    path = tmp_path / "organisations.csv"
    path.write_bytes(
        csv_bytes(
            [
                [
                    "Nom de la structure",
                    "Niveau institutionnel",
                    "Secteur",
                    "Type d'acteur",
                    "Code postal",
                ],
                [
                    "Maison d'accueil de Dinant",
                    "municipal",
                    "non-profit",
                    "association",
                    "5500",
                ],
            ],
            delimiter=";",
            encoding="cp1252",
        )
    )
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill("claire.coord@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The home page, not the sign-in page (whose address ends with "/" too).
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Importer"
    ).click()
    assert_accessible(page)
    page.get_by_label("Fichier XLSX ou CSV").set_input_files(str(path))
    page.get_by_label("Données").select_option("organisations")
    page.get_by_role("button", name="Vérifier").click()
    # The name's column is not recognised: map it, check again without the file.
    mapping = page.get_by_label("Nom de la structure (organisations)")
    expect(mapping).to_be_visible()
    assert_accessible(page)
    mapping.select_option(label="nom")
    page.get_by_role("button", name="Vérifier à nouveau").click()
    expect(page.get_by_text("Le fichier est valide")).to_be_visible()
    expect(page.get_by_role("table", name="Lignes du fichier")).to_be_visible()
    expect(page.get_by_label("Nom de la structure (organisations)")).to_have_value(
        "name"
    )
    assert_accessible(page)
    assert not Organisation.objects.filter(name="Maison d'accueil de Dinant").exists()

    # One click imports what was checked, mapping included.
    page.get_by_role("button", name="Importer ce fichier").click()
    page.wait_for_url("**/echanges/importer/lots/")
    expect(page.get_by_text("Import appliqué")).to_be_visible()
    assert_accessible(page)

    organisation = Organisation.objects.get(name="Maison d'accueil de Dinant")
    page.goto(organisation.get_absolute_url())
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Maison d'accueil de Dinant")
    )
    assert_accessible(page)

    # The batch's page lists what it created, and undoing is asked there.
    page.goto("/echanges/importer/lots/")
    page.get_by_role(
        "link", name="Voir ou annuler l'import d'organisations.csv"
    ).click()
    expect(page.get_by_role("link", name="Maison d'accueil de Dinant")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Annuler l'import d'organisations.csv").click()
    page.wait_for_url("**/echanges/importer/lots/")
    expect(page.get_by_text("L'import a été annulé.")).to_be_visible()
    assert not Organisation.objects.filter(name="Maison d'accueil de Dinant").exists()
