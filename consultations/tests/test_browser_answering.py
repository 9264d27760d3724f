"""Answering in the browser: a focal point answers in French on a phone,
closes the browser half way, comes back by the same link on a new one,
finishes and submits; the same questionnaire is answered in Ukrainian; the
form works with JavaScript turned off. axe-core on every page."""

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from consultations.models import Response
from consultations.tests.base import make_round
from register import services as register_services
from register.models import Service
from register.tests.factories import make_contact, make_organisation, make_service
from register.tests.test_browser_journeys import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def round_data():
    from io import StringIO

    call_command("load_reference", stdout=StringIO())
    coordinator = User.objects.create_user(
        "claire.coord@example.org", PASSWORD, role=Role.COORDINATOR
    )
    focal = User.objects.create_user(
        "fanny.focal@example.org", PASSWORD, role=Role.FOCAL_POINT
    )
    liege = make_organisation("CPAS de Liège", by=coordinator, postal_code="4000")
    make_service(liege, "Logement d'urgence", by=coordinator, theme="housing")
    namur = make_organisation("CPAS de Namur", by=coordinator, postal_code="5000")
    register_services.membership_add(user=focal, organisation=liege)
    make_contact(
        liege, "Fanny Focal", email="fanny.focal@example.org", is_focal_point=True
    )
    make_contact(namur, "Olena", email="olena@example.org", is_focal_point=True)
    round_ = make_round(coordinator, (liege.pk, namur.pk))
    return {
        "round": round_,
        "liege": round_.invitations.get(organisation=liege),
        "namur": round_.invitations.get(organisation=namur),
    }


def fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_a_focal_point_answers_on_a_phone_stops_and_comes_back(
    browser, live_server, page, round_data
):
    page.set_viewport_size(PHONE)
    sign_in(page, "fanny.focal@example.org")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Consultations"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    assert_accessible(page)
    page.get_by_role("link", name="Répondre").click()
    expect(page.get_by_text("Page 1 sur 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Oui").check()
    # htmx shows the question that now applies.
    places = page.get_by_label("Places disponibles")
    expect(places).to_be_visible()
    places.fill("-2")
    places.blur()
    expect(page.get_by_text("Un nombre positif", exact=True)).to_be_visible()
    assert_accessible(page)
    places.fill("12")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    page.get_by_role("checkbox", name="Logement").check()
    expect(page.get_by_role("checkbox", name="Logement")).to_be_checked()
    page.wait_for_load_state("networkidle")
    assert fits(page)
    link = round_data["liege"].get_absolute_url()
    page.context.close()

    # Another browser, no session: the same link, the draft as it was left.
    context = browser.new_context(base_url=live_server.url, locale="fr-BE")
    again = context.new_page()
    again.set_viewport_size(PHONE)
    again.goto(link)
    expect(again.get_by_text("Page 2 sur 2")).to_be_visible()
    expect(again.get_by_role("checkbox", name="Logement")).to_be_checked()
    again.get_by_label("Commentaire").fill("Places en maisons communautaires")
    again.get_by_role("button", name="Précédent").click()
    expect(again.get_by_label("Places disponibles")).to_have_value("12")
    again.get_by_role("button", name="Suivant").click()
    again.get_by_role("button", name="Envoyer mes réponses").click()
    expect(again.get_by_role("heading", level=1)).to_have_text(
        "Merci, vos réponses sont envoyées"
    )
    expect(
        again.get_by_role("cell", name="Places en maisons communautaires")
    ).to_be_visible()
    assert_accessible(again)
    assert fits(again)
    context.close()
    stored = Response.objects.get(invitation=round_data["liege"])
    assert stored.status == "submitted"
    assert stored.answers == {
        "accueil": "yes",
        "places": "12",
        "besoins": ["logement"],
        "commentaire": "Places en maisons communautaires",
    }


def test_the_questionnaire_in_ukrainian(browser, live_server, round_data):
    context = browser.new_context(base_url=live_server.url, locale="uk-UA")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(round_data["namur"].get_absolute_url())
    with translation.override("uk"):
        next_label, send_label = gettext("Suivant"), gettext("Envoyer mes réponses")
    assert next_label != "Suivant"
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_text("Чи приймаєте ви переселених осіб?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Ні").check()
    page.get_by_role("button", name=next_label).click()
    page.get_by_role("checkbox", name="Робота").check()
    page.get_by_role("button", name=send_label).click()
    expect(page.get_by_role("cell", name="Робота")).to_be_visible()
    assert_accessible(page)
    context.close()
    stored = Response.objects.get(invitation=round_data["namur"])
    assert stored.answers == {"accueil": "no", "besoins": ["emploi"]}


def test_the_form_works_without_javascript(browser, live_server, round_data):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-BE", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(round_data["namur"].get_absolute_url())
    page.get_by_role("radio", name="Oui").check()
    # No script: the question that now applies comes with the next page's answer.
    expect(page.get_by_label("Places disponibles")).to_have_count(0)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("alert")).to_contain_text("Places disponibles")
    page.get_by_label("Places disponibles").fill("5")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, vos réponses sont envoyées"
    )
    context.close()
    stored = Response.objects.get(invitation=round_data["namur"])
    assert stored.answers == {"accueil": "yes", "places": "5"}


def test_a_coordinator_reads_the_results_and_accepts_an_answer(page, round_data):
    from consultations.services import response_submit

    for instance, invitation, answers in (
        (
            "a",
            round_data["liege"],
            {"accueil": "yes", "places": "12", "besoins": ["logement"]},
        ),
        (
            "b",
            round_data["namur"],
            {"accueil": "no", "besoins": ["logement", "emploi"]},
        ),
    ):
        response_submit(
            round_=round_data["round"], instance_id=instance, answers=answers,
            invitation=invitation,
        )  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in(page, "claire.coord@example.org")
    page.goto(round_data["round"].get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Offre d'accueil 2027")
    assert_accessible(page)
    page.get_by_role("link", name="Résultats", exact=True).click()
    expect(page.get_by_text("2 réponses envoyées")).to_be_visible()
    expect(page.get_by_role("img", name="Besoins prioritaires")).to_be_visible()
    assert_accessible(page)
    assert fits(page)
    page.get_by_label("Croiser la question").select_option(
        label="Accueillez-vous des personnes déplacées ?"
    )
    page.get_by_role("button", name="Appliquer").click()
    expect(
        page.get_by_role(
            "heading",
            name="« Accueillez-vous des personnes déplacées ? » "
            "par niveau institutionnel",
        )
    ).to_be_visible()
    assert_accessible(page)

    # One answer goes into the register: Liège's places become its housing
    # service's capacity.
    page.goto(round_data["round"].get_absolute_url())
    page.get_by_role("link", name="Vers le registre").click()
    page.get_by_label("Places disponibles (places)").select_option(
        label="capacité du service « Hébergement et logement »"
    )
    page.get_by_role("button", name="Enregistrer les liaisons").click()
    expect(page.get_by_text("Liaisons au registre enregistrées.")).to_be_visible()
    assert_accessible(page)
    assert fits(page)
    page.get_by_role("link", name="Relire la réponse de CPAS de Liège").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Relire pour le registre — CPAS de Liège"
    )
    assert_accessible(page)
    page.get_by_role("group", name="Décision pour « Places disponibles »").get_by_label(
        "écrire dans le registre"
    ).check()
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_text("1 réponse écrite dans le registre.")).to_be_visible()
    expect(page.get_by_text("Capacité de « Logement d'urgence » : 12.")).to_be_visible()
    assert_accessible(page)
    assert Service.objects.get(title="Logement d'urgence").capacity == 12
