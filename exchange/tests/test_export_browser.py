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
