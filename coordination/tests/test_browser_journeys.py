"""The coordination bodies' journeys in a real Chromium, with axe-core on every page
visited."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from coordination.models import CoordinationBody
from register.tests.factories import make_organisation
from register.tests.test_browser_journeys import assert_accessible, sign_in
from taxonomy.models import InstitutionalLevel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_creates_a_body_typing_its_convenors_and_members(page):
    call_command("load_reference", stdout=StringIO())
    User.objects.create_user(
        "claire.coord@example.org", PASSWORD, role=Role.COORDINATOR
    )
    cpas = make_organisation("CPAS de Liège", acronym="CPAS Liège")
    crvi = make_organisation(
        "Centre régional de Verviers pour l'intégration", acronym="CRVI"
    )
    sign_in(page, "claire.coord@example.org")
    page.goto("/coordination/organes/nouveau/")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Nom\W")).fill("Plateforme locale de Verviers")
    level = InstitutionalLevel.objects.get(code="supra-local")
    page.get_by_label("Niveau").select_option(str(level.pk))
    page.get_by_label("Formalisation").select_option("semi_formal")
    page.get_by_label("Pouvoir de décision").select_option("advises")
    page.get_by_label("Fréquence des réunions").select_option("monthly")
    # The server suggests matching organisations as one types.
    convenor = page.get_by_label(
        "Organisations qui le convoquent, organisation 1", exact=True
    )
    convenor.fill("Verviers")
    suggestion = page.locator("#id_convenors-suggestions option")
    expect(suggestion).to_have_count(1)
    convenor.fill(suggestion.get_attribute("value") or "")
    member = page.get_by_label("Organisation du membre 1", exact=True)
    member.fill("cpas liege")
    suggestion = page.locator("#id_members-0-organisation-suggestions option")
    expect(suggestion).to_have_count(1)
    member.fill(suggestion.get_attribute("value") or "")
    page.get_by_label("Rôle du membre 1", exact=True).select_option("chair")
    # A name or acronym only one organisation matches will do, without picking.
    page.get_by_label("Organisation du membre 2", exact=True).fill("CRVI")
    page.get_by_label("Rôle du membre 2", exact=True).select_option("member")
    # An unknown name is refused on its row, and nothing is saved.
    page.get_by_label("Organisation du membre 3", exact=True).fill("Introuvable")
    page.get_by_label("Rôle du membre 3", exact=True).select_option("observer")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Aucune organisation active ne correspond à « Introuvable »")
    ).to_be_visible()
    assert not CoordinationBody.objects.exists()
    assert_accessible(page)
    page.get_by_label("Organisation du membre 3", exact=True).fill("")
    page.get_by_label("Rôle du membre 3", exact=True).select_option("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Plateforme locale de Verviers"
    )
    assert_accessible(page)
    body = CoordinationBody.objects.get()
    assert list(body.convenors.all()) == [crvi]
    assert sorted(body.members.values_list("organisation_id", "role")) == sorted(
        [(cpas.pk, "chair"), (crvi.pk, "member")]
    )

    # The edit page writes them by name (no internal number), and offers new
    # blank inputs.
    page.get_by_role("link", name="Modifier", exact=True).click()
    expect(convenor).to_have_value(str(crvi))
    expect(
        page.get_by_label("Organisations qui le convoquent, organisation 3", exact=True)
    ).to_have_value("")
    expect(page.get_by_label("Organisation du membre 1", exact=True)).to_have_value(
        str(cpas)
    )
    assert_accessible(page)
    # Saved as shown, the names find the same organisations.
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Plateforme locale de Verviers"
    )
    body.refresh_from_db()
    assert list(body.convenors.all()) == [crvi]
    assert sorted(body.members.values_list("organisation_id", "role")) == sorted(
        [(cpas.pk, "chair"), (crvi.pk, "member")]
    )
