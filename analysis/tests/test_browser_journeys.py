"""The sector analysis in a real Chromium, with axe-core on every page: a
coordinator imports population figures, opens the coverage matrix, switches to
provinces, filters a theme, and goes on to the gaps, the overlaps and the grid;
then the same matrix on a phone, in English."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from conftest import serious_accessibility_violations
from lib.refcache import forget_all
from register.models import Service
from register.tests.factories import make_organisation, make_relation, make_service
from territory.models import Commune
from territory.tests.test_boundaries import SHARED_TOPOJSON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def sign_in(page, email: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")


def test_a_coordinator_reads_coverage_gaps_overlaps_and_the_grid(page, tmp_path: Path):
    call_command("load_reference", verbosity=0)
    User.objects.create_user("claire@example.org", PASSWORD, role=Role.COORDINATOR)
    cpas = make_organisation("CPAS de Liège", level="municipal")
    croix_rouge = make_organisation(
        "Croix-Rouge de Belgique",
        level="non-governmental",
        sector="non-profit",
        actor_type="association",
    )
    for organisation in (cpas, croix_rouge):
        make_service(
            organisation,
            f"Logement — {organisation.name}",
            theme="housing",
            communes=["62063"],
            target_groups=["children"],
            status=Service.Status.ONGOING,
            capacity=20,
        )
    figures = tmp_path / "protection-temporaire.csv"
    figures.write_text(
        "commune;date;valeur\n62063;31/12/2024;1 450\nNamur;31/12/2024;612\n",
        encoding="utf-8",
    )

    sign_in(page, "claire@example.org")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Analyse"
    ).click()
    assert_accessible(page)

    page.get_by_role("link", name="Chiffres de population").first.click()
    page.get_by_role("link", name="Importer un fichier").click()
    assert_accessible(page)
    page.get_by_label("Fichier XLSX ou CSV").set_input_files(str(figures))
    page.get_by_label("Indicateur, si le fichier n'a pas de colonne").select_option(
        "temporary_protection"
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("Le fichier a été importé.")).to_be_visible()
    expect(page.get_by_text("2 nouveaux chiffres")).to_be_visible()
    assert_accessible(page)

    page.goto("/analyse/couverture/")
    assert_accessible(page)
    page.get_by_label("Territoires").select_option("province")
    page.get_by_label(re.compile(r"^Thème")).select_option("housing")
    page.get_by_label("Chiffre montré").select_option("per_1000")
    page.get_by_role("button", name="Afficher").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Liège")).to_be_visible()
    # Two services for 1,450 people in the province of Liège; none in Namur.
    expect(table.get_by_role("row", name="Liège")).to_contain_text("1,4")
    expect(table.get_by_role("row", name="Namur")).to_contain_text("lacune")
    assert_accessible(page)

    page.get_by_role("link", name="Voir les lacunes pour ces filtres").click()
    expect(page.get_by_role("rowheader", name="Namur")).to_be_visible()
    assert_accessible(page)

    page.goto("/analyse/chevauchements/")
    expect(page.get_by_text("1 paire d'organisations sans relation")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Relier CPAS de Liège et Croix-Rouge").click()
    expect(page.get_by_label("Autre organisation")).to_have_value(
        "Croix-Rouge de Belgique"
    )

    page.goto("/analyse/grille/")
    expect(page.get_by_text("2 organisations actives n'ont pas encore")).to_be_visible()
    assert_accessible(page)

    # On a phone, in English.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/analyse/couverture/")
    page.get_by_label("Langue", exact=True).select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Coverage by theme and territory"
    )
    assert_accessible(page)


def test_the_network_is_drawn_searched_and_read_as_a_table(page):
    call_command("load_reference", verbosity=0)
    User.objects.create_user("claire@example.org", PASSWORD, role=Role.COORDINATOR)
    cpas = make_organisation("CPAS de Liège", level="municipal")
    cri = make_organisation(
        "Centre régional d'intégration",
        level="regional",
        actor_type="regional-integration-centre",
    )
    fedasil = make_organisation("Fedasil", level="federal", actor_type="federal-agency")
    make_relation(cpas, cri, type="refers-to")
    make_relation(cri, fedasil, type="partners-with")
    sign_in(page, "claire@example.org")
    page.goto("/analyse/reseau/")
    expect(page.get_by_role("img", name="Graphe des relations")).to_be_visible()
    expect(page.locator("#network-legend li")).to_have_count(3)
    page.get_by_label("Chercher une organisation dans le graphe").fill("fedasil")
    page.get_by_role("button", name="Montrer ses voisines").click()
    expect(page.get_by_role("status")).to_contain_text("1 organisation(s) trouvée(s)")
    table = page.get_by_role("table").first
    expect(table.get_by_role("row", name="Centre régional")).to_contain_text("2")
    assert_accessible(page)


def test_the_map_colours_the_communes_and_opens_each_one(page):
    call_command("load_reference", verbosity=0)
    User.objects.create_user("claire@example.org", PASSWORD, role=Role.COORDINATOR)
    cpas = make_organisation("CPAS de Liège", level="municipal")
    make_service(
        cpas,
        "Logement de transit",
        theme="housing",
        communes=["62063"],
        status=Service.Status.ONGOING,
    )
    if SHARED_TOPOJSON.exists():
        call_command("import_boundaries", str(SHARED_TOPOJSON), verbosity=0)
        drawn = 261
    else:
        square = {
            "type": "Polygon",
            "coordinates": [[[5.5, 50.6], [5.6, 50.6], [5.6, 50.7], [5.5, 50.6]]],
        }
        Commune.objects.filter(nis__in=["62063", "92094"]).update(boundary=square)
        forget_all()
        drawn = 2
    sign_in(page, "claire@example.org")
    page.goto("/analyse/")
    page.get_by_role("link", name="Carte de la couverture").click()
    page.get_by_label(re.compile(r"^Thème")).select_option("housing")
    page.get_by_label("Chiffre montré").select_option("services")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("status")).to_contain_text(f"Communes dessinées : {drawn}.")
    expect(page.locator("#coverage-map path.leaflet-interactive")).to_have_count(drawn)
    legend = page.get_by_role("list", name="Légende de la carte")
    expect(legend).to_contain_text("0")
    assert_accessible(page)
    page.locator("#coverage-map path.leaflet-interactive").first.click(force=True)
    link = page.get_by_role("link", name="Ouvrir la page de la commune")
    expect(link).to_have_attribute("href", re.compile(r"^/registre/communes/\d{5}/$"))
    # The same figures in a table.
    page.get_by_text("Les chiffres des 261 communes en tableau").click()
    row = page.get_by_role("row", name=re.compile(r"^Liège"))
    expect(row).to_contain_text("1")
    # On a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("status")).to_contain_text(f"Communes dessinées : {drawn}.")
    assert_accessible(page)


def test_a_coordinator_goes_from_the_matrix_to_the_map_network_and_report(
    page, tmp_path: Path, settings
):
    """The acceptance journey of the analysis: the coverage matrix by province
    for a theme, the map, the network and its table, the report as PDF and
    XLSX (written to a MEDIA_ROOT of the test's own)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_reference", verbosity=0)
    User.objects.create_user("claire@example.org", PASSWORD, role=Role.COORDINATOR)
    cpas = make_organisation("CPAS de Liège", level="municipal")
    fedasil = make_organisation("Fedasil", level="federal", actor_type="federal-agency")
    make_service(
        cpas,
        "Logement de transit",
        theme="housing",
        communes=["62063"],
        status=Service.Status.ONGOING,
    )
    make_relation(fedasil, cpas, type="funds")
    if SHARED_TOPOJSON.exists():
        call_command("import_boundaries", str(SHARED_TOPOJSON), verbosity=0)
    sign_in(page, "claire@example.org")

    page.goto("/analyse/couverture/")
    page.get_by_label("Territoires").select_option("province")
    page.get_by_label(re.compile(r"^Thème")).select_option("housing")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("rowheader", name="Liège")).to_be_visible()
    assert_accessible(page)

    page.goto("/analyse/carte/?theme=housing&measure=services")
    if SHARED_TOPOJSON.exists():
        expect(page.get_by_role("status")).to_contain_text("Communes dessinées : 261.")
    else:
        expect(page.get_by_text("ne sont pas encore chargées")).to_be_visible()
    assert_accessible(page)

    page.goto("/analyse/reseau/")
    expect(page.get_by_role("img", name="Graphe des relations")).to_be_visible()
    table = page.get_by_role("table").first
    expect(table.get_by_role("row", name="Fedasil")).to_contain_text("1")
    assert_accessible(page)

    page.goto("/analyse/")
    page.get_by_role("link", name="Rapport", exact=True).click()
    page.get_by_label("Territoires").select_option("province")
    page.get_by_role("button", name="Afficher le rapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rapport d'analyse du secteur"
    )
    expect(page.locator("figure.report-chart svg").first).to_be_visible()
    # The charts' figures for screen readers.
    expect(page.get_by_role("table", name="Services actifs par thème")).to_have_count(1)
    assert_accessible(page)
    report_url = page.url
    for fmt, signature in (("PDF", b"%PDF"), ("XLSX", b"PK")):
        page.goto(report_url)
        # The report is written during the request (tasks run at once in the
        # tests): on a busy machine a PDF takes longer than a click's 10 s.
        page.get_by_role("button", name=f"Télécharger en {fmt}").click(timeout=60_000)
        expect(page.get_by_role("status")).to_contain_text(
            "Le rapport est prêt.", timeout=60_000
        )
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role(
                "link", name=re.compile("^Télécharger maillage-rapport")
            ).click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name.endswith("." + fmt.lower())
        assert saved.read_bytes().startswith(signature)
