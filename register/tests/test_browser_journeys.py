"""The register's journeys in a real Chromium, with axe-core on every page visited."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from conftest import serious_accessibility_violations
from register import services
from register.models import Organisation, Service
from register.tests.factories import make_contact, make_organisation, make_service
from taxonomy.models import Theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page) -> None:
    violations = serious_accessibility_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def sign_in(page, email: str) -> None:
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # The home page, not the sign-in page (whose address ends with "/" too).
    page.wait_for_url(lambda url: urlsplit(url).path == "/")


@pytest.fixture
def register_data():
    call_command("load_reference", stdout=StringIO())
    coordinator = User.objects.create_user(
        "claire.coord@example.org", PASSWORD, role=Role.COORDINATOR
    )
    focal_a = User.objects.create_user(
        "fanny.focal@example.org", PASSWORD, role=Role.FOCAL_POINT
    )
    a = make_organisation(
        "CPAS de Liège",
        by=coordinator,
        acronym="CPAS Liège",
        postal_code="4000",
        area=["62063"],
    )
    b = make_organisation(
        "Centre régional de Verviers pour l'intégration",
        by=coordinator,
        acronym="CRVI",
        level="regional",
        sector="non-profit",
        actor_type="regional-integration-centre",
        postal_code="4800",
        area=["63079"],
    )
    make_organisation(
        "Croix-Rouge, maison d'accueil de Namur", by=coordinator, postal_code="5000"
    )
    services.membership_add(user=focal_a, organisation=a)
    make_service(a, "Logement d'urgence", theme="housing", communes=["62063"])
    make_service(
        b, "Cours de français", theme="language-learning", communes=["63079", "62063"]
    )
    make_contact(a, "Anne Partagée", shared=True)
    make_contact(b, "Béatrice Partagée", shared=True)
    make_contact(b, "Bernard Confidentiel", email="bernard.confidentiel@example.org")
    return {"coordinator": coordinator, "focal_a": focal_a, "a": a, "b": b}


def test_a_focal_point_updates_their_organisation_and_adds_a_service(
    page, register_data
):
    a = register_data["a"]
    sign_in(page, "fanny.focal@example.org")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="État des lieux"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="CPAS de Liège", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^CPAS de Liège")
    )
    assert_accessible(page)

    page.get_by_role("link", name="Modifier", exact=True).first.click()
    assert_accessible(page)
    page.get_by_label("Téléphone").fill("+32 4 220 60 00")
    # The parent is typed; the server suggests matching organisations as one types.
    parent = page.get_by_label("Organisation parente")
    parent.fill("Verviers")
    suggestion = page.locator("#id_parent-suggestions option")
    expect(suggestion).to_have_count(1)
    parent.fill(suggestion.get_attribute("value") or "")
    page.get_by_label("Numéro d'entreprise (BCE)").fill("0412.345.615")
    page.get_by_role("button", name="Enregistrer").click()
    # A wrong checksum is refused on the field, and nothing is saved.
    expect(page.get_by_text("chiffres de contrôle").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Numéro d'entreprise (BCE)").fill("0412.345.614")
    page.get_by_role("group", name="Langues parlées").get_by_label("ukrainien").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**{a.get_absolute_url()}")
    expect(page.get_by_text("Les modifications ont été enregistrées.")).to_be_visible()
    expect(page.get_by_text("0412.345.614")).to_be_visible()
    assert_accessible(page)
    a.refresh_from_db()
    assert a.phone == "+32 4 220 60 00"
    assert a.languages == ["uk"]
    assert a.parent == register_data["b"]

    page.get_by_role("link", name="Ajouter un service").click()
    assert_accessible(page)
    page.get_by_label("Intitulé").fill("Permanence d'accueil des familles")
    theme = Theme.objects.get(code="information-orientation")
    page.get_by_label(re.compile(r"^Thème\W")).select_option(str(theme.pk))
    page.get_by_label("Communes desservies").select_option(["62063", "62096"])
    page.get_by_role("group", name="Publics cibles").get_by_label("Enfants").check()
    # Funders are typed too, one per input, with the same suggestions.
    funder = page.get_by_label("Bailleurs de fonds, organisation 1", exact=True)
    funder.fill("Verviers")
    suggestion = page.locator("#id_funders-suggestions option")
    expect(suggestion).to_have_count(1)
    funder.fill(suggestion.get_attribute("value") or "")
    page.get_by_label("Début").fill("2026-06-01")
    page.get_by_label("Fin").fill("2026-01-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("précède la date de début").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Fin").fill("2026-12-31")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Permanence d'accueil des familles"
    )
    expect(page.get_by_text("2 communes")).to_be_visible()
    assert_accessible(page)
    service = Service.objects.get(title="Permanence d'accueil des familles")
    assert service.organisation == a
    assert sorted(service.communes.values_list("pk", flat=True)) == ["62063", "62096"]
    assert list(service.funders.all()) == [register_data["b"]]


def test_a_coordinator_searches_filters_archives_restores_and_reads_the_history(
    page, register_data
):
    b = register_data["b"]
    sign_in(page, "claire.coord@example.org")
    page.goto("/registre/organisations/")
    assert_accessible(page)
    results = page.locator("#results")

    page.get_by_label("Rechercher").fill("Liege")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**q=Liege**")
    expect(results.get_by_role("link", name="CPAS de Liège")).to_be_visible()
    assert (
        results.get_by_role(
            "link", name="Croix-Rouge, maison d'accueil de Namur"
        ).count()
        == 0
    )
    assert page.get_by_role("status").first.inner_text() == "1 organisation trouvée"
    assert_accessible(page)

    # htmx replaces the results when a filter changes, and keeps them in the URL.
    page.get_by_label("Rechercher").fill("")
    # The other filters are folded away until the person opens them.
    page.get_by_text("Plus de filtres").click()
    page.get_by_label("Commune desservie").select_option(label="Liège")
    page.wait_for_url("**commune=62063**")
    page.get_by_label("Thème").select_option("language-learning")
    page.wait_for_url("**theme=language-learning**")
    page.wait_for_function(
        "document.querySelectorAll('#results tbody tr').length === 1"
    )
    expect(
        results.get_by_role(
            "link", name="Centre régional de Verviers pour l'intégration"
        )
    ).to_be_visible()
    assert results.get_by_role("link", name="CPAS de Liège").count() == 0
    assert_accessible(page)
    # The URL of the filtered list works on its own.
    page.reload()
    expect(
        results.get_by_role(
            "link", name="Centre régional de Verviers pour l'intégration"
        )
    ).to_be_visible()

    results.get_by_role(
        "link", name="Centre régional de Verviers pour l'intégration"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Archiver").click()
    assert_accessible(page)
    page.get_by_role("button", name="Archiver l'organisation").click()
    expect(page.get_by_text("L'organisation a été archivée.")).to_be_visible()
    b.refresh_from_db()
    assert b.status == Organisation.Status.ARCHIVED
    assert_accessible(page)
    page.get_by_role("link", name="Restaurer").click()
    page.get_by_role("button", name="Restaurer l'organisation").click()
    expect(page.get_by_text("L'organisation a été restaurée.")).to_be_visible()
    b.refresh_from_db()
    assert b.status == Organisation.Status.ACTIVE

    page.get_by_role("link", name="Historique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^Historique de")
    )
    expect(page.get_by_text("claire.coord@example.org — Archivage")).to_be_visible()
    expect(page.get_by_text("claire.coord@example.org — Restauration")).to_be_visible()
    expect(page.get_by_role("row", name="Statut archivée active")).to_be_visible()
    assert_accessible(page)


def test_a_focal_point_of_a_cannot_see_b_private_contacts(page, register_data):
    sign_in(page, "fanny.focal@example.org")
    b = register_data["b"]
    page.goto(b.get_absolute_url())
    expect(page.get_by_text("Béatrice Partagée")).to_be_visible()
    expect(page.get_by_text("1 contact non partagé avec vous.")).to_be_visible()
    assert "Bernard" not in page.content()
    assert "bernard.confidentiel@example.org" not in page.content()
    # Neither buttons nor a guessed URL lead to it.
    assert page.get_by_role("link", name="Ajouter un contact").count() == 0
    assert page.get_by_role("link", name="Modifier", exact=True).count() == 0
    assert_accessible(page)
    hidden = b.contacts.get(name="Bernard Confidentiel")
    response = page.goto(f"/registre/contacts/{hidden.pk}/modifier/")
    assert response.status == 404
    assert "Bernard" not in page.content()
    response = page.goto(f"/registre/organisations/{b.pk}/modifier/")
    assert response.status == 403


def test_an_observer_reads_names_in_order_and_a_communes_gaps_on_a_phone(
    page, register_data
):
    """Names sort as a reader expects (not byte order) and a commune's page
    shows every theme, a gap as a gap, on a phone-sized window."""
    User.objects.create_user("olga.obs@example.org", PASSWORD, role=Role.OBSERVER)
    for name in ("Caritas International", "Médecins du Monde", "Ministerium"):
        make_organisation(name, postal_code="4000")
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, "olga.obs@example.org")
    page.goto("/registre/organisations/")
    names = page.locator("#results tbody th a").all_inner_texts()
    assert names.index("Caritas International") < names.index("CPAS de Liège")
    assert names.index("Centre régional de Verviers pour l'intégration") < names.index(
        "CPAS de Liège"
    )
    assert names.index("Médecins du Monde") < names.index("Ministerium")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto("/registre/communes/62063/")
    expect(page.get_by_role("heading", name="Hébergement et logement")).to_be_visible()
    # A theme without any service is there, saying so.
    expect(page.get_by_text("Aucun service en cours ou prévu").first).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
