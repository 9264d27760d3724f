"""Exporting a filtered list in a real Chromium, with axe-core on the page."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from register.tests.test_browser_journeys import (
    assert_accessible,
    register_data,  # noqa: F401 - a fixture
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_focal_point_exports_the_filtered_list(page, register_data):  # noqa: F811
    sign_in(page, "fanny.focal@example.org")
    page.goto("/registre/organisations/")
    page.get_by_text("Plus de filtres").click()
    page.get_by_label("Thème").select_option("language-learning")
    page.wait_for_url("**theme=language-learning**")
    page.wait_for_function(
        "document.querySelectorAll('#results tbody tr').length === 1"
    )
    links = page.get_by_role("navigation", name="Exporter ces organisations")
    csv_link = links.get_by_role("link", name="CSV")
    # htmx redrew the results: the export links carry the new filters.
    expect(csv_link).to_have_attribute(
        "href",
        re.compile(r"^/echanges/exporter/\?.*theme=language-learning.*&format=csv$"),
    )
    assert_accessible(page)

    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("maillage-organisations-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert names == ["Centre régional de Verviers pour l'intégration"]

    page.get_by_role("link", name="autres exports et modèles d'import").click()
    page.wait_for_url("**/echanges/exporter/**")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Exporter l'état des lieux"
    )
    assert_accessible(page)


def test_a_coordinator_follows_a_background_export_then_downloads_it(
    page,
    register_data,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    from accounts.models import User
    from exchange.models import ExportJob

    coordinator = User.objects.get(email="claire.coord@example.org")
    running = ExportJob.objects.create(
        user=coordinator,
        format="xlsx",
        status="running",
        rows_written=40,
        rows_total=80,
    )
    sign_in(page, "claire.coord@example.org")
    page.goto(f"/echanges/exports/{running.pk}/")
    expect(page.get_by_role("status")).to_contain_text("40 lignes écrites sur 80")
    assert_accessible(page)

    page.goto("/echanges/exporter/")
    page.get_by_role("link", name="Préparer le classeur XLSX en arrière-plan").click()
    page.wait_for_url(re.compile(r".*/echanges/exports/[0-9a-f-]+/$"))
    # Tests run tasks at once: the export is ready when the page shows.
    link = page.get_by_role("link", name=re.compile(r"^Télécharger maillage-registre-"))
    expect(link).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
